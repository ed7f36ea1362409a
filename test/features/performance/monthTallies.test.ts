import fc from 'fast-check'
import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { addDays } from '../../../server/domain/time.ts'
import {
  attendanceRates,
  beforeAndAfterAdoption,
  cohortSizeByMonth,
  failuresBySectionAndStatus,
  hotSpots,
  testsByMonth,
  type ReportScope,
} from '../../../server/features/performance/performanceRepository.ts'
import { fileDatabase } from '../../helpers/testDatabase.ts'

// The report reads a period's whole months from the month tallies and the days either side from
// the day tallies (decisions 0139 and 0140), and a report without a ward reads rows summed per
// borough, the hot spots rows summed per ward (decision 0142). For any period, in all boroughs or
// in one ward, that must give what the ward's day tallies alone give for the same days.

const t = fileDatabase()
let areaIds: string[] = []
let wardIds: string[] = []
let days: string[] = []

beforeAll(async () => {
  areaIds = (await t.db.selectFrom('area').select('id').where('parent_id', 'is not', null).execute()).map((a) => a.id)
  const wards = await sql<{ ward_id: string }>`
    select ward_id from report_failure_tally where ward_id is not null group by ward_id order by sum(n) desc limit 3`.execute(
    t.db,
  )
  wardIds = wards.rows.map((w) => w.ward_id)
  // Days with failures, recorded appointments or a membership's change: a period that begins or
  // ends on one of them, or the day either side, shows a part that reads a day too many or too few.
  const tallied = await sql<{ day: string }>`
    select to_char(day, 'YYYY-MM-DD') as day from report_failure_tally where n > 0
    union
    select to_char(day, 'YYYY-MM-DD') from report_day_tally where initial_recorded + follow_up_recorded > 0
    union
    select to_char(day, 'YYYY-MM-DD') from report_membership_tally where members <> 0 or since_tests <> 0`.execute(t.db)
  days = tallied.rows.map((r) => r.day)
})

/** The day tally's rows in scope for `from`..`to` (alias d). */
const dayRows = (
  table: 'report_day_tally' | 'report_failure_tally' | 'report_membership_tally',
  scope: ReportScope,
  from: string,
  to: string,
) =>
  sql`(select * from ${sql.table(table)} d
        where d.area_id = any(${scope.areaIds}::uuid[]) and d.day between ${from}::date and ${to}::date
          and (${scope.wardId ?? null}::uuid is null or d.ward_id = ${scope.wardId ?? null}::uuid))`

/** The report's failures, attendance, tests by month and before/after measure, read from the day tallies alone. */
async function fromDaysAlone(scope: ReportScope) {
  const failures = await sql`
    select section, status, sum(n)::int as failures from ${dayRows('report_failure_tally', scope, scope.from, scope.to)} d
     group by section, status having sum(n) > 0 order by section, status`.execute(t.db)
  const attendance = await sql`
    select 'follow_up' as kind, coalesce(sum(follow_up_recorded), 0)::int as recorded, coalesce(sum(follow_up_attended), 0)::int as attended
      from ${dayRows('report_day_tally', scope, scope.from, scope.to)} d
    union all
    select 'initial', coalesce(sum(initial_recorded), 0)::int, coalesce(sum(initial_attended), 0)::int
      from ${dayRows('report_day_tally', scope, scope.from, scope.to)} d`.execute(t.db)
  // The by-month tables count each month of the period whole.
  const firstMonth = `${scope.from.slice(0, 8)}01`
  const afterLast = addDays(`${scope.to.slice(0, 8)}01`, 40).slice(0, 8) + '01'
  const tests = await sql`
    select to_char(m, 'YYYY-MM') as month, coalesce(sum(d.tests), 0)::int as tests,
           coalesce(sum(d.opiates_tested), 0)::int as opiates_tested, coalesce(sum(d.opiates_positive), 0)::int as opiates_positive,
           coalesce(sum(d.cocaine_tested), 0)::int as cocaine_tested, coalesce(sum(d.cocaine_positive), 0)::int as cocaine_positive
      from generate_series(${firstMonth}::date, ${addDays(afterLast, -1)}::date, interval '1 month') m
      left join ${dayRows('report_day_tally', scope, firstMonth, addDays(afterLast, -1))} d on date_trunc('month', d.day) = m
     group by m order by m`.execute(t.db)
  // The before/after measure sums every change up to the period's last day.
  const adoption = await sql`
    select programme, sum(members)::int as members, sum(before_tests)::int as before, sum(since_tests)::int as since,
           (sum(members) * (${scope.to}::date - date '2000-01-01' + 1) - sum(adopted_days))::int as days_since
      from ${dayRows('report_membership_tally', scope, '0001-01-01', scope.to)} d
     group by programme having sum(members) > 0 order by programme`.execute(t.db)
  // Members at each month's end: every change of the cohort tally up to it.
  const cohortSize = await sql`
    select to_char(m, 'YYYY-MM') as month, c.programme, c.tier, sum(c.n)::int as members
      from generate_series(${firstMonth}::date, ${addDays(afterLast, -1)}::date, interval '1 month') m
      join report_cohort_tally c on c.month_end <= (m + interval '1 month')::date
     where c.area_id = any(${scope.areaIds}::uuid[])
       and (${scope.wardId ?? null}::uuid is null or c.ward_id = ${scope.wardId ?? null}::uuid)
     group by m, c.programme, c.tier having sum(c.n) > 0 order by m, c.programme, c.tier`.execute(t.db)
  const hotSpots = await sql`
    with tests as (
      select ward_id, sum(possession_tests)::int as n from ${dayRows('report_day_tally', scope, scope.from, scope.to)} d group by ward_id
    ), failures as (
      select ward_id, sum(n)::int as n from ${dayRows('report_failure_tally', scope, scope.from, scope.to)} d group by ward_id
    )
    select w.name as ward, case when w.valid_to is null then 'From May 2022' else 'Before May 2022' end as ward_set,
           coalesce(t.n, 0) as possession_tests, coalesce(f.n, 0) as failures
      from ward w left join tests t on t.ward_id = w.id left join failures f on f.ward_id = w.id
     where w.borough_id = any(${scope.areaIds}::uuid[]) and coalesce(t.n, 0) + coalesce(f.n, 0) > 0
     order by coalesce(t.n, 0) + coalesce(f.n, 0) desc, w.name limit 40`.execute(t.db)
  return {
    failures: failures.rows,
    attendance: attendance.rows,
    tests: tests.rows,
    adoption: adoption.rows,
    cohortSize: cohortSize.rows,
    hotSpots: hotSpots.rows,
  }
}

describe('a period read by whole months and the days either side', () => {
  it('gives the failures, attendance, tests by month, before/after measure, cohort sizes and hot spots that the ward rows alone give', async () => {
    expect(days.length).toBeGreaterThan(1)
    const near = fc.tuple(fc.constantFrom(...days), fc.integer({ min: -1, max: 1 })).map(([d, by]) => addDays(d, by))
    await fc.assert(
      fc.asyncProperty(near, near, fc.integer({ min: -1, max: 2 }), async (a, b, ward) => {
        const [from, to] = a <= b ? [a, b] : [b, a]
        const scope = { areaIds, from, to, wardId: ward >= 0 ? wardIds[ward] : undefined }
        expect({
          failures: await failuresBySectionAndStatus(t.db, scope),
          attendance: await attendanceRates(t.db, scope),
          tests: await testsByMonth(t.db, scope),
          adoption: await beforeAndAfterAdoption(t.db, scope),
          cohortSize: await cohortSizeByMonth(t.db, scope),
          hotSpots: await hotSpots(t.db, scope),
        }).toEqual(await fromDaysAlone(scope))
      }),
      { numRuns: 60 },
    )
  })
})
