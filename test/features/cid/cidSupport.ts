import { sql, type Kysely } from 'kysely'
import { expect } from 'vitest'
import type { CidStatus, Database, FailureStatus } from '../../../db/types.ts'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import { createPerson, demoUserIds, uniqueTag, type PersonOverrides } from '../../helpers/factories.ts'

// Arranging CID cases straight in the database: a person, the DIP chain behind a failure
// (drug test → required assessment → appointment → attendance → failure), warning markers and
// CID entries. Tests act and assert through the real HTTP routes.

type Db = Kysely<Database>

export const today = () => todayInLondon()
export const daysFromToday = (n: number) => addDays(today(), n)

export type FailureOptions = {
  section?: 's12' | 's14'
  status?: FailureStatus
  failureDate?: string
  /** Defaults to six months after the failure, as the DIP service sets it. */
  timeBarDate?: string
  wantedSince?: string | null
  /** Defaults to the day after the failure; null for a statement not yet produced. */
  statementProducedOn?: string | null
}

/** A person (Havering unless told otherwise) with a unique surname, so the demo caseload never gets in the way. */
export function person(db: Db, overrides: PersonOverrides = {}) {
  return createPerson(db, { forenames: 'Alex', ...overrides })
}

/** A positive custody drug test (opiates), sampled `sampledOn` at 09:30 UTC; disputed if told. */
export async function drugTest(db: Db, personId: string, options: { sampledOn?: string; disputed?: boolean } = {}) {
  const sampledOn = options.sampledOn ?? daysFromToday(-3)
  const users = await demoUserIds(db)
  return db
    .insertInto('drug_test')
    .values({
      person_id: personId,
      custody_suite_code: 'ROMFORD',
      custody_number: `KD/${uniqueTag()}/${sampledOn.slice(2, 4)}`,
      condition: 'arrest',
      trigger_offence_code: 'THEFT',
      sample_taken_at: new Date(`${sampledOn}T09:30:00Z`),
      opiates: 'positive',
      cocaine: 'negative',
      disputed: options.disputed ?? false,
      recorded_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

/**
 * An appointment at 10:00 UTC on `scheduledOn`, with the positive test and required assessment
 * behind it: initial (RA1) for s12, follow-up (RA4) for s14. No attendance is recorded.
 */
export async function appointment(
  db: Db,
  personId: string,
  options: { section?: 's12' | 's14'; scheduledOn?: string } = {},
) {
  const section = options.section ?? 's12'
  const scheduledOn = options.scheduledOn ?? daysFromToday(-1)
  const users = await demoUserIds(db)
  const test = await drugTest(db, personId, { sampledOn: addDays(scheduledOn, -3) })
  const assessment = await db
    .insertInto('required_assessment')
    .values({ person_id: personId, drug_test_id: test.id, imposed_by: users.dip })
    .returning('id')
    .executeTakeFirstOrThrow()
  return db
    .insertInto('appointment')
    .values({
      assessment_id: assessment.id,
      person_id: personId,
      kind: section === 's12' ? 'initial' : 'follow_up',
      form: section === 's12' ? 'RA1' : 'RA4',
      scheduled_at: new Date(`${scheduledOn}T10:00:00Z`),
      place: 'CJIT office, Romford',
      assessor: 'Sam Okafor',
      created_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

/**
 * An s12 (initial) or s14 (follow-up) failure with the whole chain behind it that the foreign
 * keys ask for. Wanted by default, failed 30 days ago, time bar six months after that, the
 * statement produced the day after the failure (null: not yet produced).
 */
export async function failure(db: Db, personId: string, options: FailureOptions = {}) {
  const section = options.section ?? 's12'
  const status = options.status ?? 'wanted'
  const failureDate = options.failureDate ?? daysFromToday(-30)
  const timeBarDate = options.timeBarDate ?? addMonths(failureDate, 6)
  const users = await demoUserIds(db)
  const missed = await appointment(db, personId, { section, scheduledOn: failureDate })
  await db
    .insertInto('attendance')
    .values({ appointment_id: missed.id, outcome: 'did_not_attend', good_cause: false, recorded_by: users.dip })
    .execute()
  const wanted = status !== 'open'
  return db
    .insertInto('dip_failure')
    .values({
      appointment_id: missed.id,
      person_id: personId,
      section,
      failure_date: failureDate,
      time_bar_date: timeBarDate,
      status,
      statement_produced_on:
        options.statementProducedOn !== undefined ? options.statementProducedOn : addDays(failureDate, 1),
      wanted_since: options.wantedSince !== undefined ? options.wantedSince : wanted ? addDays(failureDate, 2) : null,
      wanted_reference: wanted ? `PNC/WM/${uniqueTag()}` : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export type MarkerCode = 'violent' | 'weapons' | 'firearms' | 'drugs' | 'self_harm' | 'mental_health'

export async function marker(
  db: Db,
  personId: string,
  code: MarkerCode,
  options: { startDate?: string; endedOn?: string | null } = {},
) {
  const users = await demoUserIds(db)
  await db
    .insertInto('person_marker')
    .values({
      person_id: personId,
      marker_code: code,
      start_date: options.startDate ?? daysFromToday(-200),
      ended_on: options.endedOn ?? null,
      ended_by: options.endedOn ? users.supervisor : null,
      set_by: users.iom,
    })
    .execute()
}

/** A CID entry as the supervisor would have left it: countersigned (by default) with its history rows. */
export async function entry(
  db: Db,
  failureRow: { id: string; person_id: string; section: string },
  status: CidStatus = 'countersigned',
) {
  const users = await demoUserIds(db)
  const decided = status !== 'proposed'
  const row = await db
    .insertInto('cid_entry')
    .values({
      failure_id: failureRow.id,
      person_id: failureRow.person_id,
      source: 'system',
      reason: `Wanted for an ${failureRow.section} DIP failure, with a current violent marker`,
      status,
      decided_by: decided ? users.supervisor : null,
      decided_at: decided ? new Date() : null,
      rationale: decided ? 'Violent and wanted: arrest before the time bar' : null,
    })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow()
  // History in a fixed order: two rows written within the same clock tick would otherwise tie.
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000)
  await db
    .insertInto('cid_entry_event')
    .values({
      entry_id: row.id,
      kind: 'proposed',
      event_date: today(),
      note: 'Proposed by the system',
      recorded_at: minutesAgo(2),
    })
    .execute()
  if (decided) {
    await db
      .insertInto('cid_entry_event')
      .values({
        entry_id: row.id,
        kind: 'countersigned',
        event_date: today(),
        recorded_by: users.supervisor,
        recorded_at: minutesAgo(1),
      })
      .execute()
  }
  return row
}

/** A violent person wanted for a failure, already countersigned onto the CID list. */
export async function onTheList(
  db: Db,
  options: FailureOptions & { person?: PersonOverrides; markers?: MarkerCode[]; markerStart?: string } = {},
) {
  const { person: personOverrides, markers = ['violent'], markerStart, ...failureOptions } = options
  const who = await person(db, personOverrides)
  for (const code of markers) await marker(db, who.id, code, markerStart ? { startDate: markerStart } : {})
  const failed = await failure(db, who.id, failureOptions)
  const listed = await entry(db, failed)
  return { person: who, failure: failed, entry: listed }
}

export function entryRow(db: Db, entryId: string) {
  return db
    .selectFrom('cid_entry')
    .select(['id', 'status', 'version', 'rationale', 'decided_by'])
    .where('id', '=', entryId)
    .executeTakeFirstOrThrow()
}

export function failureRow(db: Db, failureId: string) {
  return db
    .selectFrom('dip_failure')
    .select(['id', 'status', 'version'])
    .where('id', '=', failureId)
    .executeTakeFirstOrThrow()
}

export async function eventKinds(db: Db, entryId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('cid_entry_event')
    .select('kind')
    .where('entry_id', '=', entryId)
    .orderBy('recorded_at')
    .orderBy('id')
    .execute()
  return rows.map((r) => r.kind)
}

/**
 * Everything CID's forms may change, in one comparable value: the rows of cid_entry and
 * dip_failure (status and version), how many history rows there are, and the warning markers
 * (a proposal may add one).
 */
export async function cidState(db: Db) {
  const result = await sql<{
    entries: string
    entry_events: number
    failures: string
    failure_events: number
    markers: string
  }>`
    select
      (select md5(coalesce(string_agg(id::text || ':' || coalesce(ended_on::text, ''), ',' order by id), '')) from person_marker) as markers,
      (select md5(coalesce(string_agg(id::text || ':' || status || ':' || version, ',' order by id), '')) from cid_entry) as entries,
      (select count(*)::int from cid_entry_event) as entry_events,
      (select md5(coalesce(string_agg(id::text || ':' || status || ':' || version, ',' order by id), '')) from dip_failure) as failures,
      (select count(*)::int from dip_failure_event) as failure_events`.execute(db)
  return result.rows[0]
}

/** The name as lists and sheets show it. */
export const shownName = (p: { surname: string; forenames: string }) => `${p.surname.toUpperCase()}, ${p.forenames}`

/** The CID listing (the cid_listing migration) as kept, and as the case tables give it now, in one order. */
export async function cidListingKeptAndFresh(db: Db) {
  const result = await sql<{ kept: unknown; fresh: unknown }>`
    select (select coalesce(json_agg(k order by entry_id), '[]') from cid_listing k) as kept,
           (select coalesce(json_agg(f order by entry_id), '[]') from cid_listing_rows_of(array(select id from person)) f) as fresh`.execute(
    db,
  )
  return result.rows[0]!
}

/** Fails unless the CID listing equals what the case tables give now. */
export async function expectCidListingToAgree(db: Db): Promise<void> {
  const { kept, fresh } = await cidListingKeptAndFresh(db)
  expect(kept, 'cid_listing').toEqual(fresh)
}
