import { randomInt } from 'node:crypto'
import fc from 'fast-check'
import { sql, type Insertable, type Kysely } from 'kysely'
import type { Database, MembershipStatus, Programme, Tier } from '../../db/types.ts'
import { sealAuditLog } from '../../server/features/audit/auditRepository.ts'
import { croCheckLetter, pncCheckLetter } from '../../server/features/people/identifiers.ts'
import { addDays, todayInLondon } from '../../server/domain/time.ts'
import { londonInstant, londonWallClock } from '../../server/features/dip/dipRules.ts'
import type { Agent } from './signIn.ts'
import { textOf } from '../../server/presenters/format.ts'

// Small factories for arranging tests: rows written straight to the database, so a test
// arranges in one line and acts (and asserts) through the real HTTP forms.

type Db = Kysely<Database>
export type DemoUser = 'admin' | 'supervisor' | 'iom' | 'dip' | 'cid' | 'partner'

let sequence = 0
/** A short, unique, letters-only tag: names stay realistic and never collide between tests. */
export function uniqueTag(): string {
  sequence += 1
  let n = sequence * 7919 + randomInt(0, 7919)
  let tag = ''
  while (n > 0) {
    tag += 'bcdfghjklmnpqrstvwxz'[n % 20]
    n = Math.floor(n / 20)
  }
  return tag.charAt(0).toUpperCase() + tag.slice(1)
}

export async function areaIdsByCode(db: Db): Promise<Record<string, string>> {
  const rows = await db.selectFrom('area').select(['id', 'code']).execute()
  return Object.fromEntries(rows.map((r) => [r.code, r.id]))
}

export async function demoUserIds(db: Db): Promise<Record<DemoUser, string>> {
  const rows = await db.selectFrom('app_user').select(['id', 'username']).execute()
  return Object.fromEntries(rows.map((r) => [r.username, r.id])) as Record<DemoUser, string>
}

/** A valid, unused PNC ID in the long form. */
export async function freshPncId(db: Db): Promise<string> {
  for (;;) {
    const year = randomInt(1990, 2021)
    const serial = randomInt(1, 10_000_000)
    const pnc = `${year}/${String(serial).padStart(7, '0')}${pncCheckLetter(year, serial)}`
    const used = await db.selectFrom('person').select('id').where('pnc_id', '=', pnc).executeTakeFirst()
    if (!used) return pnc
  }
}

/** A valid, unused CRO number in the NNNNNN/YYC form. */
export async function freshCroNumber(db: Db): Promise<string> {
  for (;;) {
    const yy = String(randomInt(0, 100)).padStart(2, '0')
    const serial = randomInt(1, 1_000_000)
    const cro = `${String(serial).padStart(6, '0')}/${yy}${croCheckLetter(yy, serial)}`
    const used = await db.selectFrom('person').select('id').where('cro_number', '=', cro).executeTakeFirst()
    if (!used) return cro
  }
}

/** A date of birth nobody else is likely to share, between 1960 and 2004. */
export function randomDateOfBirth(): string {
  return addDays('1960-01-01', randomInt(0, 16_000))
}

export type PersonOverrides = Partial<Insertable<Database['person']>> & { areaCode?: string }

/** A person in Havering (unless told otherwise), with a fresh PNC ID and a unique surname. */
export async function createPerson(db: Db, overrides: PersonOverrides = {}) {
  const { areaCode = 'HV', ...columns } = overrides
  const areas = await areaIdsByCode(db)
  const row = await db
    .insertInto('person')
    .values({
      surname: `Test${uniqueTag().toLowerCase()}`,
      forenames: 'Alex',
      date_of_birth: randomDateOfBirth(),
      gender: 'male',
      pnc_id: await freshPncId(db),
      area_id: areas[areaCode] ?? missing(`area ${areaCode}`),
      ...columns,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return row
}

/** A BCU with one borough that no demo user is granted: the "somewhere else" of scoping tests. */
export async function createOutsideArea(db: Db): Promise<{ bcuId: string; boroughId: string; boroughCode: string }> {
  const tag = uniqueTag().toUpperCase()
  const bcu = await db
    .insertInto('area')
    .values({ code: `X${tag}`, name: `North Test BCU ${tag}`, kind: 'bcu', parent_id: null })
    .returning('id')
    .executeTakeFirstOrThrow()
  const borough = await db
    .insertInto('area')
    .values({ code: `Y${tag}`, name: `Elsewhere ${tag}`, kind: 'borough', parent_id: bcu.id })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { bcuId: bcu.id, boroughId: borough.id, boroughCode: `Y${tag}` }
}

/** An open cohort membership with its 'adopted' history row, as the panel would have made it. */
export async function createMembership(
  db: Db,
  options: {
    personId: string
    leadOfficerId: string
    programme?: Programme
    tier?: Tier
    status?: MembershipStatus
    adoptedOn?: string
  },
) {
  const adoptedOn = options.adoptedOn ?? addDays(todayInLondon(), -30)
  const tier = options.tier ?? 'amber'
  const membership = await db
    .insertInto('cohort_membership')
    .values({
      person_id: options.personId,
      programme: options.programme ?? 'iom_fixed',
      status: options.status ?? 'active',
      tier,
      lead_officer_id: options.leadOfficerId,
      selection_score: 25,
      selection_method: 'rfg',
      selection_date: adoptedOn,
      adopted_on: adoptedOn,
      ended_on: options.status === 'ended' ? addDays(adoptedOn, 1) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await db
    .insertInto('membership_event')
    .values({
      membership_id: membership.id,
      kind: 'adopted',
      event_date: adoptedOn,
      tier,
      lead_officer_id: options.leadOfficerId,
      recorded_by: options.leadOfficerId,
    })
    .execute()
  return membership
}

/** A pending referral, as an officer would have sent it. */
export async function createReferral(db: Db, options: { personId: string; referredBy: string; programme?: Programme }) {
  return db
    .insertInto('referral')
    .values({
      person_id: options.personId,
      programme: options.programme ?? 'iom_fixed',
      source: 'custody',
      reason: 'Three burglaries in the last six months',
      referred_by: options.referredBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** An open action; due dates in the past are allowed here, so overdue work can be arranged. */
export async function createAction(
  db: Db,
  options: { personId: string; ownerId: string; dueDate: string; description?: string },
) {
  return db
    .insertInto('action')
    .values({
      person_id: options.personId,
      owner_id: options.ownerId,
      due_date: options.dueDate,
      description: options.description ?? `Arrange a housing appointment ${uniqueTag()}`,
      pathway: 'accommodation',
      created_by: options.ownerId,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export type CountedTable = keyof Database

/** How many rows each table holds: compared before and after to prove nothing was written. */
export async function rowCounts<T extends CountedTable>(db: Db, tables: readonly T[]): Promise<Record<T, number>> {
  const counts = {} as Record<T, number>
  if (tables.includes('audit_event' as T)) await sealAuditLog(db)
  for (const table of tables) {
    const result = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(db)
    counts[table] = Number(result.rows[0]?.n)
  }
  return counts
}

/**
 * The database, once every audit row committed so far has joined the chain: the app seals in the
 * background, a fraction of a second after the page, so a test reads the log as the app's own
 * readers do, after sealing it.
 */
export async function sealed(db: Db): Promise<Db> {
  await sealAuditLog(db)
  return db
}

/** The newest audit row's id, once the log is sealed: rows after it are what an act logged. */
export async function lastAuditId(db: Db): Promise<number> {
  const row = await (
    await sealed(db)
  )
    .selectFrom('audit_event')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst()
  return row?.id ?? 0
}

/** The audit rows written after `afterId` (from lastAuditId), in chain order, once the log is sealed. */
export async function auditSince(db: Db, afterId: number) {
  return (await sealed(db))
    .selectFrom('audit_event')
    .select(['category', 'event', 'recipients', 'person_id', 'entity_id', 'actor_username', 'detail'])
    .where('id', '>', afterId)
    .orderBy('id')
    .execute()
}

/** Audit rows that record writing personal data (collection, alteration, erasure): reading is logged separately. */
export async function writeAuditCount(db: Db): Promise<number> {
  const row = await (
    await sealed(db)
  )
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('category', 'in', ['collection', 'alteration', 'erasure', 'combination'])
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function auditRowsFor(db: Db, personId: string) {
  return (await sealed(db))
    .selectFrom('audit_event')
    .select(['id', 'category', 'event', 'person_id', 'purpose', 'actor_username', 'detail'])
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute()
}

// ---- form data ----

/** A GOV.UK date input's three fields for 'YYYY-MM-DD'. */
export function dateFields(name: string, iso: string): Record<string, string> {
  return {
    [`${name}-day`]: String(Number(iso.slice(8, 10))),
    [`${name}-month`]: String(Number(iso.slice(5, 7))),
    [`${name}-year`]: iso.slice(0, 4),
  }
}

export type FormData = Record<string, string | string[]>

/** Posts a form the way a browser would, with the session's CSRF token. */
export function postForm(session: { agent: Agent; csrf: string }, path: string, form: FormData) {
  return session.agent
    .post(path)
    .type('form')
    .send({ _csrf: session.csrf, ...form })
}

/** The GOV.UK error summary's links: [href, text] pairs, in order. */
export function errorSummaryLinks(html: string): { href: string; text: string }[] {
  const list = /<ul class="govuk-list govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? ''
  return [...list.matchAll(/<a href="([^"]*)">([\s\S]*?)<\/a>/g)].map((m) => ({
    href: m[1] ?? '',
    text: decodeEntities((m[2] ?? '').trim()),
  }))
}

/** Undoes EJS's escaping, to compare page text with what was typed. */
export function decodeEntities(html: string): string {
  return html
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** The value attribute of the input named `name`, unescaped; undefined if there is no such input. */
export function inputValue(html: string, name: string): string | undefined {
  const match = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html)
  return match ? decodeEntities(match[1] ?? '') : undefined
}

function missing(what: string): never {
  throw new Error(`Test arrangement needs ${what}`)
}

// ---- hostile form input (fast-check) ----
// Each arbitrary gives only values that must be refused, so a property can demand a 400.

/** What a hostile value does to one form field: a new value, or null to leave the field out. */
export type HostileFields = Record<string, string | string[] | null>
export type FieldSpec = { valid: FormData; hostile: fc.Arbitrary<HostileFields> }

const controlCharacters = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000B',
  '\u000C',
  '\u000E',
  '\u001B',
  '\u001F',
  '\u007F',
]
const script = '<script>alert(1)</script>'
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Text with a control character inside it, where trimming cannot take it away. */
export const withControlCharacter = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...controlCharacters), fc.string({ maxLength: 12 }))
  .map(([before, control, after]) => `x${before}${control}${after}x`)

/** Text longer than `max` once trimmed, sometimes carrying markup that must come back escaped. */
export function overLong(max: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(script, 'x', '"\'&'),
      fc.integer({ min: 1, max: 30 }),
      fc.constantFrom('a', 'Z', 'é', '<', ' ', '"'),
    )
    .map(([start, extra, unit]) => `${start}${unit.repeat(max + extra)}x`)
}

/** Two or more values for a field that takes one. */
export const repeated = fc.array(fc.string({ maxLength: 10 }), { minLength: 2, maxLength: 3 })

export function hostileText(max: number, options: { required: boolean }): fc.Arbitrary<string | string[] | null> {
  const always = [withControlCharacter, overLong(max), repeated] as fc.Arbitrary<string | string[] | null>[]
  return options.required ? fc.oneof(...always, fc.constantFrom('', '   ', '\t\r\n', null)) : fc.oneof(...always)
}

/** A value that is none of `allowed` (compared after trimming), including an empty one unless it is allowed. */
export function notOneOf(
  allowed: readonly string[],
  options: { emptyAllowed?: boolean } = {},
): fc.Arbitrary<string | string[]> {
  const refused = (s: string) => !allowed.includes(s.trim()) && !(options.emptyAllowed && s === '')
  return fc.oneof(
    fc.string({ maxLength: 30 }).filter(refused),
    fc.constantFrom(script, 'RED', 'unknown', '0', ' ').filter(refused),
    repeated,
  )
}

/** Anything but a well-formed UUID (optionally also allowing the empty string). */
export function notAUuid(options: { emptyAllowed?: boolean } = {}): fc.Arbitrary<string | string[]> {
  return fc.oneof(
    fc.string({ maxLength: 40 }).filter((s) => !uuidPattern.test(s.trim()) && !(options.emptyAllowed && s === '')),
    fc.uuid().map((u) => `${u}x`),
    repeated,
  )
}

type DateRule = { notFuture?: boolean; notPast?: boolean; required: boolean }

/** A GOV.UK date's three inputs, filled so that the date must be refused. */
export function hostileDate(name: string, rule: DateRule): fc.Arbitrary<HostileFields> {
  const thisYear = Number(todayInLondon().slice(0, 4))
  const parts = (day: string | string[], month: string | string[], year: string | string[]): HostileFields => ({
    [`${name}-day`]: day,
    [`${name}-month`]: month,
    [`${name}-year`]: year,
  })
  const digits = (s: string) => /^\d{1,2}$/.test(s.trim())
  const choices: fc.Arbitrary<HostileFields>[] = [
    fc
      .constantFrom(
        ['31', '2', '1999'],
        ['30', '2', '2001'],
        ['29', '2', '2023'],
        ['31', '4', '2010'],
        ['32', '1', '2000'],
        ['0', '5', '2000'],
        ['15', '13', '2000'],
        ['1', '1', '1899'],
        ['1', '1', '99'],
      )
      .map(([d, m, y]) => parts(d, m, y)),
    fc
      .tuple(
        fc.string({ maxLength: 6 }).filter((s) => s.trim() !== '' && !digits(s)),
        fc.integer({ min: 1, max: 12 }),
      )
      .map(([day, month]) => parts(day, String(month), '2000')),
    fc
      .constantFrom(['', '6', '2001'], ['4', '', '2001'], ['4', '6', ''], ['4', '', ''])
      .map(([d, m, y]) => parts(d, m, y)),
    fc.tuple(repeated, fc.constant('6'), fc.constant('2001')).map(([d, m, y]) => parts(d, m, y)),
  ]
  if (rule.notFuture)
    choices.push(fc.integer({ min: thisYear + 1, max: thisYear + 30 }).map((y) => parts('1', '1', String(y))))
  if (rule.notPast) choices.push(fc.integer({ min: 1950, max: thisYear - 1 }).map((y) => parts('28', '12', String(y))))
  if (rule.required) choices.push(fc.constant(parts('', '', '')))
  return fc.oneof(...choices)
}

/** A version a form could never have carried (a stale but well-formed one is a 409, not a 400). */
export const hostileVersion = fc.oneof(fc.constantFrom('', ' ', '0', '-1', 'abc', '1.5', 'NaN', null), repeated)

/** One field's hostile value under its own name. */
export function field(name: string, value: fc.Arbitrary<string | string[] | null>): fc.Arbitrary<HostileFields> {
  return value.map((v) => ({ [name]: v }))
}

/**
 * A whole form: every field valid except at least one, which is hostile. Mostly just one, so
 * that a field the server fails to check is not hidden behind another field's error.
 */
export function hostileForm(fields: Record<string, FieldSpec>): fc.Arbitrary<FormData> {
  const names = Object.keys(fields)
  const which = fc.oneof(
    { arbitrary: fc.constantFrom(...names).map((name) => [name]), weight: 3 },
    { arbitrary: fc.subarray(names, { minLength: 1 }), weight: 1 },
  )
  return which.chain((chosen) =>
    fc.tuple(...chosen.map((name) => fields[name]!.hostile)).map((hostile) => {
      const form: Record<string, string | string[] | null> = {}
      for (const name of names) Object.assign(form, fields[name]!.valid)
      for (const part of hostile) Object.assign(form, part)
      return Object.fromEntries(
        Object.entries(form).filter((entry): entry is [string, string | string[]] => entry[1] !== null),
      )
    }),
  )
}

/**
 * The RA1 form's "imposed in custody" fields for an appointment: a minute before it, or a minute
 * ago if it is in the future (a requirement is imposed before its appointment, and by now).
 */
export function imposedFields(appointmentDay: string, appointmentTime: string): Record<string, string> {
  const appointmentAt = londonInstant(appointmentDay, appointmentTime.padStart(5, '0'))
  const imposedAt = new Date(Math.min(appointmentAt.getTime(), Date.now()) - 60_000)
  const [day, time] = londonWallClock.format(imposedAt).split(', ') as [string, string]
  return { ...dateFields('imposedDate', day), imposedTime: time }
}

/** The id in a redirect to /PREFIX/<id>, or a failure that says where the redirect went instead. */
export function idFrom(location: unknown, prefix: string): string {
  const match = new RegExp(`^/${prefix}/([0-9a-f-]{36})$`).exec(textOf(location))
  if (!match?.[1]) throw new Error(`Expected a redirect to /${prefix}/<id>, got ${textOf(location) || 'no redirect'}`)
  return match[1]
}

export type DrugTestFields = Partial<
  Record<
    'sampleDay' | 'sampleTime' | 'condition' | 'opiates' | 'cocaine' | 'refused' | 'refusalAction' | 'disputed',
    string
  >
>

/** The DT1 form as an officer fills it: a test on arrest for theft three days ago, positive for opiates, unless told otherwise. */
export function drugTestForm(o: DrugTestFields = {}): Record<string, string> {
  return {
    custodySuiteCode: 'ROMFORD',
    custodyNumber: `KD/${uniqueTag()}/26`,
    condition: o.condition ?? 'arrest',
    triggerOffenceCode: 'THEFT',
    authorisedBy: '',
    ...dateFields('sampleDate', o.sampleDay ?? addDays(todayInLondon(), -3)),
    sampleTime: o.sampleTime ?? '09:00',
    opiates: o.opiates ?? 'positive',
    cocaine: o.cocaine ?? 'negative',
    refused: o.refused ?? 'no',
    refusalAction: o.refusalAction ?? '',
    disputed: o.disputed ?? 'no',
  }
}

/** The tables of the DIP chain, from the drug test to the failure's history: what a refused DIP form must leave unchanged. */
export const dipTables = [
  'drug_test',
  'drug_test_confirmation',
  'required_assessment',
  'appointment',
  'appointment_change',
  'attendance',
  'dip_failure',
  'dip_failure_event',
] as const

/**
 * An appointment at an instant, with the positive test and the required assessment behind it,
 * recorded by `recordedBy` (a DIP worker); closed on `closedOn` if given.
 */
export async function createAppointmentAt(
  db: Db,
  options: {
    personId: string
    when: Date
    recordedBy: string
    kind?: 'initial' | 'follow_up'
    closedOn?: string | null
  },
) {
  const { personId, when, recordedBy, kind = 'initial', closedOn = null } = options
  const test = await db
    .insertInto('drug_test')
    .values({
      person_id: personId,
      custody_suite_code: 'ROMFORD',
      custody_number: `HM/${uniqueTag()}/26`,
      condition: 'arrest',
      trigger_offence_code: 'THEFT',
      sample_taken_at: new Date(when.getTime() - 3 * 86_400_000),
      opiates: 'positive',
      cocaine: 'negative',
      recorded_by: recordedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const assessment = await db
    .insertInto('required_assessment')
    .values({ person_id: personId, drug_test_id: test.id, imposed_by: recordedBy })
    .returning('id')
    .executeTakeFirstOrThrow()
  return db
    .insertInto('appointment')
    .values({
      assessment_id: assessment.id,
      person_id: personId,
      kind,
      form: kind === 'initial' ? 'RA1' : 'RA4',
      scheduled_at: when,
      place: 'CJIT office, Romford',
      assessor: 'Sam Okafor',
      created_by: recordedBy,
      closed_on: closedOn,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}
