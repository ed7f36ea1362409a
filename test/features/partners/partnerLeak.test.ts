import { randomBytes, randomUUID } from 'node:crypto'
import type { Response } from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPassport } from '../../../server/auth/passport.ts'
import { roleCan } from '../../../server/auth/permissions.ts'
import { agencyLabels } from '../../../server/auth/roles.ts'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import type { RouteDefinition } from '../../../server/http/routeDefinition.ts'
import { buildRoutes } from '../../../server/routes.ts'
import {
  auditSince,
  createOutsideArea,
  createPerson,
  demoUserIds,
  freshCroNumber,
  freshPncId,
  inputValue,
  lastAuditId,
  postForm,
  rowCounts,
  type CountedTable,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

/**
 * What a MASH partner can reach, crawled exhaustively, must never carry police-only data.
 * Every police-only field of a person who has a MASH link holds a unique canary token; so do the
 * person's other agencies' links and a MASH link outside the partner's areas. The partner then
 * walks everything: links from the home page, every GET route the registry lets them call (with
 * the ids of the links they can see), and their own form's error and conflict pages.
 */

type Session = { agent: Agent; csrf: string }

let t: TestApp
let partner: Session
let iom: Session
let routes: RouteDefinition[]
let users: Awaited<ReturnType<typeof demoUserIds>>

/** Every canary, named by the field it was planted in, so a failure says what leaked. */
const canaries = new Map<string, string>()
const canary = (field: string): string => {
  const token = `cnry${randomBytes(6).toString('hex')}`
  canaries.set(field, token)
  return token
}

// What the arrangement made, for the assertions.
const seeded = {
  personId: '',
  surname: '',
  mashLinkId: '',
  mashReference: '',
  maracLinkId: '',
  yosLinkId: '',
  outsideLinkId: '',
  outsidePersonId: '',
  agreementId: '',
  ids: {} as Record<string, string>,
}

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  routes = buildRoutes({
    db: t.db,
    databaseKind: t.database.kind,
    config: t.config,
    services: t.services,
    passport: createPassport(t.db, t.services.signInService),
  })
  await arrange()
  partner = await signInAs(t.app, 'partner')
  iom = await signInAs(t.app, 'iom')
})
afterAll(async () => {
  await t.close()
})

/** A police user whose name is itself a canary: the lead officer is IOM status, which MASH may not see. */
async function canaryOfficer(): Promise<string> {
  const hash = (
    await t.db.selectFrom('app_user').select('password_hash').where('username', '=', 'iom').executeTakeFirstOrThrow()
  ).password_hash
  const ea = await t.db.selectFrom('area').select('id').where('code', '=', 'EA').executeTakeFirstOrThrow()
  const officer = await t.db
    .insertInto('app_user')
    .values({
      username: `officer${randomBytes(4).toString('hex')}`,
      display_name: `Sergeant ${canary('lead officer display name')}`,
      role: 'iom_officer',
      agency: null,
      password_hash: hash,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await t.db.insertInto('user_area').values({ user_id: officer.id, area_id: ea.id }).execute()
  return officer.id
}

async function arrange(): Promise<void> {
  const db = t.db
  const today = todayInLondon()
  const agreement = async (agency: 'mash' | 'marac' | 'yos') =>
    (
      await db
        .selectFrom('sharing_agreement')
        .select('id')
        .where('agency', '=', agency)
        .where('ends_on', 'is', null)
        .executeTakeFirstOrThrow()
    ).id
  const mashAgreement = await agreement('mash')
  seeded.agreementId = mashAgreement

  // Identifiers are valid values (a form would accept them), remembered as canaries by value.
  const pncId = await freshPncId(db)
  const croNumber = await freshCroNumber(db)
  canaries.set('PNC ID (long form)', pncId)
  canaries.set('PNC ID (short form)', `${pncId.slice(2, 4)}/${Number(pncId.slice(5, 12))}${pncId.slice(12)}`)
  canaries.set('CRO number', croNumber)
  const person = await createPerson(db, {
    forenames: 'Robin',
    date_of_birth: '1990-04-17',
    pnc_id: pncId,
    cro_number: croNumber,
    address: `14 ${canary('address')} Road, Romford RM1 3ER`,
  })
  seeded.personId = person.id
  seeded.surname = person.surname

  await db
    .insertInto('person_alias')
    .values({ person_id: person.id, surname: canary('alias surname'), forenames: canary('alias forenames') })
    .execute()
  const markerCode = (await db.selectFrom('marker_type').select('code').orderBy('sort_order').executeTakeFirstOrThrow())
    .code
  await db
    .insertInto('person_marker')
    .values({
      person_id: person.id,
      marker_code: markerCode,
      start_date: addDays(today, -40),
      note: canary('warning marker note'),
      set_by: users.iom,
    })
    .execute()
  const contactType = (
    await db.selectFrom('contact_type').select('code').orderBy('sort_order').executeTakeFirstOrThrow()
  ).code
  await db
    .insertInto('contact')
    .values({
      person_id: person.id,
      contact_date: addDays(today, -3),
      contact_type: contactType,
      pathway: 'accommodation',
      note: canary('contact note'),
      recorded_by: users.iom,
    })
    .execute()
  await db
    .insertInto('action')
    .values({
      person_id: person.id,
      description: canary('action description'),
      owner_id: users.iom,
      due_date: addDays(today, 7),
      pathway: 'health',
      created_by: users.iom,
    })
    .execute()
  const source = (await db.selectFrom('referral_source').select('code').orderBy('sort_order').executeTakeFirstOrThrow())
    .code
  const referral = await db
    .insertInto('referral')
    .values({
      person_id: person.id,
      programme: 'iom_flex',
      source,
      reason: canary('referral reason'),
      referred_by: users.iom,
    })
    .returning('id')
    .executeTakeFirstOrThrow()

  // On IOM, led by an officer whose name is a canary, with notes on the membership history.
  const officerId = await canaryOfficer()
  const membership = await db
    .insertInto('cohort_membership')
    .values({
      person_id: person.id,
      programme: 'iom_fixed',
      status: 'active',
      tier: 'red',
      lead_officer_id: officerId,
      selection_score: 31,
      selection_method: 'rfg',
      selection_date: addDays(today, -60),
      adopted_on: addDays(today, -60),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('membership_event')
    .values([
      {
        membership_id: membership.id,
        kind: 'adopted',
        event_date: addDays(today, -60),
        tier: 'amber',
        lead_officer_id: officerId,
        note: canary('membership event note (adopted)'),
        recorded_by: users.iom,
      },
      {
        membership_id: membership.id,
        kind: 'tier_changed',
        event_date: addDays(today, -10),
        tier: 'red',
        note: canary('membership event note (tier change)'),
        recorded_by: users.iom,
      },
    ])
    .execute()

  // DIP: a test, a required assessment, a missed appointment, a failure circulated as wanted.
  const test = await db
    .insertInto('drug_test')
    .values({
      person_id: person.id,
      custody_suite_code: 'ROMFORD',
      custody_number: canary('drug test custody number'),
      condition: 'arrest',
      trigger_offence_code: 'THEFT',
      sample_taken_at: new Date(`${addDays(today, -20)}T10:15:00Z`),
      opiates: 'positive',
      cocaine: 'negative',
      recorded_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const assessment = await db
    .insertInto('required_assessment')
    .values({ person_id: person.id, drug_test_id: test.id, imposed_by: users.iom })
    .returning('id')
    .executeTakeFirstOrThrow()
  const appointment = await db
    .insertInto('appointment')
    .values({
      assessment_id: assessment.id,
      person_id: person.id,
      kind: 'initial',
      scheduled_at: new Date(`${addDays(today, -18)}T09:30:00Z`),
      place: `CJIT office ${canary('appointment place')}`,
      assessor: canary('appointment assessor'),
      form: 'RA1',
      created_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('attendance')
    .values({
      appointment_id: appointment.id,
      outcome: 'did_not_attend',
      good_cause: false,
      good_cause_note: canary('attendance note'),
      recorded_by: users.dip,
    })
    .execute()
  const failure = await db
    .insertInto('dip_failure')
    .values({
      appointment_id: appointment.id,
      person_id: person.id,
      section: 's12',
      failure_date: addDays(today, -18),
      time_bar_date: addDays(today, 160),
      status: 'wanted',
      statement_produced_on: addDays(today, -16),
      wanted_since: addDays(today, -15),
      wanted_reference: canary('wanted reference'),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('dip_failure_event')
    .values({
      failure_id: failure.id,
      kind: 'circulated_wanted',
      event_date: addDays(today, -15),
      reference: canary('failure event reference'),
      note: canary('failure event note'),
      recorded_by: users.iom,
    })
    .execute()

  // The partner's own MASH link (meant to be seen), and the same person's MARAC and YOS links (not).
  seeded.mashReference = `MASH-${randomBytes(3).toString('hex').toUpperCase()}`
  const links = await db
    .insertInto('partner_link')
    .values([
      {
        person_id: person.id,
        agency: 'mash',
        reference: seeded.mashReference,
        opened_on: addDays(today, -9),
        contact: 'East Area MASH duty desk',
        agreement_id: mashAgreement,
        brag_rating: 'red',
        mash_decision: 'strategy_discussion',
        decision_date: addDays(today, -8),
        children_involved: 2,
        created_by: users.iom,
      },
      {
        person_id: person.id,
        agency: 'marac',
        reference: canary('MARAC link reference'),
        opened_on: addDays(today, -30),
        contact: canary('MARAC link contact'),
        agreement_id: await agreement('marac'),
        marac_role: 'perpetrator',
        dash_score: 17,
        meeting_date: addDays(today, 12),
        idva_allocated: false,
        next_review: addDays(today, 60),
        created_by: users.iom,
      },
      {
        person_id: person.id,
        agency: 'yos',
        reference: canary('YOS link reference'),
        opened_on: addDays(today, -300),
        contact: canary('YOS link contact'),
        agreement_id: await agreement('yos'),
        yos_disposal: 'referral_order',
        case_manager: canary('YOS case manager'),
        created_by: users.iom,
      },
    ])
    .returning(['id', 'agency'])
    .execute()
  const idOf = (agency: string) => links.find((l) => l.agency === agency)?.id ?? ''
  seeded.mashLinkId = idOf('mash')
  seeded.maracLinkId = idOf('marac')
  seeded.yosLinkId = idOf('yos')

  // A police edit of the MASH link, so the partner's page has history to show.
  await db
    .insertInto('partner_link_change')
    .values({
      link_id: seeded.mashLinkId,
      changes: JSON.stringify({ brag_rating: { from: 'amber', to: 'red' } }),
      changed_by: users.iom,
    })
    .execute()

  // Another person's MASH link, in an area the partner is not granted.
  const outside = await createOutsideArea(db)
  const stranger = await createPerson(db, {
    areaCode: outside.boroughCode,
    surname: canary('outside-area person surname'),
    forenames: canary('outside-area person forenames'),
  })
  seeded.outsidePersonId = stranger.id
  const outsideLink = await db
    .insertInto('partner_link')
    .values({
      person_id: stranger.id,
      agency: 'mash',
      reference: canary('outside-area MASH reference'),
      opened_on: addDays(today, -5),
      contact: canary('outside-area MASH contact'),
      agreement_id: mashAgreement,
      brag_rating: 'amber',
      created_by: users.iom,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  seeded.outsideLinkId = outsideLink.id

  seeded.ids = {
    personId: person.id,
    referralId: referral.id,
    membershipId: membership.id,
    testId: test.id,
    appointmentId: appointment.id,
    failureId: failure.id,
    linkId: seeded.maracLinkId,
    agreementId: mashAgreement,
    userId: users.partner,
    markerId: (
      await db.selectFrom('person_marker').select('id').where('person_id', '=', person.id).executeTakeFirstOrThrow()
    ).id,
    actionId: (await db.selectFrom('action').select('id').where('person_id', '=', person.id).executeTakeFirstOrThrow())
      .id,
  }
}

/** The MASH links the partner's areas hold: their whole world. */
async function visibleMashLinks(): Promise<{ id: string; person_id: string }[]> {
  const ea = await t.db.selectFrom('area').select('id').where('code', '=', 'EA').executeTakeFirstOrThrow()
  return t.db
    .selectFrom('partner_link as l')
    .innerJoin('person as p', 'p.id', 'l.person_id')
    .innerJoin('area as a', 'a.id', 'p.area_id')
    .select(['l.id', 'l.person_id'])
    .where('l.agency', '=', 'mash')
    .where((eb) => eb.or([eb('a.id', '=', ea.id), eb('a.parent_id', '=', ea.id)]))
    .execute()
}

type Seen = { path: string; status: number; body: string; location?: string; method?: 'GET' | 'POST' }

const origin = 'http://app.test'

/** Same-origin links and GET forms of an HTML page, as paths. */
function linksIn(html: string, from: string): string[] {
  const found = [
    ...[...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1] ?? ''),
    ...[...html.matchAll(/<form\b[^>]*method="get"[^>]*action="([^"]*)"/gi)].map((m) => m[1] ?? ''),
    ...[...html.matchAll(/<(?:script|img)\b[^>]*\ssrc="([^"]*)"/gi)].map((m) => m[1] ?? ''),
  ]
  return found.flatMap((raw) => {
    const url = new URL(raw.replace(/&amp;/g, '&'), new URL(from, origin))
    return url.origin === origin ? [`${url.pathname}${url.search}`] : []
  })
}

/** Follows every same-origin link and redirect from the starting paths, GET only, each path once. */
async function crawl(agent: Agent, start: readonly string[]): Promise<Seen[]> {
  const queue = [...start]
  const visited = new Set<string>()
  const seen: Seen[] = []
  while (queue.length > 0) {
    const path = queue.shift() as string
    if (visited.has(path)) continue
    visited.add(path)
    if (visited.size > 400) throw new Error('The crawl found more than 400 pages: is a link generating new ones?')
    const response = await agent.get(path).buffer(true)
    const body = typeof response.text === 'string' ? response.text : String(response.body ?? '')
    const location = typeof response.headers.location === 'string' ? response.headers.location : undefined
    seen.push({ path, status: response.status, body, ...(location ? { location } : {}) })
    if (location) {
      const next = new URL(location, new URL(path, origin))
      if (next.origin === origin) queue.push(`${next.pathname}${next.search}`)
    }
    if (String(response.headers['content-type'] ?? '').startsWith('text/html')) queue.push(...linksIn(body, path))
  }
  return seen
}

/** Every canary found in a response, as "field (value) on path". */
function leaksIn(pages: readonly Seen[]): string[] {
  const leaks: string[] = []
  for (const page of pages) {
    const text = `${page.body}\n${page.location ?? ''}`.toLowerCase()
    for (const [field, value] of canaries) {
      if (text.includes(value.toLowerCase()))
        leaks.push(`${field} (${value}) on ${page.method ?? 'GET'} ${page.path} [${page.status}]`)
    }
  }
  return leaks
}

const routeKey = (r: RouteDefinition) => `${r.method.toUpperCase()} ${r.path}`
const partnerMay = (r: RouteDefinition) =>
  r.access === 'public' || r.access === 'signedIn' || roleCan('partner', r.access)

/** A route's path with each parameter replaced by a real record's id (a fresh UUID for ids the arrangement has none of). */
function withRealIds(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, (_match, name: string) => seeded.ids[name] ?? randomUUID())
}

describe('what a MASH partner can reach never carries police-only data', () => {
  it('the MASH agreements in force allow neither the address nor IOM status, so both are police-only here', async () => {
    const inForce = await t.services.partnersService.agreementsFor('mash')
    expect(inForce.map((a) => a.id)).toContain(seeded.agreementId)
    const allowed = new Set(inForce.flatMap((a) => a.categories))
    expect([...allowed].sort()).toEqual(['identity', 'link_details'])
  })

  it('the arrangement planted a distinct canary in every police-only field', () => {
    expect([...canaries.keys()]).toEqual(
      expect.arrayContaining([
        'warning marker note',
        'contact note',
        'action description',
        'drug test custody number',
        'referral reason',
        'membership event note (adopted)',
        'membership event note (tier change)',
        'alias surname',
        'alias forenames',
        'PNC ID (long form)',
        'CRO number',
        'address',
        'MARAC link reference',
        'MARAC link contact',
        'outside-area MASH reference',
        'lead officer display name',
      ]),
    )
    expect(new Set(canaries.values()).size).toBe(canaries.size)
  })

  it('crawling from the home page and every GET route the registry allows, nothing police-only appears and nothing fails', async () => {
    const partnerGets = routes.filter((r) => r.method === 'get' && partnerMay(r))
    const visible = await visibleMashLinks()
    expect(visible.map((l) => l.id)).toContain(seeded.mashLinkId)
    expect(visible.map((l) => l.id)).not.toContain(seeded.outsideLinkId)

    const starts = ['/']
    for (const route of partnerGets) {
      const params = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1])
      const unknown = params.filter((p) => p !== 'linkId')
      // A new partner route with another kind of id must be taught to this crawl, not skipped.
      expect(unknown, `${routeKey(route)} takes an id this crawl cannot fill in`).toEqual([])
      if (params.length === 0) starts.push(route.path)
      else for (const link of visible) starts.push(route.path.replace(':linkId', link.id))
    }
    // Exports are GET routes like any other: none is open to partners today, and any that is gets crawled above.
    const pages = await crawl(partner.agent, starts)

    expect(leaksIn(pages)).toEqual([])
    expect(pages.filter((p) => p.status >= 500).map((p) => `${p.path} → ${p.status}`)).toEqual([])
    // The crawl really saw the person's case: their name and the MASH link itself are there to see.
    const casePage = pages.find((p) => p.path === `/partner-cases/${seeded.mashLinkId}`)
    expect(casePage?.status).toBe(200)
    expect(casePage?.body).toContain(seeded.surname.toUpperCase())
    expect(casePage?.body).toContain(seeded.mashReference)
    const list = pages.find((p) => p.path === '/partner-cases')
    expect(list?.status).toBe(200)
    expect(list?.body).toContain(`/partner-cases/${seeded.mashLinkId}`)
    // IOM status is not in the MASH agreement: not even whether the person is on IOM.
    for (const page of pages) expect(page.body, page.path).not.toMatch(/On IOM|Not on IOM/)
    // Only Home and Partner cases are offered, and no link leads to a police page.
    const paths = pages.map((p) => p.path)
    expect(
      paths.filter((p) =>
        /^\/(people|cohorts|caseload|referrals|memberships|actions|drug-tests|appointments|failures|cid|admin|partner-links)\b/.test(
          p,
        ),
      ),
    ).toEqual([])
  })

  it("the partner's form answers (errors, a conflict, another agency's link) carry no canary either", async () => {
    const page = await partner.agent.get(`/partner-cases/${seeded.mashLinkId}`).expect(200)
    const version = inputValue(page.text, 'version') ?? ''
    const answers: Seen[] = []
    const post = async (path: string, form: Record<string, string>) => {
      const response = await postForm(partner, path, form)
      answers.push({ method: 'POST', path, status: response.status, body: response.text })
      return response
    }
    expect(
      (await post(`/partner-cases/${seeded.mashLinkId}`, { status: 'closed', bragRating: 'red', version })).status,
    ).toBe(400)
    expect(
      (await post(`/partner-cases/${seeded.mashLinkId}`, { status: 'open', bragRating: 'purple', version })).status,
    ).toBe(400)
    expect(
      (
        await post(`/partner-cases/${seeded.mashLinkId}`, {
          status: 'open',
          bragRating: 'green',
          version: String(Number(version) + 5),
        })
      ).status,
    ).toBe(409)
    expect(
      (await post(`/partner-cases/${seeded.maracLinkId}`, { status: 'open', dashScore: '3', version: '1' })).status,
    ).toBe(404)
    expect(
      (await post(`/partner-cases/${seeded.outsideLinkId}`, { status: 'open', bragRating: 'green', version: '1' }))
        .status,
    ).toBe(404)
    expect(leaksIn(answers)).toEqual([])
  })

  it('the other-area MASH link, and the same person’s MARAC and YOS links, are 404 to the partner and nothing is disclosed', async () => {
    const before = await lastAuditId(t.db)
    for (const id of [seeded.outsideLinkId, seeded.maracLinkId, seeded.yosLinkId, randomUUID(), 'not-an-id']) {
      const response = await partner.agent.get(`/partner-cases/${id}`)
      expect(response.status, id).toBe(404)
      expect(leaksIn([{ path: id, status: response.status, body: response.text }])).toEqual([])
    }
    expect(await auditSince(t.db, before)).toEqual([])
  })

  it('every people, DIP, cohort, police-link and admin route is 403 to the partner, even with real ids, and nothing is written', async () => {
    const tables: CountedTable[] = [
      'person',
      'person_alias',
      'person_marker',
      'contact',
      'action',
      'referral',
      'cohort_membership',
      'membership_event',
      'drug_test',
      'appointment',
      'attendance',
      'dip_failure',
      'dip_failure_event',
      'partner_link',
      'partner_link_change',
      'sharing_agreement',
      'app_user',
    ]
    const before = await rowCounts(t.db, tables)
    const lastAudit = await lastAuditId(t.db)
    const refused = routes.filter((r) => !partnerMay(r))
    expect(refused.map(routeKey)).toEqual(
      expect.arrayContaining([
        'GET /people/:personId',
        'GET /cohorts',
        'GET /cohorts/export.csv',
        'GET /drug-tests/:testId',
        'GET /failures/:failureId',
        'GET /partner-links/:linkId',
      ]),
    )
    const wrong: string[] = []
    for (const route of refused) {
      const path = withRealIds(route.path)
      const response: Response =
        route.method === 'get' ? await partner.agent.get(path) : await postForm(partner, path, {})
      if (response.status !== 403) wrong.push(`${routeKey(route)} (${path}) → ${response.status}`)
      else expect(leaksIn([{ path, status: response.status, body: response.text }])).toEqual([])
    }
    expect(wrong).toEqual([])
    expect(await rowCounts(t.db, tables)).toEqual(before)
    expect((await auditSince(t.db, lastAudit)).filter((a) => a.category !== 'security')).toEqual([])
  })
})

describe('every sight a partner has is logged as a disclosure to their agency', () => {
  it('the list writes exactly one disclosure row: recipients the agency, detail naming every person shown', async () => {
    const before = await lastAuditId(t.db)
    const list = await partner.agent.get('/partner-cases').expect(200)
    const rows = await auditSince(t.db, before)
    expect(rows).toHaveLength(1)
    const [row] = rows
    expect(row).toMatchObject({
      category: 'disclosure',
      event: 'partner_cases.listed',
      actor_username: 'partner',
      recipients: agencyLabels.mash,
    })
    const detail = row?.detail as { personIds: string[]; agency: string; categories: string[] }
    const shown = [...new Set((await visibleMashLinks()).map((l) => l.person_id))]
    expect([...detail.personIds].sort()).toEqual([...shown].sort())
    expect(detail.personIds).toContain(seeded.personId)
    expect(detail.personIds).not.toContain(seeded.outsidePersonId)
    expect(detail).toMatchObject({ agency: 'mash' })
    expect([...detail.categories].sort()).toEqual(['identity', 'link_details'])
    expect(list.text).toContain(seeded.surname.toUpperCase())
  })

  it('opening a case writes exactly one disclosure row naming the person, the link and the agency', async () => {
    const before = await lastAuditId(t.db)
    await partner.agent.get(`/partner-cases/${seeded.mashLinkId}`).expect(200)
    const rows = await auditSince(t.db, before)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      category: 'disclosure',
      event: 'partner_case.viewed',
      actor_username: 'partner',
      person_id: seeded.personId,
      entity_id: seeded.mashLinkId,
      recipients: agencyLabels.mash,
    })
    expect([...(rows[0]?.detail as { categories: string[] }).categories].sort()).toEqual(['identity', 'link_details'])
  })

  it('each view is logged again: two openings, two rows', async () => {
    const before = await lastAuditId(t.db)
    await partner.agent.get(`/partner-cases/${seeded.mashLinkId}`).expect(200)
    await partner.agent.get('/partner-cases').expect(200)
    expect((await auditSince(t.db, before)).map((r) => r.category)).toEqual(['disclosure', 'disclosure'])
  })

  it('a police officer opening the same link is a consultation, not a disclosure, with no recipients', async () => {
    const before = await lastAuditId(t.db)
    const page = await iom.agent.get(`/partner-links/${seeded.mashLinkId}`).expect(200)
    expect(page.text).toContain(seeded.mashReference)
    const rows = await auditSince(t.db, before)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      category: 'consultation',
      event: 'partner_link.viewed',
      actor_username: 'iom',
      person_id: seeded.personId,
      entity_id: seeded.mashLinkId,
      recipients: null,
    })
  })
})
