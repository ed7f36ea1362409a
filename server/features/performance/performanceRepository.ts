import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { addDays, addMonths } from '../../domain/time.ts'

type Db = Kysely<Database>

export type ReportScope = {
  areaIds: readonly string[]
  areaId?: string | undefined
  wardId?: string | undefined
  from: string
  to: string
}

/**
 * The tally rows in scope: the user's areas, narrowed by the report's borough and ward filters.
 * A tally row carries its person's borough and ward.
 */
function tallyIn(scope: ReportScope) {
  return sql`t.area_id = any(${sql.val([...scope.areaIds])}::uuid[])
    ${scope.areaId ? sql`and t.area_id = ${scope.areaId}::uuid` : sql``}
    ${scope.wardId ? sql`and t.ward_id = ${scope.wardId}::uuid` : sql``}`
}

type Tally = 'day' | 'cohort' | 'failure' | 'membership'
/** Tallies kept summed per borough as well, and per ward over their own keys (decision 0142). */
const keptPerBorough: readonly Tally[] = ['cohort', 'failure', 'membership']
const keptPerWard: readonly Tally[] = ['failure']

/**
 * The table of `tally`'s rows, or of its month rows, that a figure reads. A figure by ward that
 * reads only the counters takes the rows summed per ward where kept. A ward's report takes the
 * ward rows. Any other report takes the rows summed per borough where kept: the same sums in
 * fewer rows (not the day tally, whose ward rows are full at any caseload).
 */
function tallyTable(scope: ReportScope, tally: Tally, rows: { byWard: boolean; month: boolean }) {
  const grain = rows.month ? '_month' : ''
  if (rows.byWard) return sql.table(`report_${tally}${keptPerWard.includes(tally) ? '_ward' : ''}${grain}_tally`)
  const perBorough = !scope.wardId && keptPerBorough.includes(tally)
  return sql.table(`report_${tally}${perBorough ? '_borough' : ''}${grain}_tally`)
}

/** Calendar months from..to as 'YYYY-MM', so an empty month is a row of zeros, not a gap. */
function months(scope: ReportScope) {
  return sql`(select to_char(m, 'YYYY-MM') as month, m::date as month_start, (m + interval '1 month')::date as month_end
                from generate_series(date_trunc('month', ${scope.from}::date), date_trunc('month', ${scope.to}::date), interval '1 month') as m)`
}

/**
 * Open memberships at the end of each month, by programme and by the tier each had then (from
 * its dated history, not today's): the sum of every change in report_cohort_tally up to that
 * month's end (see the report_tallies migration for how a membership becomes those changes).
 */
export async function cohortSizeByMonth(db: Db, scope: ReportScope) {
  const result = await sql<{ month: string; programme: string; tier: string | null; members: number }>`
    with mo as ${months(scope)},
    changes as (
      select t.month_end, t.programme, t.tier, sum(t.n) as n
        from ${tallyTable(scope, 'cohort', { byWard: false, month: false })} t
       where ${tallyIn(scope)} and t.month_end <= (select max(month_end) from mo)
       group by t.month_end, t.programme, t.tier
    )
    select mo.month, c.programme, c.tier, sum(c.n)::int as members
      from mo join changes c on c.month_end <= mo.month_end
     group by mo.month, c.programme, c.tier
    having sum(c.n) > 0
     order by mo.month, c.programme, c.tier`.execute(db)
  return result.rows
}

/** Before any membership began: a period from here to D holds every change up to D. */
const sinceTheStart = '0001-01-01'

/**
 * The IOM before/after measure: for everyone on a programme at the end of the period, arrests
 * that led to a custody drug test in the 12 months before adoption, against those from adoption
 * to the period's end, with the person-days since so the two can be compared as yearly rates.
 * Each is the sum of report_membership_tally's changes up to the period's last day, read as
 * whole months and that month's days (decision 0140); the days since are members × (that day
 * + 1) less the sum of their adoption days.
 */
export async function beforeAndAfterAdoption(db: Db, scope: ReportScope) {
  const changes = tallyForPeriod({ ...scope, from: sinceTheStart }, 'membership', [
    'programme',
    'members',
    'before_tests',
    'since_tests',
    'adopted_days',
  ])
  const result = await sql<{ programme: string; members: number; before: number; since: number; days_since: number }>`
    select t.programme,
           sum(t.members)::int as members,
           sum(t.before_tests)::int as before,
           sum(t.since_tests)::int as since,
           (sum(t.members) * (${scope.to}::date - date '2000-01-01' + 1) - sum(t.adopted_days))::int as days_since
      from ${changes} t
     group by t.programme
    having sum(t.members) > 0
     order by t.programme`.execute(db)
  return result.rows
}

/**
 * The day tally summed for each whole month of the report, from its month rows (decision 0139),
 * a month with no rows giving zeros: the one query behind every by-month table, which differ
 * only in the sums they take.
 */
async function sumsByMonth<Sums>(db: Db, scope: ReportScope, sums: RawBuilder<unknown>) {
  const result = await sql<{ month: string } & Sums>`
    select mo.month, ${sums}
      from ${months(scope)} mo left join report_day_month_tally t on t.month = mo.month_start and ${tallyIn(scope)}
     group by mo.month order by mo.month`.execute(db)
  return result.rows
}

export function referralsByMonth(db: Db, scope: ReportScope) {
  return sumsByMonth<{ received: number; accepted: number; declined: number }>(
    db,
    scope,
    sql`coalesce(sum(t.referrals_received), 0)::int as received,
        coalesce(sum(t.referrals_accepted), 0)::int as accepted,
        coalesce(sum(t.referrals_declined), 0)::int as declined`,
  )
}

export function testsByMonth(db: Db, scope: ReportScope) {
  return sumsByMonth<{
    tests: number
    opiates_tested: number
    opiates_positive: number
    cocaine_tested: number
    cocaine_positive: number
  }>(
    db,
    scope,
    sql`coalesce(sum(t.tests), 0)::int as tests,
        coalesce(sum(t.opiates_tested), 0)::int as opiates_tested,
        coalesce(sum(t.opiates_positive), 0)::int as opiates_positive,
        coalesce(sum(t.cocaine_tested), 0)::int as cocaine_tested,
        coalesce(sum(t.cocaine_positive), 0)::int as cocaine_positive`,
  )
}

export async function attendanceRates(db: Db, scope: ReportScope) {
  const result = await sql<{ kind: 'initial' | 'follow_up'; recorded: number; attended: number }>`
    with t as (
      select coalesce(sum(t.initial_recorded), 0)::int as initial_recorded, coalesce(sum(t.initial_attended), 0)::int as initial_attended,
             coalesce(sum(t.follow_up_recorded), 0)::int as follow_up_recorded, coalesce(sum(t.follow_up_attended), 0)::int as follow_up_attended
        from ${tallyForPeriod(scope, 'day', ['initial_recorded', 'initial_attended', 'follow_up_recorded', 'follow_up_attended'])} t
    )
    select 'follow_up' as kind, follow_up_recorded as recorded, follow_up_attended as attended from t
    union all
    select 'initial', initial_recorded, initial_attended from t`.execute(db)
  return result.rows
}

/**
 * The days from..to (both included) as the whole calendar months they hold, [monthFrom,
 * monthTo), and the days before and after them: [from, headTo) and [tailFrom, to]. A period
 * with no whole month is all head. Each day of the period is in exactly one part.
 */
export function periodInMonths(from: string, to: string) {
  const firstOf = (day: string) => `${day.slice(0, 8)}01`
  const monthFrom = from.endsWith('-01') ? from : addMonths(firstOf(from), 1)
  const monthTo = firstOf(addDays(to, 1))
  if (monthFrom >= monthTo) return { headTo: addDays(to, 1), monthFrom: monthTo, monthTo, tailFrom: addDays(to, 1) }
  return { headTo: monthFrom, monthFrom, monthTo, tailFrom: monthTo }
}

/**
 * The rows of a day-keyed tally for the period's days, as `columns` (counters only, with
 * `ward_id`, when `byWard`): its whole months from the tally's month rows, the days at either end
 * from its day rows (decision 0139). A year reads about twelve rows a key and a month's days,
 * however full the days are; from rows summed per borough or ward where kept (decision 0142).
 */
function tallyForPeriod(
  scope: ReportScope,
  tally: Exclude<Tally, 'cohort'>,
  columns: readonly string[],
  byWard = false,
) {
  const { headTo, monthFrom, monthTo, tailFrom } = periodInMonths(scope.from, scope.to)
  const shown = sql.raw([...(byWard ? ['ward_id'] : []), ...columns].map((c) => `t.${c}`).join(', '))
  const days = (first: string, last: RawBuilder<boolean>) =>
    sql`select ${shown} from ${tallyTable(scope, tally, { byWard, month: false })} t
         where ${tallyIn(scope)} and t.day >= ${first}::date and ${last}`
  return sql`(${days(scope.from, sql`t.day < ${headTo}::date`)}
              union all
              select ${shown} from ${tallyTable(scope, tally, { byWard, month: true })} t
               where ${tallyIn(scope)} and t.month >= ${monthFrom}::date and t.month < ${monthTo}::date
              union all
              ${days(tailFrom, sql`t.day <= ${scope.to}::date`)})`
}

/** DIP failures in the period by section and status now. */
export async function failuresBySectionAndStatus(db: Db, scope: ReportScope) {
  const result = await sql<{ section: 's12' | 's14'; status: string; failures: number }>`
    select t.section, t.status, sum(t.n)::int as failures
      from ${tallyForPeriod(scope, 'failure', ['section', 'status', 'n'])} t
     group by t.section, t.status
    having sum(t.n) > 0
     order by t.section, t.status`.execute(db)
  return result.rows
}

/** Hot spots: drug possession tests and DIP failures by ward, old and new Havering wards kept apart. */
export async function hotSpots(db: Db, scope: ReportScope) {
  const result = await sql<{ ward: string; ward_set: string; possession_tests: number; failures: number }>`
    with tests as (
      select t.ward_id, sum(t.possession_tests)::int as n from ${tallyForPeriod(scope, 'day', ['possession_tests'], true)} t group by t.ward_id
    ), failures as (
      select t.ward_id, sum(t.n)::int as n from ${tallyForPeriod(scope, 'failure', ['n'], true)} t group by t.ward_id
    )
    select w.name as ward,
           case when w.valid_to is null then 'From May 2022' else 'Before May 2022' end as ward_set,
           coalesce(t.n, 0) as possession_tests,
           coalesce(f.n, 0) as failures
      from ward w
      left join tests t on t.ward_id = w.id
      left join failures f on f.ward_id = w.id
     where w.borough_id = any(${sql.val([...scope.areaIds])}::uuid[])
       and coalesce(t.n, 0) + coalesce(f.n, 0) > 0
     order by coalesce(t.n, 0) + coalesce(f.n, 0) desc, w.name
     limit 40`.execute(db)
  return result.rows
}

/** Open partner links by agency and rating, from report_link_tally. */
export async function linksByAgency(db: Db, scope: ReportScope) {
  const result = await sql<{ agency: string; rating: string; links: number }>`
    select t.agency, t.rating, sum(t.n)::int as links
      from report_link_tally t
     where ${tallyIn(scope)}
     group by t.agency, t.rating
    having sum(t.n) > 0
     order by t.agency, t.rating`.execute(db)
  return result.rows
}

/** Figures worked out for this key within the last `minutes`, with when. */
export async function cachedFigures(
  db: Db,
  key: string,
  minutes: number,
): Promise<{ figures: unknown; computedAt: Date } | undefined> {
  const row = await db
    .selectFrom('report_cache')
    .select(['figures', 'computed_at'])
    .where('key', '=', key)
    .where('computed_at', '>', sql<Date>`now() - make_interval(mins => ${minutes})`)
    .executeTakeFirst()
  return row ? { figures: row.figures, computedAt: row.computed_at } : undefined
}

/** Keeps the figures for the key (the newest wins when two instances work them out at once) and forgets those a day old. */
export async function cacheFigures(db: Db, key: string, figures: unknown): Promise<Date> {
  const row = await db
    .insertInto('report_cache')
    .values({ key, figures: JSON.stringify(figures) })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ figures: (eb) => eb.ref('excluded.figures'), computed_at: sql`now()` }),
    )
    .returning('computed_at')
    .executeTakeFirstOrThrow()
  await db
    .deleteFrom('report_cache')
    .where('computed_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute()
  return row.computed_at
}
