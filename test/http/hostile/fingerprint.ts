import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'

/**
 * Tables the app writes on any request, refused or not, so they cannot show whether a refused
 * form changed anything:
 *   - session: express-session touches the row on every request (rolling cookie, CSRF secret);
 *   - audit_event and audit_pending: a refused sign-in is a security event, and a form page shown
 *     again with its errors is a consultation of the person it is about (DPA 2018 s62 wants both
 *     logged); the rows are written to audit_pending and sealed into audit_event in batches;
 *     (audit_key_segment gains its row when the first row sealed under a key joins the chain);
 *   - rate_limit_hit: every failed sign-in is counted.
 * Everything else, reference data included, must not be written at all by a refused request.
 */
export const writtenOnEveryRequest = [
  'session',
  'audit_event',
  'audit_pending',
  'audit_key_segment',
  'rate_limit_hit',
] as const

export type Fingerprint = Map<string, string>

let statement: string | undefined

/**
 * Row count and the sum of the rows' xmin (the id of the transaction that wrote each row's
 * current version), per table, in one round trip. A committed insert or update writes rows with
 * an xmin newer than any already there, so with the count unchanged the sum still grows; a
 * delete lowers the count. So any committed write shows, even one that writes back the same
 * values, while a row lock (which sets xmax, not xmin) or a rolled-back write does not. It reads
 * no column values, so it costs a fraction of hashing every row.
 */
export async function fingerprint(db: Kysely<Database>): Promise<Fingerprint> {
  if (!statement) {
    const tables = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db)
    statement = tables.rows
      .map((r) => r.name)
      .filter((name) => !(writtenOnEveryRequest as readonly string[]).includes(name))
      .map(
        (name) =>
          `select '${name}' as name, count(*)::text || ':' || coalesce(sum(xmin::text::bigint), 0)::text as print from "${name}"`,
      )
      .join(' union all ')
  }
  const result = await sql<{ name: string; print: string }>`${sql.raw(statement)}`.execute(db)
  return new Map(result.rows.map((r) => [r.name, r.print]))
}

/** The tables whose rows differ between two fingerprints. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return [...after.keys()].filter((name) => before.get(name) !== after.get(name))
}
