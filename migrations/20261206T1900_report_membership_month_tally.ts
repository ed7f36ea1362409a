import type { Kysely } from 'kysely'
import { keepByMonth, stopKeepingByMonth, type MonthTally } from './20261206T1600_report_month_tallies.ts'

// The report's before/after measure (IOM) sums every change of report_membership_tally up to the
// period's last day. Its rows are a ward's, a programme's and a day's, so the sum read every day
// since the first membership: 82,521 rows at 100,000 people, 26 ms, against 7 ms at 10,000 where
// fewer days have a change. Kept by month as well, like the day and failure tallies (decision
// 0140, after 0139), the sum reads the whole months before the period's last month from the month
// rows and only that month's days from the day rows.

const membership: MonthTally = {
  name: 'membership',
  keys: ['programme'],
  values: ['members', 'before_tests', 'since_tests', 'adopted_days'],
  bigints: ['adopted_days'],
}

export async function up(db: Kysely<any>): Promise<void> {
  await keepByMonth(db, membership)
}

export async function down(db: Kysely<any>): Promise<void> {
  await stopKeepingByMonth(db, membership)
}
