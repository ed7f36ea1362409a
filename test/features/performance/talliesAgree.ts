import { sql, type Kysely } from 'kysely'
import { expect } from 'vitest'
import type { Database } from '../../../db/types.ts'

// The report tallies (the report_tallies and report_failure_link_tallies migrations) as kept, against what the case tables give
// when every person's share is worked out from nothing.

type Db = Kysely<Database>

/** Each tally's key and value columns (the report_tallies migration's). */
const tallies = {
  day: {
    keys: ['day'],
    values: [
      'tests',
      'opiates_tested',
      'opiates_positive',
      'cocaine_tested',
      'cocaine_positive',
      'possession_tests',
      'initial_recorded',
      'initial_attended',
      'follow_up_recorded',
      'follow_up_attended',
      'referrals_received',
      'referrals_accepted',
      'referrals_declined',
      'appointments',
      'appointments_to_record',
    ],
  },
  cohort: { keys: ['month_end', 'programme', 'tier'], values: ['n'] },
  membership: { keys: ['day', 'programme'], values: ['members', 'before_tests', 'since_tests', 'adopted_days'] },
  failure: { keys: ['day', 'section', 'status'], values: ['n'] },
  link: { keys: ['agency', 'rating'], values: ['n'] },
}

/** A tally as kept, and as the case tables give it now, both without all-zero rows, in one order. */
export async function keptAndFresh(db: Db, name: keyof typeof tallies) {
  const { keys, values } = tallies[name]
  const key = ['area_id', 'ward_id', ...keys].join(', ')
  const nonZero = values.map((v) => `${v} <> 0`).join(' or ')
  const result = await sql
    .raw<{ kept: unknown; fresh: unknown }>(
      `
    with fresh as (
      select ${key}, ${values.map((v) => `sum(${v})::bigint as ${v}`).join(', ')}
        from report_${name}_shares_of(array(select id from person)) group by ${key}
    )
    select (select coalesce(json_agg(k order by ${key}), '[]') from (select ${key}, ${values.map((v) => `${v}::bigint`).join(', ')} from report_${name}_tally where ${nonZero}) k) as kept,
           (select coalesce(json_agg(f order by ${key}), '[]') from (select * from fresh where ${nonZero}) f) as fresh`,
    )
    .execute(db)
  return result.rows[0]
}

export async function allKeptAndFresh(db: Db) {
  const all: Record<string, unknown> = {}
  for (const name of Object.keys(tallies) as (keyof typeof tallies)[]) all[name] = await keptAndFresh(db, name)
  return all
}

type Summed = { from: keyof typeof tallies; keys: readonly string[]; values: readonly string[] }

/**
 * The tallies kept summed as well, each from the tally it sums: by month (decisions 0139 and
 * 0140), per borough without the ward, and the failures per ward without section and status
 * (decision 0142). The keys kept beside the borough (`month` being the day's month), and the counters.
 */
const summed: Record<string, Summed> = {
  report_day_month_tally: {
    from: 'day',
    keys: ['ward_id', 'month'],
    values: tallies.day.values.filter((v) => !v.startsWith('appointments')),
  },
  report_failure_month_tally: { from: 'failure', keys: ['ward_id', 'month', 'section', 'status'], values: ['n'] },
  report_membership_month_tally: {
    from: 'membership',
    keys: ['ward_id', 'month', 'programme'],
    values: tallies.membership.values,
  },
  report_cohort_borough_tally: { from: 'cohort', keys: ['month_end', 'programme', 'tier'], values: ['n'] },
  report_failure_borough_tally: { from: 'failure', keys: ['day', 'section', 'status'], values: ['n'] },
  report_failure_borough_month_tally: { from: 'failure', keys: ['month', 'section', 'status'], values: ['n'] },
  report_failure_ward_tally: { from: 'failure', keys: ['day', 'ward_id'], values: ['n'] },
  report_failure_ward_month_tally: { from: 'failure', keys: ['month', 'ward_id'], values: ['n'] },
  report_membership_borough_tally: {
    from: 'membership',
    keys: ['day', 'programme'],
    values: tallies.membership.values,
  },
  report_membership_borough_month_tally: {
    from: 'membership',
    keys: ['month', 'programme'],
    values: tallies.membership.values,
  },
}

/** A summed tally's rows that are not its tally's rows summed over the keys it leaves out, and those missing, all-zero rows aside. */
async function sumsApart(db: Db, table: string) {
  const { from, keys, values } = summed[table]!
  const key = ['area_id', ...keys].join(', ')
  const nonZero = values.map((v) => `${v} <> 0`).join(' or ')
  const month = keys.includes('month') ? `, date_trunc('month', day)::date as month` : ''
  const sums = `select ${key}, ${values.map((v) => `sum(${v})::bigint as ${v}`).join(', ')}
                  from (select *${month} from report_${from}_tally) d
                 group by ${key} having ${values.map((v) => `sum(${v}) <> 0`).join(' or ')}`
  const kept = `select ${key}, ${values.map((v) => `${v}::bigint`).join(', ')} from ${table} where ${nonZero}`
  return (await sql.raw(`(${kept} except all ${sums}) union all (${sums} except all ${kept})`).execute(db)).rows
}

/**
 * Fails, naming the tally, unless every tally equals what the case tables give now, each month
 * tally (decision 0139) is its day tally summed by month, and each summed tally (decision 0142)
 * is its tally summed over the keys it leaves out.
 */
export async function expectTalliesToAgree(db: Db): Promise<void> {
  for (const name of Object.keys(tallies) as (keyof typeof tallies)[]) {
    const { kept, fresh } = (await keptAndFresh(db, name)) ?? {}
    expect(kept, `report_${name}_tally`).toEqual(fresh)
  }
  for (const table of Object.keys(summed)) expect(await sumsApart(db, table), table).toEqual([])
}
