import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Agency, LinkAgency } from '../../../db/types.ts'
import { agencyLabels } from '../../../server/auth/roles.ts'
import { isRepeatMarac } from '../../../server/features/partners/partnersService.ts'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import { formatDate } from '../../../server/presenters/format.ts'
import {
  createMembership,
  createPerson,
  dateFields,
  decodeEntities,
  demoUserIds,
  errorSummaryLinks,
  inputValue,
  lastAuditId,
  postForm,
  rowCounts,
  sealed,
  writeAuditCount,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

type Session = { agent: Agent; csrf: string }

let t: TestApp
let iom: Session
let admin: Session
let partner: Session
let users: Awaited<ReturnType<typeof demoUserIds>>
const agreements = {} as Record<'mash' | 'marac' | 'yos' | 'mashExpired', string>
const today = todayInLondon()

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  iom = await signInAs(t.app, 'iom')
  admin = await signInAs(t.app, 'admin')
  partner = await signInAs(t.app, 'partner')
  const rows = await t.db.selectFrom('sharing_agreement').select(['id', 'agency', 'ends_on']).execute()
  for (const agency of ['mash', 'marac', 'yos'] as const)
    agreements[agency] = rows.find((r) => r.agency === agency && r.ends_on === null)?.id ?? ''
  agreements.mashExpired = rows.find((r) => r.agency === 'mash' && r.ends_on !== null)?.id ?? ''
})
afterAll(async () => {
  await t.close()
})

/** A partner user of another agency, in the same BCU as the demo users. */
async function partnerOf(agency: Agency): Promise<Session> {
  const demo = await t.db
    .selectFrom('app_user')
    .select('password_hash')
    .where('username', '=', 'partner')
    .executeTakeFirstOrThrow()
  const ea = await t.db.selectFrom('area').select('id').where('code', '=', 'EA').executeTakeFirstOrThrow()
  const username = `${agency}${randomBytes(3).toString('hex')}`
  const user = await t.db
    .insertInto('app_user')
    .values({
      username,
      display_name: `${agency.toUpperCase()} worker`,
      role: 'partner',
      agency,
      password_hash: demo.password_hash,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await t.db.insertInto('user_area').values({ user_id: user.id, area_id: ea.id }).execute()
  return signInAs(t.app, username)
}

type LinkOverrides = Partial<{
  opened_on: string
  status: 'open' | 'closed'
  closed_on: string | null
  dash_score: number
  meeting_date: string
  reference: string
  repeat_referral: boolean
}>

/** A link written straight to the database, as police would have made it. */
async function insertLink(personId: string, agency: LinkAgency, overrides: LinkOverrides = {}) {
  const common = {
    person_id: personId,
    agency,
    reference: `${agency.toUpperCase()}-${randomBytes(3).toString('hex')}`,
    opened_on: addDays(today, -20),
    contact: 'Duty desk',
    created_by: users.iom,
  }
  const own =
    agency === 'marac'
      ? {
          agreement_id: agreements.marac,
          marac_role: 'perpetrator' as const,
          dash_score: 16,
          meeting_date: addDays(today, 14),
          idva_allocated: false,
          next_review: addMonths(today, 3),
        }
      : agency === 'yos'
        ? { agreement_id: agreements.yos, yos_disposal: 'referral_order', case_manager: 'Sam Patel' }
        : {
            agreement_id: agreements.mash,
            brag_rating: 'red' as const,
            mash_decision: 'strategy_discussion',
            decision_date: addDays(today, -19),
            children_involved: 2,
          }
  return t.db
    .insertInto('partner_link')
    .values({ ...common, ...own, ...overrides })
    .returningAll()
    .executeTakeFirstOrThrow()
}

function linkRow(id: string) {
  return t.db.selectFrom('partner_link').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

function changesOf(linkId: string) {
  return t.db
    .selectFrom('partner_link_change')
    .select(['changes', 'changed_by'])
    .where('link_id', '=', linkId)
    .orderBy('changed_at')
    .execute()
}

async function auditSince(id: number) {
  return (await sealed(t.db))
    .selectFrom('audit_event')
    .select(['category', 'event', 'person_id', 'entity_id', 'detail', 'actor_username'])
    .where('id', '>', id)
    .orderBy('id')
    .execute()
}

/** The police "link to a partner case" form, filled for one agency. */
function newLinkForm(agency: LinkAgency, agreementId: string, openedOn: string, extra: FormData = {}): FormData {
  const own: FormData =
    agency === 'marac'
      ? {
          maracRole: 'perpetrator',
          dashScore: '16',
          ...dateFields('meetingDate', addDays(today, 14)),
          idvaAllocated: 'no',
          ...dateFields('nextReview', addMonths(today, 3)),
        }
      : agency === 'yos'
        ? { yosDisposal: 'referral_order', caseManager: 'Sam Patel' }
        : {
            bragRating: 'amber',
            mashDecision: 'early_help',
            ...dateFields('decisionDate', openedOn),
            childrenInvolved: '1',
          }
  return {
    agency,
    reference: `${agency.toUpperCase()}-${randomBytes(3).toString('hex')}`,
    ...dateFields('openedOn', openedOn),
    contact: '',
    agreementId,
    ...own,
    ...extra,
  }
}

/** Text of the person page's safeguarding banner, one entry a line. */
function safeguardingBanner(html: string): string[] {
  const banner = /aria-labelledby="safeguarding-title"[\s\S]*?<ul class="govuk-list">([\s\S]*?)<\/ul>/.exec(html)?.[1]
  if (banner === undefined) return []
  return [...banner.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) =>
    decodeEntities((m[1] ?? '').replace(/<[^>]+>/g, ''))
      .replace(/\s+/g, ' ')
      .trim(),
  )
}

describe('the repeat-MARAC rule', () => {
  /*
   * server/domain/REFERENCE.md: a MARAC referral is a repeat when it comes "within 12 months after an earlier one".
   * The code (isRepeatMarac) reads that as: on or before the same calendar date twelve months
   * after the last referral opened — the anniversary itself still counts (inclusive). A last
   * referral on 29 February has its anniversary on 28 February of a common year (addMonths
   * clamps to the month's last day). Counted in days, that is 365 days in an ordinary year and
   * 366 when a 29 February falls in between.
   */
  const anniversary = (day: string) => {
    const next = `${Number(day.slice(0, 4)) + 1}${day.slice(4)}`
    const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
    return next.endsWith('-02-29') && !leap(Number(next.slice(0, 4))) ? `${next.slice(0, 4)}-02-28` : next
  }

  it('isRepeatMarac: 364 and 365 days (the anniversary) are a repeat, 366 days is not, in a year with no 29 February', () => {
    expect(isRepeatMarac('2025-01-10', '2026-01-09')).toBe(true)
    expect(isRepeatMarac('2025-01-10', '2026-01-10')).toBe(true)
    expect(isRepeatMarac('2025-01-10', '2026-01-11')).toBe(false)
    expect(isRepeatMarac('2025-05-05', '2025-05-05')).toBe(true)
    expect(isRepeatMarac(undefined, '2026-01-10')).toBe(false)
  })

  it('isRepeatMarac across a 29 February: the anniversary is 366 days on and still a repeat; the day after is not', () => {
    expect(isRepeatMarac('2023-06-01', '2024-05-31')).toBe(true) // 365 days
    expect(isRepeatMarac('2023-06-01', '2024-06-01')).toBe(true) // 366 days, the anniversary
    expect(isRepeatMarac('2023-06-01', '2024-06-02')).toBe(false) // 367 days
    expect(isRepeatMarac('2023-02-28', '2024-02-28')).toBe(true)
    expect(isRepeatMarac('2023-02-28', '2024-02-29')).toBe(false) // past the anniversary, though only 366 days
  })

  it('isRepeatMarac after a referral on 29 February: its anniversary is 28 February', () => {
    expect(isRepeatMarac('2024-02-29', '2025-02-28')).toBe(true)
    expect(isRepeatMarac('2024-02-29', '2025-03-01')).toBe(false)
    expect(isRepeatMarac('2024-03-01', '2025-03-01')).toBe(true)
  })

  it('isRepeatMarac agrees with "on or before the anniversary" for every day of four years', () => {
    for (let previous = '2023-01-01'; previous < '2027-01-01'; previous = addDays(previous, 1)) {
      for (const days of [0, 1, 300, 364, 365, 366, 367, 400]) {
        const next = addDays(previous, days)
        expect(isRepeatMarac(previous, next), `${previous} then ${next}`).toBe(next <= anniversary(previous))
      }
    }
  })

  for (const days of [364, 365, 366]) {
    it(`a MARAC link opened today, ${days} days after the person's last one, is marked repeat only if within 12 months`, async () => {
      const person = await createPerson(t.db)
      const previous = addDays(today, -days)
      await insertLink(person.id, 'marac', { opened_on: previous, status: 'closed', closed_on: addDays(previous, 30) })
      const before = await lastAuditId(t.db)
      await postForm(iom, `/people/${person.id}/partner-links`, newLinkForm('marac', agreements.marac, today)).expect(
        303,
      )
      const created = await t.db
        .selectFrom('partner_link')
        .selectAll()
        .where('person_id', '=', person.id)
        .where('opened_on', '=', today)
        .executeTakeFirstOrThrow()
      const expected = today <= anniversary(previous)
      // When no 29 February falls in the last year (365 days ago is today's date), 364 and 365 days repeat and 366 does not.
      if (addDays(today, -365) === `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`)
        expect(expected).toBe(days !== 366)
      expect(created.repeat_referral).toBe(expected)
      const audit = (await auditSince(before)).filter((a) => a.category === 'collection')
      expect(audit).toHaveLength(1)
      expect(audit[0]?.detail).toMatchObject({ agency: 'marac', repeat: expected })
    })
  }

  it('only MARAC links count: an earlier MASH or YOS link does not make a MARAC link a repeat', async () => {
    const person = await createPerson(t.db)
    await insertLink(person.id, 'mash', { opened_on: addDays(today, -30) })
    await insertLink(person.id, 'yos', { opened_on: addDays(today, -30) })
    await postForm(iom, `/people/${person.id}/partner-links`, newLinkForm('marac', agreements.marac, today)).expect(303)
    const created = await t.db
      .selectFrom('partner_link')
      .select('repeat_referral')
      .where('person_id', '=', person.id)
      .where('agency', '=', 'marac')
      .executeTakeFirstOrThrow()
    expect(created.repeat_referral).toBe(false)
  })
})

describe('links are shared only under an agreement in force', () => {
  async function expectRefused(personId: string, form: FormData) {
    const tables = ['partner_link', 'partner_link_change', 'sharing_agreement'] as const
    const before = { counts: await rowCounts(t.db, tables), writes: await writeAuditCount(t.db) }
    const response = await postForm(iom, `/people/${personId}/partner-links`, form)
    expect(response.status).toBe(400)
    const summary = errorSummaryLinks(response.text)
    expect(summary).toHaveLength(1)
    expect(summary[0]?.href).toBe('#agreementId')
    expect(summary[0]?.text).toMatch(/^Select an information-sharing agreement with .+ that is in force$/)
    expect({ counts: await rowCounts(t.db, tables), writes: await writeAuditCount(t.db) }).toEqual(before)
  }

  it('an agreement that starts tomorrow is refused with 400 and nothing is written', async () => {
    const person = await createPerson(t.db)
    const future = await t.db
      .insertInto('sharing_agreement')
      .values({
        name: 'MARAC protocol 2027',
        agency: 'marac',
        categories: ['identity', 'link_details'],
        starts_on: addDays(today, 1),
        created_by: users.admin,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await expectRefused(person.id, newLinkForm('marac', future.id, today))
  })

  it('an agreement that has ended is refused with 400 and nothing is written', async () => {
    const person = await createPerson(t.db)
    await expectRefused(person.id, newLinkForm('mash', agreements.mashExpired, today))
    const endedYesterday = await t.db
      .insertInto('sharing_agreement')
      .values({
        name: 'MASH agreement ended yesterday',
        agency: 'mash',
        categories: ['identity'],
        starts_on: '2025-01-01',
        ends_on: addDays(today, -1),
        created_by: users.admin,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await expectRefused(person.id, newLinkForm('mash', endedYesterday.id, today))
  })

  it("another agency's agreement is refused with 400 and nothing is written", async () => {
    const person = await createPerson(t.db)
    await expectRefused(person.id, newLinkForm('marac', agreements.yos, today))
    await expectRefused(person.id, newLinkForm('yos', agreements.mash, today))
  })

  it('an agreement in force today but not yet on the day the case opened is refused', async () => {
    // Fifteen: of an age for YOS (10 to 17 when the case opened).
    const person = await createPerson(t.db, { date_of_birth: addMonths(today, -15 * 12) })
    const recent = await t.db
      .insertInto('sharing_agreement')
      .values({
        name: 'YOS agreement from ten days ago',
        agency: 'yos',
        categories: ['identity', 'link_details'],
        starts_on: addDays(today, -10),
        created_by: users.admin,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await expectRefused(person.id, newLinkForm('yos', recent.id, addDays(today, -20)))
    // The same agreement covers a case opened after it started.
    await postForm(iom, `/people/${person.id}/partner-links`, newLinkForm('yos', recent.id, addDays(today, -5))).expect(
      303,
    )
  })
})

/** Changes an agreement through the administrator's form, as an administrator would. */
async function editAgreement(id: string, change: { categories?: string[]; endsOn?: string | null }) {
  const row = await t.db.selectFrom('sharing_agreement').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const page = await admin.agent.get(`/admin/agreements/${id}`).expect(200)
  const endsOn = change.endsOn === undefined ? row.ends_on : change.endsOn
  const form: FormData = {
    name: row.name,
    categories: change.categories ?? row.categories,
    ...dateFields('startsOn', row.starts_on),
    ...(endsOn ? dateFields('endsOn', endsOn) : { 'endsOn-day': '', 'endsOn-month': '', 'endsOn-year': '' }),
    version: inputValue(page.text, 'version') ?? '',
  }
  await postForm(admin, `/admin/agreements/${id}`, form).expect(303)
}

describe('what a partner sees depends on the agreements in force for their agency', () => {
  it('a partner whose agency has no agreement in force sees an empty list with the reason, and every case is 404', async () => {
    const yosPartner = await partnerOf('yos')
    const person = await createPerson(t.db, { date_of_birth: addDays(today, -16 * 365) })
    const link = await insertLink(person.id, 'yos')
    // With the agreement in force the case is there to see …
    expect((await yosPartner.agent.get('/partner-cases').expect(200)).text).toContain(`/partner-cases/${link.id}`)
    // End every YOS agreement in force (earlier tests may have added one), to restore afterwards.
    const inForce = await t.db
      .selectFrom('sharing_agreement')
      .select(['id', 'ends_on'])
      .where('agency', '=', 'yos')
      .where('starts_on', '<', today)
      .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', today)]))
      .execute()
    expect(inForce.map((a) => a.id)).toContain(agreements.yos)
    for (const agreement of inForce) await editAgreement(agreement.id, { endsOn: addDays(today, -1) })
    try {
      const before = await lastAuditId(t.db)
      const list = await yosPartner.agent.get('/partner-cases').expect(200)
      expect(list.text).toContain(
        'No information-sharing agreement with your agency is in force, so nothing can be shown.',
      )
      expect(list.text).not.toContain('<table')
      expect(list.text).not.toContain(link.reference)
      expect(list.text).not.toContain(person.surname.toUpperCase())
      await yosPartner.agent.get(`/partner-cases/${link.id}`).expect(404)
      const version = String(link.version)
      await postForm(yosPartner, `/partner-cases/${link.id}`, {
        status: 'closed',
        ...dateFields('closedOn', today),
        version,
      }).expect(404)
      expect(await linkRow(link.id)).toEqual(link)
      // Nothing was shown, so nothing was disclosed.
      expect((await auditSince(before)).filter((a) => a.category === 'disclosure')).toEqual([])
    } finally {
      for (const agreement of inForce) await editAgreement(agreement.id, { endsOn: agreement.ends_on })
    }
  })

  it('an agreement allowing only identity shows name and date of birth, not the case, and offers no edit form', async () => {
    const maracPartner = await partnerOf('marac')
    const person = await createPerson(t.db, {
      date_of_birth: '1984-07-09',
      address: '3 Quarles Park Road, Romford RM6 4DE',
    })
    const link = await insertLink(person.id, 'marac', { reference: `MARAC-ID-${randomBytes(3).toString('hex')}` })
    const { categories } = await t.db
      .selectFrom('sharing_agreement')
      .select('categories')
      .where('id', '=', agreements.marac)
      .executeTakeFirstOrThrow()
    expect(categories).toEqual(expect.arrayContaining(['identity', 'address', 'link_details']))
    await editAgreement(agreements.marac, { categories: ['identity'] })
    try {
      const list = await maracPartner.agent.get('/partner-cases').expect(200)
      expect(list.text).toContain(`${person.surname.toUpperCase()}, ${person.forenames}`)
      expect(list.text).toContain('9 July 1984')
      expect(list.text).not.toContain(link.reference)
      expect(list.text).not.toContain('high risk')

      const before = await lastAuditId(t.db)
      const page = await maracPartner.agent.get(`/partner-cases/${link.id}`).expect(200)
      expect(page.text).toContain(`${person.surname.toUpperCase()}, ${person.forenames}`)
      expect(page.text).toContain('9 July 1984')
      for (const hidden of [
        link.reference,
        'Duty desk',
        'DASH score',
        'high risk',
        'Quarles Park',
        'History of changes',
        'Update the case',
      ])
        expect(page.text).not.toContain(hidden)
      expect(page.text).not.toContain(`action="/partner-cases/${link.id}"`)
      const audit = await auditSince(before)
      expect(audit).toHaveLength(1)
      expect(audit[0]).toMatchObject({
        category: 'disclosure',
        person_id: person.id,
        entity_id: link.id,
        detail: { categories: ['identity'] },
      })

      // Without link details there is nothing the partner may change.
      await postForm(maracPartner, `/partner-cases/${link.id}`, {
        status: 'open',
        dashScore: '3',
        version: String(link.version),
      }).expect(404)
      expect(await linkRow(link.id)).toEqual(link)
    } finally {
      await editAgreement(agreements.marac, { categories })
    }
    // With the whole protocol back in force the case details and the address show again.
    const page = await maracPartner.agent.get(`/partner-cases/${link.id}`).expect(200)
    expect(page.text).toContain(link.reference)
    expect(page.text).toContain('Quarles Park')
  })
})

describe('a partner updates their own agency’s case', () => {
  /** The partner's update form as the browser would send it, from the link as it stands. */
  function partnerForm(
    link: {
      status: string
      closed_on: string | null
      brag_rating: string | null
      decision_date: string | null
      version: number
    },
    change: FormData = {},
  ): FormData {
    const date = (name: string, day: string | null) =>
      day ? dateFields(name, day) : { [`${name}-day`]: '', [`${name}-month`]: '', [`${name}-year`]: '' }
    return {
      status: link.status,
      ...date('closedOn', link.closed_on),
      bragRating: link.brag_rating ?? '',
      ...date('decisionDate', link.decision_date),
      version: String(link.version),
      ...change,
    }
  }

  it('changing the BRAG rating keeps the before and after in the history, logs an alteration, and shows on the case page', async () => {
    const person = await createPerson(t.db)
    const link = await insertLink(person.id, 'mash')
    const page = await partner.agent.get(`/partner-cases/${link.id}`).expect(200)
    expect(inputValue(page.text, 'version')).toBe(String(link.version))
    const before = await lastAuditId(t.db)
    const saved = await postForm(
      partner,
      `/partner-cases/${link.id}`,
      partnerForm(link, { bragRating: 'amber' }),
    ).expect(303)
    expect(saved.headers.location).toBe(`/partner-cases/${link.id}`)
    const after = await linkRow(link.id)
    expect(after).toEqual({ ...link, brag_rating: 'amber', version: link.version + 1 })
    expect(await changesOf(link.id)).toEqual([
      { changes: { brag_rating: { from: 'red', to: 'amber' } }, changed_by: users.partner },
    ])
    const audit = await auditSince(before)
    expect(audit).toEqual([
      {
        category: 'alteration',
        event: 'partner_link.updated',
        person_id: person.id,
        entity_id: link.id,
        detail: { fields: ['brag_rating'] },
        actor_username: 'partner',
      },
    ])
    const shown = await partner.agent.get(`/partner-cases/${link.id}`).expect(200)
    expect(shown.text).toContain('Case updated')
    expect(decodeEntities(shown.text)).toContain('brag rating: red → amber')
    expect(shown.text).toContain('Amber: decision within 6 hours')
  })

  it('closing the case with a closed date records status and date; closing without one is refused and changes nothing', async () => {
    const person = await createPerson(t.db)
    const link = await insertLink(person.id, 'mash')
    const refused = await postForm(
      partner,
      `/partner-cases/${link.id}`,
      partnerForm(link, { status: 'closed' }),
    ).expect(400)
    expect(errorSummaryLinks(refused.text)).toEqual([{ href: '#closedOn', text: 'Enter the date the case was closed' }])
    expect(await linkRow(link.id)).toEqual(link)
    expect(await changesOf(link.id)).toEqual([])

    const closedOn = addDays(today, -1)
    await postForm(
      partner,
      `/partner-cases/${link.id}`,
      partnerForm(link, { status: 'closed', ...dateFields('closedOn', closedOn) }),
    ).expect(303)
    expect(await linkRow(link.id)).toEqual({
      ...link,
      status: 'closed',
      closed_on: closedOn,
      version: link.version + 1,
    })
    expect(await changesOf(link.id)).toEqual([
      {
        changes: { status: { from: 'open', to: 'closed' }, closed_on: { from: null, to: closedOn } },
        changed_by: users.partner,
      },
    ])
  })

  it('fields a partner may not change are ignored: reference, contact, agreement and the rest keep their values', async () => {
    const person = await createPerson(t.db)
    const link = await insertLink(person.id, 'mash')
    const attempt = partnerForm(link, {
      bragRating: 'green',
      reference: 'MASH-CHANGED',
      contact: 'Someone else entirely',
      agreementId: agreements.mashExpired,
      agency: 'marac',
      personId: person.id,
      openedOn: '2020-01-01',
      mashDecision: 'no_further_action',
      childrenInvolved: '9',
      maracRole: 'victim',
      dashScore: '20',
      ...dateFields('meetingDate', addDays(today, 3)),
      ...dateFields('nextReview', addDays(today, 30)),
      idvaAllocated: 'yes',
      yosDisposal: 'youth_caution',
      caseManager: 'Not allowed',
      ...dateFields('transitionDate', addDays(today, 40)),
    })
    await postForm(partner, `/partner-cases/${link.id}`, attempt).expect(303)
    expect(await linkRow(link.id)).toEqual({ ...link, brag_rating: 'green', version: link.version + 1 })
    expect(await changesOf(link.id)).toEqual([
      { changes: { brag_rating: { from: 'red', to: 'green' } }, changed_by: users.partner },
    ])
  })

  it("another agency's link cannot be seen or touched: 404 and nothing changes", async () => {
    const person = await createPerson(t.db)
    const marac = await insertLink(person.id, 'marac')
    const yos = await insertLink(person.id, 'yos')
    for (const link of [marac, yos]) {
      await partner.agent.get(`/partner-cases/${link.id}`).expect(404)
      await postForm(partner, `/partner-cases/${link.id}`, {
        status: 'closed',
        ...dateFields('closedOn', today),
        dashScore: '2',
        version: String(link.version),
      }).expect(404)
      expect(await linkRow(link.id)).toEqual(link)
      expect(await changesOf(link.id)).toEqual([])
    }
  })

  it('a stale version is a 409 and changes nothing: the police edit made meanwhile stands', async () => {
    const person = await createPerson(t.db)
    const link = await insertLink(person.id, 'mash')
    const read = await partner.agent.get(`/partner-cases/${link.id}`).expect(200)
    const version = inputValue(read.text, 'version') ?? ''

    // Meanwhile an officer changes the contact through the police form.
    const police = await iom.agent.get(`/partner-links/${link.id}`).expect(200)
    await postForm(iom, `/partner-links/${link.id}`, {
      status: 'open',
      contact: 'MASH team leader',
      bragRating: 'red',
      mashDecision: 'strategy_discussion',
      ...dateFields('decisionDate', link.decision_date ?? today),
      childrenInvolved: '2',
      version: inputValue(police.text, 'version') ?? '',
    }).expect(303)
    const current = await linkRow(link.id)
    expect(current).toMatchObject({ contact: 'MASH team leader', version: link.version + 1 })

    const before = await writeAuditCount(t.db)
    const stale = await postForm(
      partner,
      `/partner-cases/${link.id}`,
      partnerForm(link, { bragRating: 'blue', version }),
    )
    expect(stale.status).toBe(409)
    expect(await linkRow(link.id)).toEqual(current)
    expect((await changesOf(link.id)).map((c) => c.changed_by)).toEqual([users.iom])
    expect(await writeAuditCount(t.db)).toBe(before)
  })
})

describe('police see partner cases on the person page and the cohort list', () => {
  it('the person page shows the safeguarding banner for an open high-risk repeat MARAC case, with its next meeting', async () => {
    const person = await createPerson(t.db)
    await insertLink(person.id, 'marac', {
      opened_on: addDays(today, -200),
      status: 'closed',
      closed_on: addDays(today, -100),
      reference: 'MARAC-OLD',
    })
    const meeting = addDays(today, 21)
    const form = newLinkForm('marac', agreements.marac, today, {
      dashScore: '18',
      ...dateFields('meetingDate', meeting),
    })
    await postForm(iom, `/people/${person.id}/partner-links`, form).expect(303)

    const page = await iom.agent.get(`/people/${person.id}`).expect(200)
    const banner = safeguardingBanner(page.text)
    expect(banner).toHaveLength(1)
    // "MARAC — high risk, repeat, next meeting …", with the person's role (always recorded for MARAC) before the meeting.
    expect(banner[0]).toMatch(
      new RegExp(`^MARAC — high risk, repeat, (?:perpetrator, )?next meeting ${formatDate(meeting)}$`),
    )
    // The closed case is listed under Partner cases but is not in the banner.
    expect(decodeEntities(page.text)).toContain(
      `MARAC — high risk, perpetrator, next meeting ${formatDate(addDays(today, 14))}, closed ${formatDate(addDays(today, -100))}`,
    )
  })

  it('a DASH score under 14 is shown as the score, not as high risk', async () => {
    const person = await createPerson(t.db)
    await insertLink(person.id, 'marac', { dash_score: 9, meeting_date: addDays(today, 5) })
    const banner = safeguardingBanner((await iom.agent.get(`/people/${person.id}`).expect(200)).text)
    expect(banner).toEqual([`MARAC — DASH 9, perpetrator, next meeting ${formatDate(addDays(today, 5))}`])
  })

  it('the cohort list filter openLink=marac|yos|mash|any keeps exactly the people with such an open case', async () => {
    const tag = randomBytes(3).toString('hex')
    const make = async (name: string) => {
      const person = await createPerson(t.db, { surname: `Aafilter${name}${tag}` })
      await createMembership(t.db, { personId: person.id, leadOfficerId: users.iom })
      return person.id
    }
    const people = {
      marac: await make('Marac'),
      yos: await make('Yos'),
      mash: await make('Mash'),
      closedMash: await make('Closed'),
      none: await make('None'),
    }
    await insertLink(people.marac, 'marac')
    await insertLink(people.yos, 'yos')
    await insertLink(people.mash, 'mash')
    await insertLink(people.closedMash, 'mash', { status: 'closed', closed_on: addDays(today, -2) })

    const shown = async (filter: string) => {
      const page = await iom.agent.get(`/cohorts?openLink=${filter}`).expect(200)
      return Object.entries(people)
        .filter(([, id]) => page.text.includes(`href="/people/${id}"`))
        .map(([key]) => key)
    }
    expect(await shown('marac')).toEqual(['marac'])
    expect(await shown('yos')).toEqual(['yos'])
    expect(await shown('mash')).toEqual(['mash'])
    expect(await shown('any')).toEqual(['marac', 'yos', 'mash'])
    expect(await shown('')).toEqual(['marac', 'yos', 'mash', 'closedMash', 'none'])
    const unknown = await iom.agent.get('/cohorts?openLink=probation').expect(400)
    expect(errorSummaryLinks(unknown.text).map((l) => l.href)).toEqual(['#openLink'])
  })

  it('a YOS case shows the youth-to-adult transition warning when the person turns 18 within 3 months, to police and to YOS', async () => {
    const yosPartner = await partnerOf('yos')
    const bornFor = (eighteenth: string) => `${Number(eighteenth.slice(0, 4)) - 18}${eighteenth.slice(4)}`
    const warning = (eighteenth: string) => `Turns 18 on ${formatDate(eighteenth)}: plan the youth-to-adult transition`
    const cases = [
      { eighteenth: addMonths(today, 2), warned: true },
      { eighteenth: addMonths(today, 3), warned: true },
      { eighteenth: addDays(addMonths(today, 3), 1), warned: false },
      { eighteenth: addMonths(today, 4), warned: false },
      { eighteenth: addDays(today, -1), warned: false },
    ]
    // A 29 February eighteenth birthday would need a birth date that does not exist: leave that day out.
    const realDay = (day: string) => new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day
    for (const { eighteenth, warned } of cases.filter((c) => realDay(bornFor(c.eighteenth)))) {
      const person = await createPerson(t.db, { date_of_birth: bornFor(eighteenth) })
      const link = await insertLink(person.id, 'yos')
      const police = await iom.agent.get(`/people/${person.id}`).expect(200)
      const banner = safeguardingBanner(police.text)
      expect(banner).toHaveLength(1)
      expect(banner[0]?.includes(warning(eighteenth)), `police, 18 on ${eighteenth}`).toBe(warned)
      const partnerPage = await yosPartner.agent.get(`/partner-cases/${link.id}`).expect(200)
      expect(partnerPage.text.includes(warning(eighteenth)), `YOS, 18 on ${eighteenth}`).toBe(warned)
      const list = await yosPartner.agent.get('/partner-cases').expect(200)
      expect(list.text.includes(warning(eighteenth)), `YOS list, 18 on ${eighteenth}`).toBe(warned)
    }
  })

  it('the disclosure to YOS names the YOS agency, not MASH', async () => {
    const yosPartner = await partnerOf('yos')
    const before = await lastAuditId(t.db)
    await yosPartner.agent.get('/partner-cases').expect(200)
    const rows = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['category', 'recipients'])
      .where('id', '>', before)
      .execute()
    expect(rows).toEqual([{ category: 'disclosure', recipients: agencyLabels.yos }])
  })
})
