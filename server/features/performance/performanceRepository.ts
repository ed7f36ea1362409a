import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'

type Db = Kysely<Database>

export type ReportScope = { areaIds: readonly string[]; areaId?: string | undefined; wardId?: string | undefined; from: string; to: string }

/** The people in scope: the user's areas, narrowed by the report's borough and ward filters. */
function peopleIn(scope: ReportScope) {
  return sql`p.area_id = any(${sql.val([...scope.areaIds])}::uuid[])
    ${scope.areaId ? sql`and p.area_id = ${scope.areaId}::uuid` : sql``}
    ${scope.wardId ? sql`and p.ward_id = ${scope.wardId}::uuid` : sql``}`
}

/** Calendar months from..to as 'YYYY-MM', so an empty month is a row of zeros, not a gap. */
function months(scope: ReportScope) {
  return sql`(select to_char(m, 'YYYY-MM') as month, m::date as month_start, (m + interval '1 month')::date as month_end
                from generate_series(date_trunc('month', ${scope.from}::date), date_trunc('month', ${scope.to}::date), interval '1 month') as m)`
}

/**
 * Open memberships at the end of each month, by programme and by the tier each had then: the
 * tier comes from the membership's dated history (adoption and tier changes), not from today's.
 */
export async function cohortSizeByMonth(db: Db, scope: ReportScope) {
  const result = await sql<{ month: string; programme: string; tier: string | null; members: number }>`
    with tier_span as (
      select e.membership_id, e.tier, e.event_date as from_day,
             lead(e.event_date) over (partition by e.membership_id order by e.event_date, e.recorded_at, e.id) as until_day
        from membership_event e
       where e.tier is not null
    )
    select mo.month, m.programme, coalesce(s.tier, m.tier) as tier, count(*)::int as members
      from ${months(scope)} mo
      join cohort_membership m on m.adopted_on < mo.month_end and (m.ended_on is null or m.ended_on >= mo.month_end)
      join person p on p.id = m.person_id and ${peopleIn(scope)}
      left join tier_span s on s.membership_id = m.id and s.from_day < mo.month_end and (s.until_day is null or s.until_day >= mo.month_end)
     group by mo.month, m.programme, 3
     order by mo.month, m.programme, 3`.execute(db)
  return result.rows
}

/** Midnight in London at the start of a calendar day, as an instant (so timestamp indexes serve). */
function londonStart(day: ReturnType<typeof sql>) {
  return sql`((${day})::timestamp at time zone 'Europe/London')`
}

/**
 * The IOM before/after measure: for everyone on a programme at the end of the period, arrests
 * that led to a custody drug test in the 12 months before adoption, against those from adoption
 * to the period's end, with the person-years since so the two can be compared as yearly rates.
 */
export async function beforeAndAfterAdoption(db: Db, scope: ReportScope) {
  const adopted = sql`m.adopted_on`
  const result = await sql<{ programme: string; members: number; before: number; since: number; days_since: number }>`
    select m.programme,
           count(*)::int as members,
           coalesce(sum(before.n), 0)::int as before,
           coalesce(sum(since.n), 0)::int as since,
           coalesce(sum(${scope.to}::date - m.adopted_on + 1), 0)::int as days_since
      from cohort_membership m
      join person p on p.id = m.person_id and ${peopleIn(scope)}
      cross join lateral (
        select count(*) as n from drug_test t
         where t.person_id = m.person_id
           and t.sample_taken_at >= ${londonStart(sql`(${adopted} - interval '12 months')::date`)}
           and t.sample_taken_at < ${londonStart(adopted)}) before
      cross join lateral (
        select count(*) as n from drug_test t
         where t.person_id = m.person_id
           and t.sample_taken_at >= ${londonStart(adopted)}
           and t.sample_taken_at < ${londonStart(sql`${scope.to}::date + 1`)}) since
     where m.adopted_on <= ${scope.to}::date and (m.ended_on is null or m.ended_on >= ${scope.to}::date)
     group by m.programme
     order by m.programme`.execute(db)
  return result.rows
}

/**
 * The instants bounding the report's whole months (the months() rows): from the start of the
 * from date's month to the end of the to date's, as London midnights, so that a range scan of a
 * timestamp index finds the rows, each then labelled with its London month.
 */
function wholeMonths(scope: ReportScope) {
  return {
    start: londonStart(sql`date_trunc('month', ${scope.from}::date)::date`),
    end: londonStart(sql`(date_trunc('month', ${scope.to}::date) + interval '1 month')::date`),
  }
}

const londonMonth = (instant: ReturnType<typeof sql>) => sql`to_char(${instant} at time zone 'Europe/London', 'YYYY-MM')`

export async function referralsByMonth(db: Db, scope: ReportScope) {
  const { start, end } = wholeMonths(scope)
  const result = await sql<{ month: string; received: number; accepted: number; declined: number }>`
    with r as (
      select ${londonMonth(sql`r.referred_at`)} as month, r.status
        from referral r join person p on p.id = r.person_id and ${peopleIn(scope)}
       where r.referred_at >= ${start} and r.referred_at < ${end}
    )
    select mo.month,
           count(r.month)::int as received,
           count(*) filter (where r.status = 'accepted')::int as accepted,
           count(*) filter (where r.status = 'declined')::int as declined
      from ${months(scope)} mo left join r on r.month = mo.month
     group by mo.month order by mo.month`.execute(db)
  return result.rows
}

export async function testsByMonth(db: Db, scope: ReportScope) {
  const { start, end } = wholeMonths(scope)
  const result = await sql<{ month: string; tests: number; opiates_tested: number; opiates_positive: number; cocaine_tested: number; cocaine_positive: number }>`
    with t as (
      select ${londonMonth(sql`t.sample_taken_at`)} as month, t.opiates, t.cocaine
        from drug_test t join person p on p.id = t.person_id and ${peopleIn(scope)}
       where t.sample_taken_at >= ${start} and t.sample_taken_at < ${end}
    )
    select mo.month,
           count(t.month)::int as tests,
           count(*) filter (where t.opiates <> 'not_tested')::int as opiates_tested,
           count(*) filter (where t.opiates = 'positive')::int as opiates_positive,
           count(*) filter (where t.cocaine <> 'not_tested')::int as cocaine_tested,
           count(*) filter (where t.cocaine = 'positive')::int as cocaine_positive
      from ${months(scope)} mo left join t on t.month = mo.month
     group by mo.month order by mo.month`.execute(db)
  return result.rows
}

/** London midnight at the start of the from date, and of the day after the to date. */
function periodInstants(scope: ReportScope) {
  return { start: londonStart(sql`${scope.from}::date`), end: londonStart(sql`${scope.to}::date + 1`) }
}

export async function attendanceRates(db: Db, scope: ReportScope) {
  const { start, end } = periodInstants(scope)
  const result = await sql<{ kind: 'initial' | 'follow_up'; recorded: number; attended: number }>`
    with a as (
      select a.kind, at.outcome
        from appointment a join person p on p.id = a.person_id and ${peopleIn(scope)}
        join attendance at on at.appointment_id = a.id
       where a.scheduled_at >= ${start} and a.scheduled_at < ${end}
    )
    select k.kind, count(a.kind)::int as recorded, count(*) filter (where a.outcome = 'attended')::int as attended
      from (values ('initial'), ('follow_up')) as k(kind) left join a on a.kind = k.kind
     group by k.kind order by k.kind`.execute(db)
  return result.rows
}

export async function failuresBySectionAndStatus(db: Db, scope: ReportScope) {
  const result = await sql<{ section: 's12' | 's14'; status: string; failures: number }>`
    select f.section, f.status, count(*)::int as failures
      from dip_failure f join person p on p.id = f.person_id and ${peopleIn(scope)}
     where f.failure_date between ${scope.from}::date and ${scope.to}::date
     group by f.section, f.status order by f.section, f.status`.execute(db)
  return result.rows
}

/** Hot spots: drug possession tests and DIP failures by ward, old and new Havering wards kept apart. */
export async function hotSpots(db: Db, scope: ReportScope) {
  const { start, end } = periodInstants(scope)
  const result = await sql<{ ward: string; ward_set: string; possession_tests: number; failures: number }>`
    with tests as (
      select p.ward_id, count(*)::int as n
        from drug_test t join person p on p.id = t.person_id and ${peopleIn(scope)}
       where t.sample_taken_at >= ${start} and t.sample_taken_at < ${end}
         and t.trigger_offence_code in ('POSSESSION_A', 'PWITS_A', 'SUPPLY_A')
       group by p.ward_id
    ), failures as (
      select p.ward_id, count(*)::int as n
        from dip_failure f join person p on p.id = f.person_id and ${peopleIn(scope)}
       where f.failure_date between ${scope.from}::date and ${scope.to}::date
       group by p.ward_id
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

export async function linksByAgency(db: Db, scope: ReportScope) {
  const result = await sql<{ agency: string; rating: string; links: number }>`
    select l.agency, coalesce(upper(l.brag_rating), case when l.dash_score >= 14 then 'High risk' when l.dash_score is not null then 'Standard' else 'None' end) as rating,
           count(*)::int as links
      from partner_link l join person p on p.id = l.person_id and ${peopleIn(scope)}
     where l.status = 'open'
     group by 1, 2 order by 1, 2`.execute(db)
  return result.rows
}

/** Figures worked out for this key within the last `minutes`, with when. */
export async function cachedFigures(db: Db, key: string, minutes: number): Promise<{ figures: unknown; computedAt: Date } | undefined> {
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
    .onConflict((oc) => oc.column('key').doUpdateSet({ figures: (eb) => eb.ref('excluded.figures'), computed_at: sql`now()` }))
    .returning('computed_at')
    .executeTakeFirstOrThrow()
  await db.deleteFrom('report_cache').where('computed_at', '<', sql<Date>`now() - interval '1 day'`).execute()
  return row.computed_at
}
