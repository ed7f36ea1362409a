import { sql } from 'kysely'

// Which borough a row is in, for the lists and counts scoped to the user's areas.

/** The row (by its alias) is in one of the areas: a person, or an item that carries its person's borough (decision 0123). */
export const inAreas = (alias: string, areaIds: readonly string[]) =>
  sql<boolean>`${sql.ref(`${alias}.area_id`)} = any(${sql.val([...areaIds])}::uuid[])`

/**
 * The row's person is in one of the areas, looked up by key: for rows that carry no borough of
 * their own (actions, partner links). Joined instead, the planner hashes every person of the areas.
 */
export const personInAreas = (alias: string, areaIds: readonly string[]) =>
  sql<boolean>`(select p.area_id from person p where p.id = ${sql.ref(`${alias}.person_id`)}) = any(${sql.val([...areaIds])}::uuid[])`
