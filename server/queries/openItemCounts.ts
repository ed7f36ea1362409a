import { sql } from 'kysely'
import type { OpenItemKind } from '../../db/types.ts'
import { inAreas } from './areas.ts'

/**
 * The kept count of `kind` in the areas (decision 0136): its items whose time bar is `from` today
 * on (still in time), or `before` today (passed). A borough has a row only for a day with items,
 * so this reads at most a row a day, whatever the volume. Each kind counts what a list's own
 * condition selects; `test/db/openItemCounts.test.ts` holds them to it day by day through every write.
 */
export const keptCount = (kind: OpenItemKind, areaIds: readonly string[], days: 'from' | 'before', today: string) =>
  sql<number>`(select coalesce(sum(k.n), 0) from open_item_count k
    where k.kind = ${kind} and ${inAreas('k', areaIds)} and k.bar_day ${sql.raw(days === 'from' ? '>=' : '<')} ${today}::date)::int`
