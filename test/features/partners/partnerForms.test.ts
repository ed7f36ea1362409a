import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agencies } from '../../../server/auth/roles.ts'
import { sharingCategories } from '../../../server/features/partners/disclosurePolicy.ts'
import {
  bragRatings,
  linkAgencies,
  mashDecisions,
  yosDisposals,
} from '../../../server/features/partners/partnersVocabulary.ts'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import {
  createPerson,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  field,
  hostileDate,
  hostileForm,
  hostileText,
  hostileVersion,
  notAUuid,
  notOneOf,
  postForm,
  repeated,
  writeAuditCount,
  type FieldSpec,
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
const numRuns = 25

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

const blankDate = (name: string): FormData => ({ [`${name}-day`]: '', [`${name}-month`]: '', [`${name}-year`]: '' })
const valid = (spec: Record<string, FieldSpec>) =>
  Object.assign({}, ...Object.values(spec).map((s) => s.valid)) as FormData

/** A whole number field (DASH score, children involved) given anything but a whole number in range. */
function hostileWholeNumber(max: number, options: { required: boolean }): fc.Arbitrary<string | string[] | null> {
  const inRange = (s: string) => /^\s*\d{1,2}\s*$/.test(s) && Number(s) <= max
  const values = fc.oneof(
    fc.constantFrom(String(max + 1), '-1', 'abc', '1.5', '100', '1e1', '0x1', '+3', ' ', '<script>alert(1)</script>'),
    fc.string({ maxLength: 6 }).filter((s) => s !== '' && !inRange(s)),
    repeated,
  )
  return options.required ? fc.oneof(values, fc.constantFrom('', null)) : values
}

/** The three link tables, whole: a refused form must leave every row as it was. */
async function linkTables() {
  return {
    partner_link: await t.db.selectFrom('partner_link').selectAll().orderBy('id').execute(),
    partner_link_change: await t.db.selectFrom('partner_link_change').selectAll().orderBy('id').execute(),
    sharing_agreement: await t.db.selectFrom('sharing_agreement').selectAll().orderBy('id').execute(),
    writes: await writeAuditCount(t.db),
  }
}

// Date inputs arrive as three parts; an array in a part is refused by the shared date schema with zod's
// generic message (reported separately), so only the partner fields' own messages are held to wording here.
const dateNames = [
  'openedOn',
  'closedOn',
  'meetingDate',
  'nextReview',
  'transitionDate',
  'decisionDate',
  'startsOn',
  'endsOn',
]

/** A hostile form gets a 400 with an error summary naming the problem, echoes nothing unescaped, and changes nothing. */
async function expectRefused(session: Session, path: string, form: FormData) {
  const before = await linkTables()
  const response = await postForm(session, path, form)
  expect(response.status, JSON.stringify(form)).toBe(400)
  const summary = errorSummaryLinks(response.text)
  expect(summary.length, JSON.stringify(form)).toBeGreaterThan(0)
  expect(
    summary.filter((l) => l.text.startsWith('Invalid input') && !dateNames.includes(l.href.slice(1))),
    JSON.stringify(form),
  ).toEqual([])
  expect(response.text).not.toContain('<script>alert(1)</script>')
  expect(await linkTables()).toEqual(before)
}

function newLinkSpec(): Record<string, FieldSpec> {
  return {
    agency: { valid: { agency: 'marac' }, hostile: field('agency', notOneOf(linkAgencies)) },
    reference: {
      valid: { reference: 'MARAC-HV-9001' },
      hostile: field('reference', hostileText(60, { required: true })),
    },
    openedOn: {
      valid: dateFields('openedOn', addDays(today, -2)),
      hostile: hostileDate('openedOn', { notFuture: true, required: true }),
    },
    contact: {
      valid: { contact: 'Havering MARAC coordinator' },
      hostile: field('contact', hostileText(200, { required: false })),
    },
    agreementId: {
      valid: { agreementId: agreements.marac },
      hostile: field(
        'agreementId',
        fc.oneof(notAUuid(), fc.uuid(), fc.constantFrom(agreements.yos, agreements.mash, agreements.mashExpired)),
      ),
    },
    // A MARAC link needs the role and the DASH score, so blank is hostile for both.
    maracRole: { valid: { maracRole: 'victim' }, hostile: field('maracRole', notOneOf(['victim', 'perpetrator'])) },
    dashScore: { valid: { dashScore: '15' }, hostile: field('dashScore', hostileWholeNumber(24, { required: true })) },
    meetingDate: {
      valid: dateFields('meetingDate', addDays(today, 14)),
      hostile: hostileDate('meetingDate', { required: false }),
    },
    idvaAllocated: {
      valid: { idvaAllocated: 'yes' },
      hostile: field('idvaAllocated', notOneOf(['yes', 'no'], { emptyAllowed: true })),
    },
    nextReview: {
      valid: dateFields('nextReview', addMonths(today, 3)),
      hostile: hostileDate('nextReview', { required: false }),
    },
    yosDisposal: {
      valid: { yosDisposal: '' },
      hostile: field('yosDisposal', notOneOf(yosDisposals, { emptyAllowed: true })),
    },
    caseManager: { valid: { caseManager: '' }, hostile: field('caseManager', hostileText(100, { required: false })) },
    transitionDate: { valid: blankDate('transitionDate'), hostile: hostileDate('transitionDate', { required: false }) },
    bragRating: {
      valid: { bragRating: '' },
      hostile: field('bragRating', notOneOf(bragRatings, { emptyAllowed: true })),
    },
    mashDecision: {
      valid: { mashDecision: '' },
      hostile: field('mashDecision', notOneOf(mashDecisions, { emptyAllowed: true })),
    },
    decisionDate: {
      valid: blankDate('decisionDate'),
      hostile: hostileDate('decisionDate', { notFuture: true, required: false }),
    },
    childrenInvolved: {
      valid: { childrenInvolved: '' },
      hostile: field('childrenInvolved', hostileWholeNumber(30, { required: false })),
    },
  }
}

/** The police edit of a MARAC link: every field of the form, any agency's section. */
function policeUpdateSpec(version: number): Record<string, FieldSpec> {
  return {
    status: { valid: { status: 'open' }, hostile: field('status', notOneOf(['open', 'closed'])) },
    closedOn: { valid: blankDate('closedOn'), hostile: hostileDate('closedOn', { notFuture: true, required: false }) },
    contact: {
      valid: { contact: 'Havering MARAC coordinator' },
      hostile: field('contact', hostileText(200, { required: false })),
    },
    maracRole: {
      valid: { maracRole: 'perpetrator' },
      hostile: field('maracRole', notOneOf(['victim', 'perpetrator'])),
    },
    dashScore: { valid: { dashScore: '16' }, hostile: field('dashScore', hostileWholeNumber(24, { required: true })) },
    meetingDate: {
      valid: dateFields('meetingDate', addDays(today, 14)),
      hostile: hostileDate('meetingDate', { required: false }),
    },
    idvaAllocated: {
      valid: { idvaAllocated: 'no' },
      hostile: field('idvaAllocated', notOneOf(['yes', 'no'], { emptyAllowed: true })),
    },
    nextReview: {
      valid: dateFields('nextReview', addMonths(today, 3)),
      hostile: hostileDate('nextReview', { required: false }),
    },
    yosDisposal: { valid: {}, hostile: field('yosDisposal', notOneOf(yosDisposals, { emptyAllowed: true })) },
    caseManager: { valid: {}, hostile: field('caseManager', hostileText(100, { required: false })) },
    transitionDate: { valid: {}, hostile: hostileDate('transitionDate', { required: false }) },
    bragRating: { valid: {}, hostile: field('bragRating', notOneOf(bragRatings, { emptyAllowed: true })) },
    mashDecision: { valid: {}, hostile: field('mashDecision', notOneOf(mashDecisions, { emptyAllowed: true })) },
    decisionDate: { valid: {}, hostile: hostileDate('decisionDate', { notFuture: true, required: false }) },
    childrenInvolved: { valid: {}, hostile: field('childrenInvolved', hostileWholeNumber(30, { required: false })) },
    version: { valid: { version: String(version) }, hostile: field('version', hostileVersion) },
  }
}

/** The partner's edit of their MASH link: what their form shows, and what it does not but a crafted post could carry. */
function partnerUpdateSpec(version: number, decisionDate: string): Record<string, FieldSpec> {
  return {
    status: { valid: { status: 'open' }, hostile: field('status', notOneOf(['open', 'closed'])) },
    closedOn: { valid: blankDate('closedOn'), hostile: hostileDate('closedOn', { notFuture: true, required: false }) },
    // A MASH link must keep a BRAG rating: blank is hostile.
    bragRating: { valid: { bragRating: 'amber' }, hostile: field('bragRating', notOneOf(bragRatings)) },
    decisionDate: {
      valid: dateFields('decisionDate', decisionDate),
      hostile: hostileDate('decisionDate', { notFuture: true, required: false }),
    },
    dashScore: { valid: {}, hostile: field('dashScore', hostileWholeNumber(24, { required: false })) },
    meetingDate: { valid: {}, hostile: hostileDate('meetingDate', { required: false }) },
    contact: { valid: {}, hostile: field('contact', hostileText(200, { required: false })) },
    version: { valid: { version: String(version) }, hostile: field('version', hostileVersion) },
  }
}

const hostileCategories = fc.oneof(
  fc.constant(null),
  notOneOf(sharingCategories).map((bad) => (Array.isArray(bad) ? bad : [bad])),
  fc
    .tuple(
      fc.constantFrom(...sharingCategories),
      fc.constantFrom('everything', 'criminal_record', '<script>alert(1)</script>', ''),
    )
    .map(([good, bad]) => [good, bad]),
)

/** An end date that is a real date but before the start. */
const endsBeforeStart = fc.integer({ min: 1, max: 400 }).map((days) => dateFields('endsOn', addDays(today, -days)))

function agreementSpec(): Record<string, FieldSpec> {
  return {
    name: {
      valid: { name: 'Redbridge council ASB data-sharing agreement' },
      hostile: field('name', hostileText(200, { required: true })),
    },
    agency: { valid: { agency: 'council' }, hostile: field('agency', notOneOf(agencies)) },
    categories: { valid: { categories: ['identity', 'address'] }, hostile: field('categories', hostileCategories) },
    startsOn: { valid: dateFields('startsOn', today), hostile: hostileDate('startsOn', { required: true }) },
    endsOn: {
      valid: blankDate('endsOn'),
      hostile: fc.oneof(hostileDate('endsOn', { required: false }), endsBeforeStart),
    },
  }
}

function agreementEditSpec(version: number): Record<string, FieldSpec> {
  const { agency: _agency, ...rest } = agreementSpec()
  return { ...rest, version: { valid: { version: String(version) }, hostile: field('version', hostileVersion) } }
}

async function maracLink() {
  const person = await createPerson(t.db)
  return t.db
    .insertInto('partner_link')
    .values({
      person_id: person.id,
      agency: 'marac',
      reference: 'MARAC-HV-4401',
      opened_on: addDays(today, -30),
      contact: 'Havering MARAC coordinator',
      agreement_id: agreements.marac,
      marac_role: 'perpetrator',
      dash_score: 16,
      meeting_date: addDays(today, 14),
      idva_allocated: false,
      next_review: addMonths(today, 3),
      created_by: users.iom,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

async function mashLink() {
  const person = await createPerson(t.db)
  return t.db
    .insertInto('partner_link')
    .values({
      person_id: person.id,
      agency: 'mash',
      reference: 'MASH-24999',
      opened_on: addDays(today, -10),
      contact: 'East Area MASH duty desk',
      agreement_id: agreements.mash,
      brag_rating: 'red',
      mash_decision: 'strategy_discussion',
      decision_date: addDays(today, -9),
      children_involved: 2,
      created_by: users.iom,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

describe('hostile input to the partner case forms', () => {
  it('linking a person to a partner case: any hostile field gets 400 with a message and writes nothing', async () => {
    const person = await createPerson(t.db)
    await fc.assert(
      fc.asyncProperty(hostileForm(newLinkSpec()), (form) =>
        expectRefused(iom, `/people/${person.id}/partner-links`, form),
      ),
      { numRuns },
    )
  })

  it('the police edit of a link: any hostile field gets 400 with a message, and the link and its history are unchanged', async () => {
    const link = await maracLink()
    await fc.assert(
      fc.asyncProperty(hostileForm(policeUpdateSpec(link.version)), (form) =>
        expectRefused(iom, `/partner-links/${link.id}`, form),
      ),
      { numRuns },
    )
  })

  it("the partner's edit of their own case: any hostile field gets 400 with a message, and the link and its history are unchanged", async () => {
    const link = await mashLink()
    await fc.assert(
      fc.asyncProperty(hostileForm(partnerUpdateSpec(link.version, link.decision_date ?? today)), (form) =>
        expectRefused(partner, `/partner-cases/${link.id}`, form),
      ),
      { numRuns },
    )
  })

  it('adding an information-sharing agreement: any hostile field gets 400 with a message and no agreement is added', async () => {
    await fc.assert(
      fc.asyncProperty(hostileForm(agreementSpec()), (form) => expectRefused(admin, '/admin/agreements', form)),
      { numRuns },
    )
  })

  it('editing an information-sharing agreement: any hostile field gets 400 with a message and the agreement is unchanged', async () => {
    const agreement = await t.db
      .insertInto('sharing_agreement')
      .values({
        name: 'Probation data-sharing agreement',
        agency: 'probation',
        categories: ['identity'],
        starts_on: '2025-01-01',
        created_by: users.admin,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await fc.assert(
      fc.asyncProperty(hostileForm(agreementEditSpec(agreement.version)), (form) =>
        expectRefused(admin, `/admin/agreements/${agreement.id}`, form),
      ),
      { numRuns },
    )
  })

  it('the same forms with every field valid are accepted, so the refusals above are about the hostile field', async () => {
    const person = await createPerson(t.db)
    await postForm(iom, `/people/${person.id}/partner-links`, valid(newLinkSpec())).expect(303)
    const marac = await maracLink()
    await postForm(iom, `/partner-links/${marac.id}`, valid(policeUpdateSpec(marac.version))).expect(303)
    const mash = await mashLink()
    await postForm(
      partner,
      `/partner-cases/${mash.id}`,
      valid(partnerUpdateSpec(mash.version, mash.decision_date ?? today)),
    ).expect(303)
    await postForm(admin, '/admin/agreements', valid(agreementSpec())).expect(303)
    const agreement = await t.db
      .insertInto('sharing_agreement')
      .values({
        name: 'Council agreement',
        agency: 'council',
        categories: ['identity'],
        starts_on: '2025-01-01',
        created_by: users.admin,
      })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow()
    await postForm(admin, `/admin/agreements/${agreement.id}`, valid(agreementEditSpec(agreement.version))).expect(303)
  })
})

describe("a link keeps what its agency's kind of case must have", () => {
  const maracForm = (version: number, change: FormData = {}): FormData => ({
    ...valid(policeUpdateSpec(version)),
    ...change,
  })

  it('the police edit cannot blank the role or the DASH score of a MARAC case: 400 naming the field, not a server error', async () => {
    const link = await maracLink()
    const before = await linkTables()
    const noRole = await postForm(iom, `/partner-links/${link.id}`, maracForm(link.version, { maracRole: '' }))
    expect(noRole.status).toBe(400)
    expect(errorSummaryLinks(noRole.text)).toEqual([{ href: '#maracRole', text: 'Select the person’s role' }])
    const noScore = await postForm(iom, `/partner-links/${link.id}`, maracForm(link.version, { dashScore: '' }))
    expect(noScore.status).toBe(400)
    expect(errorSummaryLinks(noScore.text)).toEqual([{ href: '#dashScore', text: 'Enter the DASH score' }])
    expect(await linkTables()).toEqual(before)
  })

  it("another agency's fields sent with an edit are ignored, not written onto the link (nor a server error)", async () => {
    const mash = await mashLink()
    const police = await postForm(iom, `/partner-links/${mash.id}`, {
      status: 'open',
      contact: 'East Area MASH duty desk',
      bragRating: 'amber',
      mashDecision: 'strategy_discussion',
      ...dateFields('decisionDate', mash.decision_date ?? today),
      childrenInvolved: '2',
      maracRole: 'victim',
      dashScore: '12',
      yosDisposal: 'youth_caution',
      caseManager: 'Not a YOS case',
      version: String(mash.version),
    })
    expect(police.status).toBe(303)
    const after = await t.db.selectFrom('partner_link').selectAll().where('id', '=', mash.id).executeTakeFirstOrThrow()
    expect(after).toEqual({ ...mash, brag_rating: 'amber', version: mash.version + 1 })

    const marac = await maracLink()
    await postForm(
      iom,
      `/partner-links/${marac.id}`,
      maracForm(marac.version, { bragRating: 'red', childrenInvolved: '3', yosDisposal: 'referral_order' }),
    ).expect(303)
    expect(
      await t.db.selectFrom('partner_link').selectAll().where('id', '=', marac.id).executeTakeFirstOrThrow(),
    ).toEqual(marac)
  })

  it('a partner cannot blank the BRAG rating of a MASH case', async () => {
    const link = await mashLink()
    const before = await linkTables()
    const response = await postForm(partner, `/partner-cases/${link.id}`, {
      ...valid(partnerUpdateSpec(link.version, link.decision_date ?? today)),
      bragRating: '',
    })
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([{ href: '#bragRating', text: 'Select the BRAG rating' }])
    expect(await linkTables()).toEqual(before)
  })

  it("a wrong choice or number is answered with the field's own message, not a generic one", async () => {
    const person = await createPerson(t.db)
    const response = await postForm(iom, `/people/${person.id}/partner-links`, {
      ...valid(newLinkSpec()),
      maracRole: 'witness',
      dashScore: 'high',
      idvaAllocated: 'maybe',
      bragRating: 'purple',
      childrenInvolved: 'two',
      agreementId: 'the usual one',
    })
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#agreementId', text: 'Select the information-sharing agreement' },
      { href: '#maracRole', text: 'Select the person’s role' },
      { href: '#dashScore', text: 'DASH score must be a whole number from 0 to 24' },
      { href: '#idvaAllocated', text: 'Select yes or no' },
      { href: '#bragRating', text: 'Select the BRAG rating' },
      { href: '#childrenInvolved', text: 'Children involved must be a whole number from 0 to 30' },
    ])
  })
})
