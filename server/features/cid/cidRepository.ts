import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { CidStatus, Database } from '../../../db/types.ts'
import { prepared } from '../../../db/preparedStatements.ts'
import { todayInLondon } from '../../domain/time.ts'
import { statusStillIn, updateIfVersion } from '../../queries/updateIfVersion.ts'
import { entryFailureStatusOn, historyColumns, statusOn, stillOn } from '../dip/dipFailureRepository.ts'
import { ledBy, ledByReadOnce } from '../cohorts/cohortsRepository.ts'
import type { Window } from '../../domain/window.ts'
import { personLinkColumns, personListColumns } from '../people/personColumns.ts'
import { userNameOf } from '../../queries/userName.ts'
import { eachAreasFirst } from '../../queries/areas.ts'
import { keptCount } from '../../queries/openItemCounts.ts'
import { markersOf } from '../people/peopleRepository.ts'

type Db = Kysely<Database>

export async function insertManualEntry(
  db: Db,
  entry: { failureId: string; personId: string; reason: string; proposedBy: string; citedMarkerId: string },
): Promise<string | undefined> {
  const row = await db
    .insertInto('cid_entry')
    .values({
      failure_id: entry.failureId,
      person_id: entry.personId,
      source: 'manual',
      reason: entry.reason,
      proposed_by: entry.proposedBy,
      cited_marker_id: entry.citedMarkerId,
    })
    .onConflict((oc) => oc.column('failure_id').doNothing())
    .returning('id')
    .executeTakeFirst()
  return row?.id
}

export const setEntryStatusIfVersion = (
  db: Db,
  id: string,
  version: number,
  from: readonly CidStatus[],
  changes: { status: CidStatus; decided_by?: string; decided_at?: Date; rationale?: string },
) => updateIfVersion(db, 'cid_entry', { id, version }, changes, statusStillIn(from))

export type CidFilters = {
  areaId?: string | undefined
  wardId?: string | undefined
  maxDaysToTimeBar?: number | undefined
  /** Only people with an entry countersigned within this many days. */
  countersignedWithinDays?: number | undefined
}

/**
 * An entry countersigned within the last `days` days: one statement of it for the list's filter
 * and the home page's count, so the count and the list it links to cannot disagree.
 */
export const countersignedWithin = (entry: string, days: number) =>
  sql<boolean>`${sql.ref(`${entry}.decided_at`)} >= now() - make_interval(days => ${days}::int)`

/** The CID list's order: soonest time bar, then the most recent violence marker, then the name. */
const listOrder = sql`l.time_bar_date, l.last_violence_marker desc nulls last, l.surname, l.forenames, l.entry_id`

/**
 * The CID list's people, one row each (the entry of their soonest time bar), in the list's order,
 * each row carrying the list's length as total_rows; with a window, one page of it. Read from the
 * listing the database keeps (the cid_listing migration), a borough at a time in the list's
 * order and only up to the page's end (decision 0137): reading every entry of the boroughs to
 * keep each person's first grew with the list. `inScope` adds the user's areas and the filters
 * of borough and ward.
 */
function listedPeople(
  areaIds: readonly string[],
  filters: CidFilters,
  today: string,
  inScope: (alias: string) => RawBuilder<unknown>,
  window: Window | undefined,
) {
  // A listing row the filters show: its time bar not passed (the rule), in scope, and as filtered.
  const shown = (alias: string) => {
    const column = (name: string) => sql.ref(`${alias}.${name}`)
    return sql`dip_failure_status_on('wanted', ${column('time_bar_date')}, ${today}::date) = 'wanted'
      ${inScope(alias)}
      ${filters.maxDaysToTimeBar !== undefined ? sql`and ${column('time_bar_date')} <= ${today}::date + ${filters.maxDaysToTimeBar}::int` : sql``}
      ${filters.countersignedWithinDays !== undefined ? sql`and exists (select 1 from cid_entry e where e.id = ${column('entry_id')} and ${countersignedWithin('e', filters.countersignedWithinDays)})` : sql``}`
  }
  // The person's first row: none of theirs that the filters show comes before it.
  const first = sql`${shown('l')} and not exists (select 1 from cid_listing s
    where s.person_id = l.person_id and ${shown('s')} and (s.time_bar_date, s.entry_id) < (l.time_bar_date, l.entry_id))`
  const boroughs = filters.areaId ? areaIds.filter((id) => id === filters.areaId) : areaIds
  // The whole list's people are kept per borough (decision 0136); a narrower view counts its own.
  const narrowed =
    filters.wardId || filters.maxDaysToTimeBar !== undefined || filters.countersignedWithinDays !== undefined
  const total = narrowed
    ? sql<number>`(select count(distinct l.person_id) from cid_listing l where ${shown('l')})::int`
    : keptCount('person_listed', boroughs, 'from', today)
  const rows = window
    ? sql`${eachAreasFirst(boroughs, 'cid_listing', 'l', first, listOrder, window.offset + window.limit)}`
    : sql`cid_listing l where ${first}`
  return sql`
    select l.entry_id, l.person_id, l.time_bar_date, l.surname, l.forenames, l.last_violence_marker, ${total} as total_rows
      from ${rows}
     order by ${listOrder}
     ${window ? sql`limit ${window.limit} offset ${window.offset}` : sql``}`
}

/**
 * The CID list: countersigned entries whose failure is still wanted and not time-barred, one row
 * per person (their soonest time bar), time bar soonest first, then the most recent violence
 * marker. With a window, one page of it, each row carrying the whole list's length as total_rows.
 * With an entry id, that entry alone (its briefing sheet), also once arrested.
 */
export async function cidList(
  db: Db,
  areaIds: readonly string[],
  filters: CidFilters,
  today: string,
  entryId?: string,
  window?: Window,
) {
  if (areaIds.length === 0) return []
  const inScope = (alias: string) => sql`
         and ${sql.ref(`${alias}.area_id`)} = any(${sql.val([...areaIds])}::uuid[])
         ${filters.areaId ? sql`and ${sql.ref(`${alias}.area_id`)} = ${filters.areaId}::uuid` : sql``}
         ${filters.wardId ? sql`and ${sql.ref(`${alias}.ward_id`)} = ${filters.wardId}::uuid` : sql``}`
  // Which entries, in what order, first (one per person, its soonest time bar); only then, for
  // the page's rows alone, the markers, lead officer and partner links each row shows.
  const listed = entryId
    ? // One entry's sheet also serves CID after the arrest, to record the charge, summons or NFA,
      // and still once the time bar has closed the arrested failure: it says why no charge is possible.
      sql`
      select e.id as entry_id, p.id as person_id, f.time_bar_date, p.surname, p.forenames,
             (select max(m.start_date) from person_marker m
               where m.person_id = p.id and m.ended_on is null and m.marker_code in ('violent', 'weapons')) as last_violence_marker,
             1 as total_rows
        from cid_entry e
        join dip_failure f on f.id = e.failure_id
        join person p on p.id = e.person_id
       where e.id = ${entryId}::uuid
         and ((e.status = 'countersigned' and ${statusOn('f', today)} = 'wanted')
              or (e.status = 'arrested' and ${statusOn('f', today)} in ('arrested', 'time_barred')))
         ${inScope('p')}`
    : listedPeople(areaIds, filters, today, inScope, window)
  // Prepared: planning the list's statement took longer than running it (12 ms against 4).
  const result = await db.executeQuery(
    prepared(
      sql<CidRow & { total_rows: number }>`
    with ordered as (${listed})
    select e.id, e.version, e.status, e.reason, e.source, e.decided_at, e.rationale,
           p.id as person_id, p.pnc_id, p.surname, p.forenames, p.date_of_birth, p.address,
           w.name as ward_name, a.name as area_name,
           f.id as failure_id, f.section, f.failure_date, f.wanted_since, f.wanted_reference, f.time_bar_date,
           (f.time_bar_date - ${today}::date) as days_left,
           coalesce((select string_agg(t.label || case when m.review_date < ${today}::date then ' (review overdue)' else '' end, ';' order by t.sort_order)
                       from person_marker m join marker_type t on t.code = m.marker_code
                      where m.person_id = p.id and m.ended_on is null), '') as markers,
           f.statement_produced_on, du.display_name as countersigned_by, pu.display_name as proposed_by_name,
           o.last_violence_marker,
           (select u.display_name from cohort_membership cm join app_user u on u.id = cm.lead_officer_id
             where cm.person_id = p.id and cm.status <> 'ended' order by cm.adopted_on desc limit 1) as lead_officer,
           coalesce((select string_agg(upper(l.agency) || ' ' || l.reference
                                       || coalesce(' (DASH ' || l.dash_score || ')', '')
                                       || coalesce(' (' || upper(l.brag_rating) || ')', ''), '; ' order by l.agency)
                       from partner_link l where l.person_id = p.id and l.status = 'open'), '') as partner_links,
           o.total_rows
      from ordered o
      join cid_entry e on e.id = o.entry_id
      join dip_failure f on f.id = e.failure_id
      join person p on p.id = o.person_id
      join area a on a.id = p.area_id
      left join ward w on w.id = p.ward_id
      left join app_user du on du.id = e.decided_by
      left join app_user pu on pu.id = e.proposed_by
     order by o.time_bar_date, o.last_violence_marker desc nulls last, o.surname, o.forenames, o.entry_id`.compile(db),
    ),
  )
  return result.rows
}

export type CidRow = {
  id: string
  version: number
  status: CidStatus
  reason: string
  source: 'system' | 'manual'
  decided_at: Date | null
  rationale: string | null
  person_id: string
  pnc_id: string | null
  surname: string
  forenames: string
  date_of_birth: string
  address: string | null
  ward_name: string | null
  area_name: string
  failure_id: string
  section: 's12' | 's14'
  failure_date: string
  wanted_since: string | null
  wanted_reference: string | null
  time_bar_date: string
  days_left: number
  markers: string
  last_violence_marker: string | null
  lead_officer: string | null
  partner_links: string
  statement_produced_on: string | null
  countersigned_by: string | null
  proposed_by_name: string | null
}

/** Who circulated the entry's failure as wanted: the two-person rule keeps them from countersigning it. */
const circulatedBy = sql<string | null>`(select ev.recorded_by from dip_failure_event ev
   where ev.failure_id = e.failure_id and ev.kind = 'circulated_wanted' order by ev.recorded_at desc limit 1)`.as(
  'circulated_by',
)

/**
 * An entry on the list, or arrested, whose failure's time bar has passed: one for a supervisor to
 * close. One statement of it for the queue's section and the home page's count.
 */
export const timeBarredToClose = (entry: string, today: string) =>
  sql<boolean>`(${sql.ref(`${entry}.status`)} in ('countersigned', 'arrested') and ${entryFailureStatusOn(entry, today)} = 'time_barred')`

/**
 * CID entries of people in the areas, with their failures: what deciding on one needs (its
 * status and version, who proposed it, who circulated the failure, the failure's status today).
 */
function entriesToDecide(db: Db, areaIds: readonly string[], today: string) {
  return db
    .selectFrom('cid_entry as e')
    .innerJoin('dip_failure as f', 'f.id', 'e.failure_id')
    .innerJoin('person as p', 'p.id', 'e.person_id')
    .select([
      'e.id',
      'e.version',
      'e.status',
      'e.proposed_by',
      circulatedBy,
      statusOn('f', today).as('failure_status'),
      'f.failure_date',
      'f.time_bar_date',
    ])
    .where('p.area_id', 'in', [...areaIds])
}

export function supervisorQueue(db: Db, areaIds: readonly string[], today: string) {
  if (areaIds.length === 0) return Promise.resolve([])
  return entriesToDecide(db, areaIds, today)
    .select((eb) => [
      'e.source',
      'e.reason',
      'e.proposed_at',
      userNameOf(eb.ref('e.proposed_by')).as('proposed_by_name'),
      sql<string | null>`(select ev.note from cid_entry_event ev where ev.entry_id = e.id and ev.kind = 'suspended'
                           order by ev.recorded_at desc limit 1)`.as('suspended_note'),
      ...personListColumns,
      'f.section',
    ])
    .where((eb) => eb.or([eb('e.status', 'in', ['proposed', 'suspended']), timeBarredToClose('e', today)]))
    .orderBy('f.time_bar_date')
    .execute()
}

export function findEntryInAreas(db: Db, id: string, areaIds: readonly string[], today: string = todayInLondon()) {
  if (areaIds.length === 0) return Promise.resolve(undefined)
  return entriesToDecide(db, areaIds, today)
    .select(['e.person_id', 'e.failure_id', 'f.version as failure_version'])
    .where('e.id', '=', id)
    .executeTakeFirst()
}

export function entryEventsOf(db: Db, entryId: string) {
  return db
    .selectFrom('cid_entry_event as ev')
    .select(historyColumns)
    .where('ev.entry_id', '=', entryId)
    .orderBy('ev.recorded_at')
    .execute()
}

/** Countersigned entries for people a lead officer manages in their areas: told on their home page, once per person. */
export function countersignedForLeadOfficer(db: Db, userId: string, areaIds: readonly string[], since: Date) {
  if (areaIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('cid_entry as e')
    .innerJoin('person as p', 'p.id', 'e.person_id')
    .select([...personLinkColumns, (eb) => eb.fn.max('e.decided_at').as('decided_at')])
    .where('e.status', '=', 'countersigned')
    .where('e.decided_at', '>=', since)
    .where('p.area_id', 'in', [...areaIds])
    .where(ledBy('e.person_id', userId))
    .groupBy(['p.id', 'p.surname', 'p.forenames'])
    .orderBy('decided_at', 'desc')
    .execute()
}

/** Whether the person is violent now: a current violent or weapons marker (the database's one statement of it). */
export async function hasViolenceMarker(db: Db, personId: string): Promise<boolean> {
  const result = await sql<{ yes: boolean }>`select person_has_violence_marker(${personId}::uuid) as yes`.execute(db)
  return result.rows[0]?.yes === true
}

/** A person's current violent and weapons markers: what a manual proposal may cite. */
export function violenceMarkersOf(db: Db, personId: string) {
  return markersOf(db, personId)
    .where('m.ended_on', 'is', null)
    .where('m.marker_code', 'in', ['violent', 'weapons'])
    .orderBy('m.start_date', 'desc')
    .execute()
}

/**
 * What the briefing sheet adds to the list's row, so CID can act on it: the requirement behind the
 * failure (custody suite and number, when and by whom it was imposed), the appointment missed,
 * who produced the statement, the person's aliases, and each current marker with its dates.
 */
export async function briefingDetails(db: Db, entryId: string, today: string) {
  const result = await sql<{
    custody_suite_name: string
    custody_number: string
    imposed_at: Date
    imposed_by_officer: string | null
    imposed_by_name: string | null
    scheduled_at: Date
    place: string
    appointment_kind: 'initial' | 'follow_up'
    statement_produced_by_name: string | null
    aliases: string | null
    markers: { label: string; start_date: string; review_date: string | null; review_overdue: boolean }[] | null
  }>`
    select cs.name as custody_suite_name, t.custody_number, ra.imposed_at, ra.imposed_by_officer, iu.display_name as imposed_by_name,
           a.scheduled_at, a.place, a.kind as appointment_kind, su.display_name as statement_produced_by_name,
           (select string_agg(al.forenames || ' ' || al.surname, '; ' order by al.surname, al.forenames)
              from person_alias al where al.person_id = e.person_id) as aliases,
           (select json_agg(json_build_object('label', mt.label, 'start_date', m.start_date, 'review_date', m.review_date,
                                              'review_overdue', coalesce(m.review_date < ${today}::date, false)) order by m.start_date)
              from person_marker m join marker_type mt on mt.code = m.marker_code
             where m.person_id = e.person_id and m.ended_on is null) as markers
      from cid_entry e
      join dip_failure f on f.id = e.failure_id
      join appointment a on a.id = f.appointment_id
      join required_assessment ra on ra.id = a.assessment_id
      join drug_test t on t.id = ra.drug_test_id
      join custody_suite cs on cs.code = t.custody_suite_code
      left join app_user iu on iu.id = ra.imposed_by
      left join app_user su on su.id = f.statement_produced_by
     where e.id = ${entryId}::uuid`.execute(db)
  return result.rows[0]
}

/**
 * Arrested and not yet charged, for people a lead officer manages, within `days` of the time bar
 * (MCA 1980 s127): told on their home page before it is too late to charge.
 */
export function arrestedAwaitingChargeForLeadOfficer(
  db: Db,
  userId: string,
  areaIds: readonly string[],
  today: string,
  days: number,
) {
  if (areaIds.length === 0) return Promise.resolve([])
  return (
    db
      .selectFrom('dip_failure as f')
      .innerJoin('person as p', 'p.id', 'f.person_id')
      .select(['f.id as failure_id', ...personLinkColumns, 'f.time_bar_date'])
      // The row says arrested and the law, today, still does: not past the time bar.
      .where(stillOn('f', 'arrested', today))
      .where('f.time_bar_date', '<=', sql<string>`${today}::date + ${days}::int`)
      .where('p.area_id', 'in', [...areaIds])
      .where(ledByReadOnce('f.person_id', userId))
      .orderBy('f.time_bar_date')
      .execute()
  )
}

/** Entries suspended from the CID list: for the supervisors of their areas, or the officer who proposed them. */
export function suspendedEntries(db: Db, areaIds: readonly string[], proposedBy?: string) {
  if (areaIds.length === 0) return Promise.resolve([])
  let query = db
    .selectFrom('cid_entry as e')
    .innerJoin('person as p', 'p.id', 'e.person_id')
    .select(['e.id', ...personLinkColumns])
    .where('e.status', '=', 'suspended')
    .where('p.area_id', 'in', [...areaIds])
  if (proposedBy) query = query.where('e.proposed_by', '=', proposedBy)
  return query.orderBy('p.surname').limit(50).execute()
}

/** Current markers a user set whose review date has passed: they stay current, and their owner is told. */
export function markerReviewsOverdue(db: Db, userId: string, areaIds: readonly string[], today: string) {
  if (areaIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('person_marker as m')
    .innerJoin('person as p', 'p.id', 'm.person_id')
    .innerJoin('marker_type as t', 't.code', 'm.marker_code')
    .select(['m.id', ...personLinkColumns, 't.label', 'm.review_date'])
    .where('m.set_by', '=', userId)
    .where('m.ended_on', 'is', null)
    .where('m.review_date', '<', today)
    .where('p.area_id', 'in', [...areaIds])
    .orderBy('m.review_date')
    .limit(20)
    .execute()
}
