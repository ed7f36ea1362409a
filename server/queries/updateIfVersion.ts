import {
  sql,
  type ExpressionBuilder,
  type Expression,
  type Kysely,
  type Selectable,
  type SqlBool,
  type UpdateObject,
} from 'kysely'
import type { Database } from '../../db/types.ts'

/** The tables whose rows carry a version, so that an edit names the version it was made from. */
export type VersionedTable = {
  [T in keyof Database]: Database[T] extends { id: unknown; version: unknown } ? T : never
}[keyof Database]

/** A further condition the row must still meet (a status it must still be in, say). */
export type StillTrue = (eb: ExpressionBuilder<Database, VersionedTable>) => Expression<SqlBool>

/**
 * Updates one row only if it is still at the version the user read, and moves its version on:
 * false when someone changed it meanwhile (or it no longer meets `still`), which the service
 * answers as stale. The one statement of the optimistic lock every edit form relies on.
 */
export async function updateIfVersion<T extends VersionedTable>(
  db: Kysely<Database>,
  table: T,
  row: { id: string; version: number },
  changes: UpdateObject<Database, T>,
  still?: StillTrue,
): Promise<boolean> {
  // Checked against every versioned table at once: each has the id and version it names.
  const anyVersioned: VersionedTable = table
  const query = db
    .updateTable(anyVersioned)
    .set({ ...changes, version: sql`version + 1` })
    .where('id', '=', row.id)
    .where('version', '=', row.version)
  const guarded = still ? query.where(still) : query
  const result = await guarded.executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** The statuses of the versioned tables that have one. */
type Status = {
  [T in VersionedTable]: Selectable<Database[T]> extends { status: infer S } ? S : never
}[VersionedTable]

/** The row must still be in one of these statuses: a decision cannot be taken twice. */
export const statusStillIn =
  (statuses: readonly Status[]): StillTrue =>
  (eb) =>
    eb('status', 'in', [...statuses])
