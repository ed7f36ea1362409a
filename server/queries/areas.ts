import { sql, type RawBuilder } from 'kysely'
import type { Database } from '../../db/types.ts'

// Which borough a row is in, for the lists and counts scoped to the user's areas.

/** The row (by its alias) is in one of the areas: a person, or an item that carries its person's borough (decision 0123). */
export const inAreas = (alias: string, areaIds: readonly string[]) =>
  sql<boolean>`${sql.ref(`${alias}.area_id`)} = any(${sql.val([...areaIds])}::uuid[])`

/**
 * The first `upTo` rows of `table` (as `alias`) meeting `where`, in `order`, in each of the areas,
 * as a FROM item: each area's read from its index (area_id, then the order) only up to `upTo`,
 * for the query to merge and cut its page from. A page then costs its own length an area, where
 * `area_id = any(…)` would read and sort every matching row of all the areas.
 */
export const eachAreasFirst = (
  areaIds: readonly string[],
  table: keyof Database,
  alias: string,
  where: RawBuilder<unknown>,
  order: RawBuilder<unknown>,
  upTo: number,
) =>
  sql`unnest(${sql.val([...areaIds])}::uuid[]) as ar(id) cross join lateral (
    select ${sql.id(alias)}.* from ${sql.table(table)} ${sql.id(alias)}
     where ${sql.ref(`${alias}.area_id`)} = ar.id and ${where}
     order by ${order} limit ${upTo}) ${sql.id(alias)}`

/**
 * The row's person is in one of the areas, looked up by key: for rows that carry no borough of
 * their own (actions, partner links). Joined instead, the planner hashes every person of the areas.
 */
export const personInAreas = (alias: string, areaIds: readonly string[]) =>
  sql<boolean>`(select p.area_id from person p where p.id = ${sql.ref(`${alias}.person_id`)}) = any(${sql.val([...areaIds])}::uuid[])`
