import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database, FailureEventKind, FailureStatus } from '../../../db/types.ts'
import { todayInLondon } from '../../domain/time.ts'
import { statusStillIn, updateIfVersion } from '../../queries/updateIfVersion.ts'
import { personIdentityColumns, personLinkColumns } from '../people/personColumns.ts'
import { userNameOf } from '../../queries/userName.ts'

type Db = Kysely<Database>

// Failures to attend or remain (s12/s14): created from attendance, moved on by statements,
// circulation and outcomes, closed by the time-bar sweep. Every change also writes history.

/**
 * A failure's status as the law has it on `today` (MCA 1980 s127): past its time bar, an open,
 * wanted or arrested failure is time-barred whether or not the sweep has closed it yet. The one
 * statement of the rule is the SQL function dip_failure_status_on (migration 20261205T0900);
 * every read shows this, and the sweep closes exactly the rows where it differs from the row.
 */
const statusOfOn = (status: RawBuilder<unknown>, timeBar: RawBuilder<unknown>, today: string) =>
  sql<FailureStatus>`dip_failure_status_on(${status}, ${timeBar}, ${today}::date)`

/** The status on `today` of the failure `alias`. */
export const statusOn = (alias: string, today: string) =>
  statusOfOn(sql.ref(`${alias}.status`), sql.ref(`${alias}.time_bar_date`), today)

/**
 * The status on `today` of a CID entry's failure (alias `entry`), from the failure's state that
 * the entry carries (migration 20261206T0400): the same rule, read from one index of entries.
 */
export const entryFailureStatusOn = (entry: string, today: string) =>
  statusOfOn(sql.ref(`${entry}.failure_status`), sql.ref(`${entry}.failure_time_bar_date`), today)

/** The statuses the time bar ends: a failure in one of them past its time bar is time-barred. */
export type LiveStatus = 'open' | 'wanted' | 'arrested'

/**
 * Still `live` on `today`: the row's own status is `live`, its time bar is not yet passed, and
 * the rule does not say time-barred. The first two are what an index on status and time bar
 * seeks to, so a list reads only the failures still in time, not every one the sweep has yet to
 * close. On a `live` row the rule answers `live` or `time_barred`, so "not time-barred" is
 * "still `live`". Asked that way the planner expects the rule to keep nearly every row; asked as
 * an equality with a CASE it cannot see into, it expected one row in two hundred and sorted
 * whole lists rather than read them in index order (decision 0134).
 */
const isStillOn = (status: RawBuilder<unknown>, timeBar: RawBuilder<unknown>, live: LiveStatus, today: string) =>
  // A literal, not a parameter: a partial index on the status serves only a condition that names it.
  sql<boolean>`(${status} = ${sql.lit(live)} and ${timeBar} >= ${today}::date
    and ${statusOfOn(status, timeBar, today)} <> 'time_barred')`

/** The failure `alias` is still `live` on `today`. */
export const stillOn = (alias: string, live: LiveStatus, today: string) =>
  isStillOn(sql.ref(`${alias}.status`), sql.ref(`${alias}.time_bar_date`), live, today)

/**
 * The failure `alias` awaits its statement on `today`: open, still in time, none produced. One
 * statement for the DIP failures list, the task list's kind and the home page's count.
 */
export const awaitingStatement = (alias: string, today: string) =>
  sql<boolean>`(${stillOn(alias, 'open', today)} and ${sql.ref(`${alias}.statement_produced_on`)} is null)`

/** The failure of the CID entry `entry` is still `live` on `today`, from the state the entry carries. */
export const entryFailureStillOn = (entry: string, live: LiveStatus, today: string) =>
  isStillOn(sql.ref(`${entry}.failure_status`), sql.ref(`${entry}.failure_time_bar_date`), live, today)

export async function insertFailure(
  db: Db,
  failure: {
    appointmentId: string
    personId: string
    section: 's12' | 's14'
    failureDate: string
    timeBarDate: string
  },
): Promise<string> {
  const row = await db
    .insertInto('dip_failure')
    .values({
      appointment_id: failure.appointmentId,
      person_id: failure.personId,
      section: failure.section,
      failure_date: failure.failureDate,
      time_bar_date: failure.timeBarDate,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * A history row: a failure's (dip_failure_event) and its CID entry's (cid_entry_event) have the
 * same columns but for the key of what they are the history of.
 */
export type HistoryEvent<Kind extends string = string> = {
  kind: Kind
  eventDate: string
  reference?: string | null
  note?: string | null
  recordedBy: string | null
}

export const historyValues = <Kind extends string>(event: HistoryEvent<Kind>) => ({
  kind: event.kind,
  event_date: event.eventDate,
  reference: event.reference ?? null,
  note: event.note ?? null,
  recorded_by: event.recordedBy,
})

/** What a history page shows of each row (the history as `ev`: CID's and the failure's share these columns). */
export const historyColumns = [
  'ev.kind',
  'ev.event_date',
  'ev.reference',
  'ev.note',
  userNameOf(sql.ref<string | null>('ev.recorded_by')).as('recorded_by_name'),
  'ev.recorded_at',
] as const

export async function insertFailureEvent(
  db: Db,
  event: HistoryEvent<FailureEventKind> & { failureId: string },
): Promise<void> {
  await db
    .insertInto('dip_failure_event')
    .values({ failure_id: event.failureId, ...historyValues(event) })
    .execute()
}

export function findFailureInAreas(
  db: Db,
  failureId: string,
  areaIds: readonly string[],
  today: string = todayInLondon(),
) {
  if (areaIds.length === 0) return Promise.resolve(undefined)
  return db
    .selectFrom('dip_failure as f')
    .innerJoin('appointment as a', 'a.id', 'f.appointment_id')
    .innerJoin('person as p', 'p.id', 'f.person_id')
    .innerJoin('attendance as at', 'at.appointment_id', 'a.id')
    .innerJoin('required_assessment as ra', 'ra.id', 'a.assessment_id')
    .innerJoin('drug_test as t', 't.id', 'ra.drug_test_id')
    .innerJoin('custody_suite as cs', 'cs.code', 't.custody_suite_code')
    .leftJoin('drug_test_confirmation as c', 'c.drug_test_id', 't.id')
    .select((eb) => [
      'f.id',
      'f.appointment_id',
      'f.person_id',
      'f.section',
      'f.failure_date',
      'f.time_bar_date',
      statusOn('f', today).as('status'),
      'f.statement_produced_on',
      'f.statement_produced_by',
      'f.wanted_since',
      'f.wanted_reference',
      'f.version',
      'f.created_at',
      'a.kind as appointment_kind',
      'a.scheduled_at',
      'a.place',
      'a.assessor',
      'a.form',
      'a.created_at as appointment_created_at',
      'at.outcome',
      'at.good_cause_note',
      'at.recorded_at as attendance_recorded_at',
      userNameOf(eb.ref('at.recorded_by')).as('attendance_recorded_by'),
      ...personIdentityColumns,
      'p.address',
      't.custody_number',
      'cs.name as custody_suite_name',
      't.sample_taken_at',
      't.opiates',
      't.cocaine',
      't.disputed',
      'c.opiates as confirmed_opiates',
      'c.cocaine as confirmed_cocaine',
      'c.confirmed_on',
      'ra.imposed_at',
      'ra.imposed_by_officer',
      'ra.fell_away_on',
      userNameOf(eb.ref('ra.imposed_by')).as('imposed_by_name'),
      userNameOf(eb.ref('f.statement_produced_by')).as('statement_produced_by_name'),
      sql<string | null>`(select ev.recorded_by from dip_failure_event ev
                          where ev.failure_id = f.id and ev.kind = 'circulated_wanted' order by ev.recorded_at desc limit 1)`.as(
        'circulated_by',
      ),
    ])
    .where('f.id', '=', failureId)
    .where('p.area_id', 'in', [...areaIds])
    .executeTakeFirst()
}

export type FailureRecord = NonNullable<Awaited<ReturnType<typeof findFailureInAreas>>>

export const setFailureStateIfVersion = (
  db: Db,
  id: string,
  version: number,
  from: readonly FailureStatus[],
  changes: {
    status?: FailureStatus
    statement_produced_on?: string | null
    statement_produced_by?: string | null
    wanted_since?: string | null
    wanted_reference?: string | null
  },
) => updateIfVersion(db, 'dip_failure', { id, version }, changes, statusStillIn(from))

/**
 * Closes every failure the reads already show as time-barred (statusOn: open, wanted or
 * arrested-but-not-charged past its time-bar date; an arrest does not stop the MCA 1980 s127
 * clock), with a history row and an audit row (an alteration by the system, DPA 2018 s62) each,
 * in the same statement. Only the scheduled sweep calls it (dipSweep.ts). Idempotent and safe to
 * run from several instances at once (the UPDATE takes the row locks).
 */
export async function closeTimeBarredFailures(db: Db, today: string): Promise<number> {
  const result = await sql<{ n: number }>`
    with closed as (
      update dip_failure f set status = 'time_barred', version = f.version + 1
       where f.status <> 'time_barred' and ${statusOn('f', today)} = 'time_barred'
      returning id, person_id, time_bar_date
    ), events as (
      insert into dip_failure_event (failure_id, kind, event_date, note)
      select id, 'time_barred', time_bar_date, 'Closed automatically: six months passed (MCA 1980 s127)' from closed
      returning 1
    ), audit as (
      insert into audit_pending (category, event, actor_username, entity_type, entity_id, person_id, detail)
      select 'alteration', 'failure.time_barred', 'system', 'dip_failure', id::text, person_id, jsonb_build_object('timeBarDate', time_bar_date)
        from closed
      returning 1
    )
    -- a data-modifying WITH runs to completion whether or not it is read: every closure is audited
    select count(*)::int as n from events`.execute(db)
  return result.rows[0]?.n ?? 0
}

/** Failures of people in the areas, with what every list of them shows: the failure, and whose it is. */
function listedFailures(db: Db, areaIds: readonly string[]) {
  return db
    .selectFrom('dip_failure as f')
    .innerJoin('person as p', 'p.id', 'f.person_id')
    .select(['f.id', 'f.section', 'f.failure_date', 'f.time_bar_date', ...personLinkColumns])
    .where('p.area_id', 'in', [...areaIds])
}

export function failuresAwaitingStatement(
  db: Db,
  areaIds: readonly string[],
  limit: number,
  today: string = todayInLondon(),
) {
  if (areaIds.length === 0) return Promise.resolve([])
  return listedFailures(db, areaIds)
    .select('p.pnc_id')
    .where(awaitingStatement('f', today))
    .orderBy('f.failure_date')
    .limit(limit)
    .execute()
}

export function failuresQuery(db: Db, personId: string, today: string = todayInLondon()) {
  return db
    .selectFrom('dip_failure as f')
    .select([
      'f.id',
      'f.section',
      'f.failure_date',
      'f.time_bar_date',
      statusOn('f', today).as('status'),
      'f.statement_produced_on',
      'f.wanted_since',
      'f.wanted_reference',
      'f.version',
    ])
    .where('f.person_id', '=', personId)
    .orderBy('f.failure_date', 'desc')
}

export function failureEventsOf(db: Db, failureId: string) {
  return db
    .selectFrom('dip_failure_event as ev')
    .select(historyColumns)
    .where('ev.failure_id', '=', failureId)
    .orderBy('ev.recorded_at')
    .execute()
}

/** Failures time-barred in the last 90 days, closed by the sweep or not yet: listed for review (why was no one charged in time?). */
export function recentlyTimeBarred(db: Db, areaIds: readonly string[], today: string, limit: number) {
  if (areaIds.length === 0) return Promise.resolve([])
  return listedFailures(db, areaIds)
    .select('f.wanted_since')
    .where(statusOn('f', today), '=', 'time_barred')
    .where('f.time_bar_date', '>=', sql<string>`${today}::date - 90`)
    .orderBy('f.time_bar_date', 'desc')
    .limit(limit)
    .execute()
}
