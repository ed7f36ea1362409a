import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import {
  createPerson,
  dateFields,
  dipTables,
  drugTestForm,
  errorSummaryLinks,
  idFrom,
  imposedFields,
  postForm,
  rowCounts,
  writeAuditCount,
  type DrugTestFields,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// Every DIP form against hostile input: whatever is sent, a refused form is a 400 with the
// GOV.UK error summary, and not one row of the DIP chain (or a write in the audit log) appears.

type Session = { agent: Agent; csrf: string }
type Value = string | readonly string[] | undefined
/** One hostile change to a valid form: one or more fields set (undefined leaves the field out). */
type Mutation = readonly (readonly [field: string, value: Value])[]

let t: TestApp
let dip: Session
let iom: Session

beforeAll(async () => {
  t = await createTestApp()
  dip = await signInAs(t.app, 'dip')
  iom = await signInAs(t.app, 'iom')
  // Close any stale demo failures now: a page that runs the sweep must not change the counts compared below.
  await t.services.dipService.sweep()
})
afterAll(async () => {
  await t.close()
})

const today = () => todayInLondon()
const daysAgo = (n: number) => addDays(today(), -n)

async function dipState() {
  return { ...(await rowCounts(t.db, dipTables)), writeAudit: await writeAuditCount(t.db) }
}

// ---- the chain, arranged through the real forms ----

/** The DT1 form with its sample five days ago, so that the RA1 dates below fall either side of it. */
const testForm = (fields: DrugTestFields = {}) => drugTestForm({ sampleDay: daysAgo(5), ...fields })

async function positiveTest(disputed = false) {
  const person = await createPerson(t.db, { date_of_birth: '1984-06-12' })
  const response = await postForm(
    dip,
    `/people/${person.id}/drug-tests`,
    testForm({ disputed: disputed ? 'yes' : 'no' }),
  )
  expect(response.status).toBe(303)
  return { personId: person.id, testId: idFrom(response.headers.location, 'drug-tests') }
}

/** An initial appointment two days ago with no attendance yet: due, and still movable. */
async function dueAppointment() {
  const { personId, testId } = await positiveTest()
  await postForm(dip, `/drug-tests/${testId}/assessment`, {
    ...imposedFields(daysAgo(2), '10:00'),
    ...dateFields('appointmentDate', daysAgo(2)),
    appointmentTime: '10:00',
    place: 'CJIT office, Romford',
    assessor: 'Sam Okafor',
  }).expect(303)
  return t.db
    .selectFrom('appointment')
    .select(['id', 'version'])
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow()
}

async function openFailure() {
  const appointment = await dueAppointment()
  const response = await postForm(dip, `/appointments/${appointment.id}/attendance`, {
    outcome: 'did_not_attend',
    goodCause: 'no',
  })
  expect(response.status).toBe(303)
  const failureId = idFrom(response.headers.location, 'failures')
  return t.db
    .selectFrom('dip_failure')
    .select(['id', 'version', 'failure_date'])
    .where('id', '=', failureId)
    .executeTakeFirstOrThrow()
}

/** An open failure with its statement produced (arranged in the database, same version): ready to circulate. */
async function failureWithStatement() {
  const failure = await openFailure()
  await t.db
    .updateTable('dip_failure')
    .set({ statement_produced_on: failure.failure_date })
    .where('id', '=', failure.id)
    .execute()
  return failure
}

// ---- hostile values ----

const field =
  (name: string) =>
  (value: Value): Mutation => [[name, value]]
const nul = fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`)
const control = fc.constantFrom('\u0001', '\u0008', '\u001b[2J', '\u007f', '\u000b').map((c) => `text${c}here`)
const blank = fc.constantFrom('', '   ', '\t\n')
const twoValues = fc
  .tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }))
  .map(([a, b]): readonly string[] => [a, b])
/** Longer than `max` even after trimming. */
const overLong = (max: number) =>
  fc.string({
    unit: fc.constantFrom('a', 'Z', '9', 'é', '€', '😀', "'", '"', '<', '>', '&', ';', '/'),
    minLength: max + 1,
    maxLength: max + 300,
  })
const notOneOf = (allowed: readonly string[]) => fc.string({ maxLength: 30 }).filter((s) => !allowed.includes(s))
/** A trimmed value that is none of the codes, so the lookup fails. */
const unknownCode = (codes: readonly string[]) => fc.string({ maxLength: 40 }).filter((s) => !codes.includes(s.trim()))

/** Free text the form requires. */
const badRequiredText = (name: string, max: number) =>
  fc.oneof(fc.constant(undefined), blank, nul, control, overLong(max), twoValues).map(field(name))
/** Free text the form allows to be blank: only control characters, length and repeats are wrong. */
const badOptionalText = (name: string, max: number) => fc.oneof(nul, control, overLong(max), twoValues).map(field(name))
const badChoice = (name: string, allowed: readonly string[], missingIsWrong = true) =>
  fc
    .oneof(
      ...(missingIsWrong ? [fc.constant(undefined)] : []),
      notOneOf(allowed),
      fc.constantFrom(...allowed.map((a) => a.toUpperCase())),
      twoValues,
    )
    .map(field(name))

const realTime = /^([01]?\d|2[0-3]):[0-5]\d$/
const badTime = (name: string, blankIsAllowed = false) =>
  fc
    .oneof(
      fc.constantFrom(
        '25:61',
        '24:00',
        '12:60',
        '1230',
        '12:3',
        '-1:00',
        '99:99',
        '12:00pm',
        'noon',
        '7',
        '٠٩:٠٠',
        '12:30\u0000',
      ),
      fc.string({ maxLength: 8 }).filter((s) => !realTime.test(s.trim().replace('.', ':'))),
      twoValues,
      ...(blankIsAllowed ? [] : [fc.constant(undefined)]),
    )
    .filter((v) => !(blankIsAllowed && v === ''))
    .map(field(name))

/** Three date inputs that never make a real, allowed date: never all blank, so an optional date is still wrong. */
const badDate = (name: string, extra: readonly (readonly [string, string, string])[] = []) => {
  const impossible: readonly (readonly [string, string, string])[] = [
    ['31', '2', '2026'],
    ['29', '2', '2026'],
    ['30', '2', '2024'],
    ['31', '4', '2026'],
    ['31', '6', '2026'],
    ['0', '1', '2026'],
    ['32', '1', '2026'],
    ['1', '13', '2026'],
    ['1', '0', '2026'],
    ['1', '1', '26'],
    ['1', '1', '20266'],
    ['1', '1', '1899'],
    ['x', '1', '2026'],
    ['1.5', '1', '2026'],
    ['-1', '1', '2026'],
    ['1', 'Jan', '2026'],
    ['', '3', '2026'],
    ['1', '', ''],
    ['1\u0000', '1', '2026'],
    ...extra,
  ]
  const parts = (d: Value, m: Value, y: Value): Mutation => [
    [`${name}-day`, d],
    [`${name}-month`, m],
    [`${name}-year`, y],
  ]
  return fc.oneof(
    fc.constantFrom(...impossible).map(([d, m, y]) => parts(d, m, y)),
    fc
      .string({ minLength: 1, maxLength: 6 })
      .filter((s) => s.trim() !== '' && !/^\d{1,2}$/.test(s.trim()))
      .map((d) => parts(d, '3', '2026')),
    fc
      .string({ minLength: 1, maxLength: 6 })
      .filter((s) => s.trim() !== '' && !/^\d{4}$/.test(s.trim()))
      .map((y) => parts('3', '3', y)),
    twoValues.map((d) => parts(d, '3', '2026')),
  )
}
const tomorrow = () => {
  const d = addDays(today(), 1)
  return [String(Number(d.slice(8))), String(Number(d.slice(5, 7))), d.slice(0, 4)] as const
}
const dayParts = (iso: string) =>
  [String(Number(iso.slice(8))), String(Number(iso.slice(5, 7))), iso.slice(0, 4)] as const

/** A version that is not a positive whole number, so the form is refused before any record is looked at. */
const badVersion = fc
  .oneof(
    fc.constantFrom(undefined, '', ' ', 'abc', '0', '-1', '1.5', 'NaN', 'Infinity', '1,2', '1\u0000', 'null'),
    fc.string({ maxLength: 12 }).filter((s) => {
      const n = Number(s)
      return !(Number.isInteger(n) && n > 0)
    }),
    twoValues,
  )
  .map(field('version'))

// One hostile change each, always tried before the random ones, so every field's worst cases run on every run.
const set = (name: string, value: Value): Mutation => [[name, value]]
const missing = (name: string): Mutation => [[name, undefined]]
const onDate = (name: string, [d, m, y]: readonly [string, string, string]): Mutation => [
  [`${name}-day`, d],
  [`${name}-month`, m],
  [`${name}-year`, y],
]
const thirtyFirstFebruary = ['31', '2', '2026'] as const
const versionCases = [
  missing('version'),
  set('version', 'abc'),
  set('version', '0'),
  set('version', '-1'),
  set('version', '1.5'),
]

/** Fields no DIP form has: ignored, never stored. */
const noise = fc.array(
  fc.tuple(
    fc.constantFrom('person_id', 'status', 'recorded_by', 'id', '__proto__', 'constructor', 'time_bar_date', 'form'),
    fc.string({ maxLength: 20 }),
  ),
  { maxLength: 3 },
)

function encode(csrf: string, fields: Map<string, Value>, extra: readonly (readonly [string, string])[]): string {
  const params = new URLSearchParams([['_csrf', csrf]])
  for (const [name, value] of fields) {
    for (const item of value === undefined ? [] : typeof value === 'string' ? [value] : value) params.append(name, item)
  }
  for (const [key, value] of extra) params.append(key, value)
  return params.toString()
}

/**
 * The property: any one to three hostile changes to a valid form give a 400 with an error
 * summary, and leave every DIP table and the write audit exactly as they were.
 */
async function refusesHostileInput(
  session: Session,
  path: string,
  valid: () => Record<string, string>,
  mutation: fc.Arbitrary<Mutation>,
  cases: readonly Mutation[],
) {
  const before = await dipState()
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), noise, async (mutations, extra) => {
      const fields = new Map<string, Value>(Object.entries(valid()))
      for (const change of mutations) for (const [name, value] of change) fields.set(name, value)
      const response = await session.agent
        .post(path)
        .type('form')
        .send(encode(session.csrf, fields, extra))
      expect(response.status).toBe(400)
      expect(response.text).toContain('There is a problem')
      expect(errorSummaryLinks(response.text).length).toBeGreaterThan(0)
      expect(await dipState()).toEqual(before)
    }),
    { numRuns: 25, examples: cases.map((change): [Mutation[], [string, string][]] => [[change], []]) },
  )
}

async function accepts(session: Session, path: string, form: Record<string, string>) {
  const response = await postForm(session, path, form)
  expect(response.status).toBe(303)
}

describe('drug test (DT1)', () => {
  const suites = ['ROMFORD', 'FOREST_GATE', 'ILFORD']
  const offences = [
    'THEFT',
    'ROBBERY',
    'BURGLARY',
    'AGG_BURGLARY',
    'TWOC',
    'AGG_VEHICLE_TAKING',
    'HANDLING',
    'GOING_EQUIPPED',
    'SUPPLY_A',
    'POSSESSION_A',
    'PWITS_A',
    'FRAUD',
    'FRAUD_ARTICLES',
    'FRAUD_MAKING_ARTICLES',
    'BEGGING',
    'PERSISTENT_BEGGING',
    'ATT_THEFT',
    'ATT_ROBBERY',
    'ATT_BURGLARY',
    'ATT_HANDLING',
    'ATT_FRAUD',
  ]
  const mutation = fc.oneof(
    fc
      .oneof(fc.constant(undefined), blank, nul, overLong(40), unknownCode(suites), twoValues)
      .map(field('custodySuiteCode')),
    badRequiredText('custodyNumber', 40),
    badChoice('condition', ['arrest', 'charge']),
    fc
      .oneof(
        nul,
        overLong(40),
        unknownCode(['', ...offences]).filter((s) => s.trim() !== ''),
        twoValues,
      )
      .map(field('triggerOffenceCode')),
    fc.constant<Mutation>([
      ['triggerOffenceCode', ''],
      ['authorisedBy', ''],
    ]),
    badOptionalText('authorisedBy', 100),
    badDate('sampleDate', [tomorrow(), ['31', '12', '1999']]),
    badTime('sampleTime'),
    badChoice('opiates', ['positive', 'negative', 'not_tested']),
    badChoice('cocaine', ['positive', 'negative', 'not_tested']),
    fc.oneof(fc.constant('yes'), notOneOf(['yes', 'no']), fc.constant(undefined)).map(field('refused')),
    badChoice('disputed', ['yes', 'no']),
  )

  it('the valid form is accepted, so the refusals below come from the hostile parts', async () => {
    const person = await createPerson(t.db, { date_of_birth: '1984-06-12' })
    await accepts(dip, `/people/${person.id}/drug-tests`, testForm())
  })

  it('hostile input gets 400 with an error summary and writes nothing', async () => {
    const person = await createPerson(t.db, { date_of_birth: '1984-06-12' })
    await refusesHostileInput(dip, `/people/${person.id}/drug-tests`, () => testForm(), mutation, [
      missing('custodySuiteCode'),
      set('custodySuiteCode', 'NOWHERE'),
      set('custodyNumber', 'KD/1\u0000/26'),
      set('custodyNumber', 'K'.repeat(41)),
      set('condition', 'detained'),
      missing('condition'),
      set('triggerOffenceCode', 'MURDER'),
      [
        ['triggerOffenceCode', ''],
        ['authorisedBy', ''],
      ],
      set('authorisedBy', 'I'.repeat(101)),
      onDate('sampleDate', thirtyFirstFebruary),
      onDate('sampleDate', tomorrow()),
      onDate('sampleDate', ['31', '12', '1999']),
      set('sampleTime', '25:61'),
      set('sampleTime', '24:00'),
      set('sampleTime', '12:60'),
      set('opiates', 'pos'),
      missing('cocaine'),
      set('refused', 'yes'),
      [
        ['refused', 'yes'],
        ['refusalAction', ''],
      ],
      [
        ['refused', 'yes'],
        ['refusalAction', 'arrested'],
      ],
      set('refusalAction', 'charged\u0000'),
      set('disputed', 'maybe'),
    ])
  })
})

describe('laboratory confirmation of a disputed test', () => {
  const valid = () => ({ opiates: 'positive', cocaine: 'negative', ...dateFields('confirmedOn', today()) })
  const mutation = fc.oneof(
    badChoice('opiates', ['positive', 'negative', 'not_tested']),
    badChoice('cocaine', ['positive', 'negative', 'not_tested']),
    // Also the day before the sample (5 days ago): refused by the service, not the schema.
    badDate('confirmedOn', [tomorrow(), dayParts(daysAgo(6))]),
  )

  it('the valid form is accepted', async () => {
    const { testId } = await positiveTest(true)
    await accepts(dip, `/drug-tests/${testId}/confirmation`, valid())
  })

  it('hostile input gets 400 with an error summary and writes nothing', async () => {
    const { testId } = await positiveTest(true)
    await refusesHostileInput(dip, `/drug-tests/${testId}/confirmation`, valid, mutation, [
      set('opiates', 'maybe'),
      missing('cocaine'),
      onDate('confirmedOn', thirtyFirstFebruary),
      onDate('confirmedOn', tomorrow()),
      onDate('confirmedOn', dayParts(daysAgo(6))),
    ])
  })
})

describe('required assessment (RA1)', () => {
  const valid = () => ({
    ...imposedFields(addDays(today(), 1), '10:00'),
    ...dateFields('appointmentDate', addDays(today(), 1)),
    appointmentTime: '10:00',
    place: 'CJIT office, Romford',
    assessor: 'Sam Okafor',
  })
  const mutation = fc.oneof(
    // Also before the sample (5 days ago): refused by the service.
    badDate('appointmentDate', [['1', '1', '1999'], dayParts(daysAgo(6))]),
    badTime('appointmentTime'),
    badRequiredText('place', 200),
    badRequiredText('assessor', 100),
    // Also tomorrow: a requirement is imposed by now.
    badDate('imposedDate', [tomorrow()]),
    badTime('imposedTime'),
    badOptionalText('imposedByOfficer', 100),
  )

  it('the valid form is accepted', async () => {
    const { testId } = await positiveTest()
    await accepts(dip, `/drug-tests/${testId}/assessment`, valid())
  })

  it('hostile input gets 400 with an error summary and writes nothing', async () => {
    const { testId } = await positiveTest()
    await refusesHostileInput(dip, `/drug-tests/${testId}/assessment`, valid, mutation, [
      onDate('appointmentDate', thirtyFirstFebruary),
      onDate('appointmentDate', dayParts(daysAgo(6))),
      set('appointmentTime', '25:61'),
      set('appointmentTime', '24:00'),
      missing('place'),
      set('place', 'P'.repeat(201)),
      set('assessor', 'Sam\u0000'),
      set('assessor', 'A'.repeat(101)),
      onDate('imposedDate', tomorrow()),
      missing('imposedTime'),
      set('imposedTime', '24:00'),
      set('imposedByOfficer', 'PC\u0000'),
      // Imposed before the sample (a week ago; the sample was three days ago): refused by the service.
      onDate('imposedDate', dayParts(daysAgo(7))),
    ])
  })
})

describe('change of time or place (RA2)', () => {
  const valid = (version: number) => () => ({
    ...dateFields('appointmentDate', addDays(today(), 1)),
    appointmentTime: '14:00',
    place: 'Recovery hub, Hornchurch',
    reason: 'Assessor unavailable',
    version: String(version),
  })
  const mutation = fc.oneof(
    badDate('appointmentDate', [['1', '1', '1999']]),
    badTime('appointmentTime'),
    badRequiredText('place', 200),
    badRequiredText('reason', 500),
    badVersion,
  )

  it('the valid form is accepted', async () => {
    const appointment = await dueAppointment()
    await accepts(dip, `/appointments/${appointment.id}/reschedule`, valid(appointment.version)())
  })

  it('hostile input gets 400 with an error summary and writes nothing', async () => {
    const appointment = await dueAppointment()
    await refusesHostileInput(dip, `/appointments/${appointment.id}/reschedule`, valid(appointment.version), mutation, [
      onDate('appointmentDate', ['30', '2', '2027']),
      set('appointmentTime', '12:60'),
      set('place', 'Hub\u0000'),
      missing('reason'),
      set('reason', 'R'.repeat(501)),
      ...versionCases,
    ])
  })
})

describe('attendance (RA3, with RA4 or RA5)', () => {
  const valid = () => ({ outcome: 'did_not_attend', goodCause: 'no' })
  // The follow-up applies only to an attendance, RA4's details only to RA4, and the good cause
  // note only to good cause (decision 0117): each hostile value is sent where it applies, beside
  // valid values for the rest, so that it alone is wrong.
  const ra4Details: Mutation = [
    ...Object.entries(dateFields('followUpDate', addDays(today(), 7))),
    ['followUpTime', '10:00'],
    ['followUpPlace', 'Recovery hub'],
    ['followUpAssessor', 'Priya Shah'],
  ]
  const attended = (change: Mutation): Mutation => [['outcome', 'attended'], ...change]
  const underRa4 = (change: Mutation): Mutation => attended([['followUp', 'ra4'], ...ra4Details, ...change])
  const withGoodCause = (change: Mutation): Mutation => [['goodCause', 'yes'], ...change]
  const mutation = fc.oneof(
    badChoice('outcome', ['attended', 'left_early', 'did_not_attend']),
    // The person did not attend: whether there was good cause must be answered, yes or no.
    fc.oneof(fc.constant(undefined), notOneOf(['yes', 'no']), twoValues).map(field('goodCause')),
    fc.constant<Mutation>([
      ['goodCause', 'yes'],
      ['goodCauseNote', ''],
    ]),
    badOptionalText('goodCauseNote', 1000).map(withGoodCause),
    fc
      .oneof(notOneOf(['', 'ra4', 'ra5']), twoValues)
      .map(field('followUp'))
      .map(attended),
    // An attended initial assessment without a follow-up decision: refused by the service.
    fc.constant<Mutation>(attended([])),
    badDate('followUpDate').map(underRa4),
    badTime('followUpTime', true).map(underRa4),
    badOptionalText('followUpPlace', 200).map(underRa4),
    badOptionalText('followUpAssessor', 100).map(underRa4),
  )

  it('the valid form is accepted', async () => {
    const appointment = await dueAppointment()
    await accepts(dip, `/appointments/${appointment.id}/attendance`, valid())
  })

  it('hostile input gets 400 with an error summary and writes nothing', async () => {
    const appointment = await dueAppointment()
    await refusesHostileInput(dip, `/appointments/${appointment.id}/attendance`, valid, mutation, [
      set('outcome', 'absconded'),
      missing('outcome'),
      missing('goodCause'),
      set('goodCause', 'maybe'),
      [
        ['goodCause', 'yes'],
        ['goodCauseNote', ''],
      ],
      withGoodCause(set('goodCauseNote', 'N'.repeat(1001))),
      attended(set('followUp', 'ra6')),
      attended([]),
      underRa4(onDate('followUpDate', thirtyFirstFebruary)),
      underRa4(set('followUpTime', '25:61')),
      underRa4(set('followUpPlace', 'P'.repeat(201))),
      underRa4(set('followUpAssessor', 'Priya\u0000')),
    ])
  })

  it('a follow-up time that is not a time is refused with a message that says what a time must be', async () => {
    const appointment = await dueAppointment()
    for (const followUpTime of ['25:61', 'noon', '<b>10:00</b>']) {
      const response = await postForm(dip, `/appointments/${appointment.id}/attendance`, {
        ...Object.fromEntries(underRa4([])),
        followUpTime,
      }).expect(400)
      expect(errorSummaryLinks(response.text)).toContainEqual({
        href: '#followUpTime',
        text: 'The follow-up time must be a real time in 24-hour format, like 14:30',
      })
    }
  })
})

describe('evidential statement', () => {
  it('the valid form is accepted', async () => {
    const failure = await openFailure()
    await accepts(dip, `/failures/${failure.id}/statement`, { version: String(failure.version) })
  })

  it('hostile input gets 400 with an error summary and writes nothing', async () => {
    const failure = await openFailure()
    await refusesHostileInput(
      dip,
      `/failures/${failure.id}/statement`,
      () => ({ version: String(failure.version) }),
      badVersion,
      versionCases,
    )
  })
})

describe('withdrawing the statement', () => {
  const valid = (version: number) => () => ({
    reason: 'The assessor was on leave that day: the statement was wrong',
    version: String(version),
  })

  it('the valid form is accepted', async () => {
    const failure = await failureWithStatement()
    await accepts(dip, `/failures/${failure.id}/statement/withdraw`, valid(failure.version)())
  })

  it('hostile input gets 400 with an error summary and writes nothing', async () => {
    const failure = await failureWithStatement()
    await refusesHostileInput(
      dip,
      `/failures/${failure.id}/statement/withdraw`,
      valid(failure.version),
      fc.oneof(badRequiredText('reason', 1000), badVersion),
      [missing('reason'), set('reason', 'R'.repeat(1001)), set('reason', 'wrong\u0000'), ...versionCases],
    )
  })
})

describe('circulation as wanted', () => {
  const valid = (version: number) => () => ({
    ...dateFields('wantedOn', today()),
    reference: 'PNC/WM/0042/26',
    version: String(version),
  })

  it('the valid form is accepted', async () => {
    const failure = await failureWithStatement()
    await accepts(iom, `/failures/${failure.id}/wanted`, valid(failure.version)())
  })

  it('hostile input gets 400 with an error summary and writes nothing', async () => {
    const failure = await failureWithStatement()
    const mutation = fc.oneof(
      // Also tomorrow, and the day before the failure (refused by the service).
      badDate('wantedOn', [tomorrow(), dayParts(addDays(failure.failure_date, -1))]),
      badRequiredText('reference', 60),
      badVersion,
    )
    await refusesHostileInput(iom, `/failures/${failure.id}/wanted`, valid(failure.version), mutation, [
      onDate('wantedOn', thirtyFirstFebruary),
      onDate('wantedOn', tomorrow()),
      onDate('wantedOn', dayParts(addDays(failure.failure_date, -1))),
      missing('reference'),
      set('reference', 'PNC\u0000'),
      set('reference', 'R'.repeat(61)),
      ...versionCases,
    ])
  })
})

describe('outcome of the wanted', () => {
  const valid = (version: number) => () => ({
    outcome: 'arrested',
    ...dateFields('outcomeOn', today()),
    reference: 'KD/55555/26',
    note: '',
    version: String(version),
  })

  it('the valid form is accepted', async () => {
    const failure = await openFailure()
    await accepts(iom, `/failures/${failure.id}/outcome`, valid(failure.version)())
  })

  it('hostile input gets 400 with an error summary and writes nothing', async () => {
    const failure = await openFailure()
    const mutation = fc.oneof(
      badChoice('outcome', ['arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn']),
      // Charged, summonsed or no further action before an arrest: refused by the service.
      fc.constantFrom('charged', 'summonsed', 'no_further_action').map(field('outcome')),
      badDate('outcomeOn', [tomorrow(), dayParts(addDays(failure.failure_date, -1))]),
      // An arrest needs its custody number: blank is wrong here too.
      fc.oneof(fc.constant(undefined), blank, nul, control, overLong(60), twoValues).map(field('reference')),
      badOptionalText('note', 1000),
      badVersion,
    )
    await refusesHostileInput(iom, `/failures/${failure.id}/outcome`, valid(failure.version), mutation, [
      set('outcome', 'escaped'),
      missing('outcome'),
      set('outcome', 'charged'),
      onDate('outcomeOn', thirtyFirstFebruary),
      onDate('outcomeOn', tomorrow()),
      set('reference', ''),
      set('reference', 'R'.repeat(61)),
      set('note', 'N'.repeat(1001)),
      set('note', 'note\u0000'),
      ...versionCases,
    ])
  })
})
