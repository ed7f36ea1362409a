import { sql, type RawBuilder } from 'kysely'
import type { VolumeContext } from './context.ts'

/**
 * The facts about person n that several tables share, as SQL over the column `n`. Each table's
 * step recomputes them from n instead of reading other tables, so steps run in any chunking.
 */
export function personShape(ctx: VolumeContext, n: RawBuilder<unknown> = sql`n`) {
  const { rng } = ctx
  const today = sql`${ctx.today}::date`
  // One in fifty is an old record nobody has touched for years: the retention queue's work.
  const dormant = sql<boolean>`((${n}) % 50 = 7)`
  const firstSeenDaysAgo = sql<number>`(case when ${dormant} then 1200 + ${rng.below(1, n, 1500)} else 20 + ${rng.below(2, n, 700)} end)`
  const testCount = sql<number>`(case when ${dormant} or ${rng.below(10, n, 100)} < 45 then 0 else 1 + ${rng.below(11, n, 8)} end)`
  const iomReferred = sql<boolean>`(not ${dormant} and ${rng.below(20, n, 100)} < 35)`
  const dipReferred = sql<boolean>`(${testCount} > 0 and ${rng.below(21, n, 100)} < 60)`
  return {
    today,
    dormant,
    firstSeenDaysAgo,
    firstSeen: sql<string>`(${today} - ${firstSeenDaysAgo})`,
    testCount,
    iomReferred,
    dipReferred,
  }
}

/** A London wall-clock time on a day, as timestamptz. */
export function londonTime(day: RawBuilder<unknown>, minutes: RawBuilder<unknown>) {
  return sql<Date>`(((${day})::date + make_interval(mins => (${minutes})::int)) at time zone 'Europe/London')`
}

export const uuidArray = (ids: string[]) => sql`${ids}::uuid[]`
export const textArray = (values: string[]) => sql`${values}::text[]`
