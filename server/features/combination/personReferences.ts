import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'

type Db = Kysely<Database>

/**
 * Every column that refers to a person, and what combining two records does with it. A table
 * added later with a foreign key to person(id) must be named here: a test reads the catalog and
 * fails on any it does not find, so a new kind of data cannot be left behind on a merged record.
 *
 * - 'move': every row of the merged record moves to the kept one.
 * - 'aliases': moves too, but an alias the kept record already has (or its own name) stays behind
 *   on the merged record instead of appearing twice; nothing is lost, since unmerging needs no step.
 * - 'unlessHeld': a person has at most one (a custody photograph): it moves only if the kept record
 *   has none; otherwise the kept record's stays and the merged record keeps its own, for unmerging.
 */
export const movedReferences = [
  { table: 'person_alias', column: 'person_id', rule: 'aliases' },
  { table: 'person_marker', column: 'person_id', rule: 'move' },
  { table: 'referral', column: 'person_id', rule: 'move' },
  // Two open memberships of one programme would break the one-open-membership rule: the service
  // refuses such a combination until one of them is ended, since ending one is a panel decision.
  { table: 'cohort_membership', column: 'person_id', rule: 'move' },
  { table: 'contact', column: 'person_id', rule: 'move' },
  { table: 'action', column: 'person_id', rule: 'move' },
  { table: 'drug_test', column: 'person_id', rule: 'move' },
  { table: 'required_assessment', column: 'person_id', rule: 'move' },
  { table: 'appointment', column: 'person_id', rule: 'move' },
  { table: 'dip_failure', column: 'person_id', rule: 'move' },
  // Links to the same partner case both move: each has its own history, and the partner agency's
  // own record is what decides which stays open. The check page warns about them.
  { table: 'partner_link', column: 'person_id', rule: 'move' },
  { table: 'cid_entry', column: 'person_id', rule: 'move' },
  { table: 'person_photo', column: 'person_id', rule: 'unlessHeld' },
] as const satisfies readonly { table: keyof Database; column: string; rule: 'move' | 'aliases' | 'unlessHeld' }[]

/** Foreign keys to person that are the combination's own bookkeeping, never moved. */
export const combinationOwnReferences: Record<string, string> = {
  'person.combined_into': 'marks the merged record as combined into the kept one',
  'person_combination.survivor_id': 'the record kept',
  'person_combination.merged_id': 'the record combined into it',
}

const reportShare =
  "what the record adds to the report's tallies; the database works both records' shares out again when their rows move"

/** Columns that name a person without a foreign key, and why they stay with the merged record's id. */
export const unmovedPersonColumns: Record<string, string> = {
  'audit_event.person_id': 'the audit log is append-only: what was done to which record stays true',
  'audit_pending.person_id':
    'an audit row waiting to be sealed into the append-only log, where it joins as it was written',
  'retention_decision.person_id': 'a review decision was about that record; the kept record has its own review date',
  'report_day_share.person_id': reportShare,
  'report_cohort_share.person_id': reportShare,
  'report_membership_share.person_id': reportShare,
  'report_failure_share.person_id': reportShare,
  'report_link_share.person_id': reportShare,
  'report_dirty.person_id': 'people whose report shares are due to be worked out again before the transaction commits',
  'cid_listing.person_id':
    "the CID list's copy of a listed entry; the database works both records' rows out again when their entries move",
  'cid_listed_person.person_id':
    "the latest time bar of a person's entries on the CID list, kept for the home page's count (decision 0136); the database works both records' rows out again when their entries move",
  'cid_listing_dirty.person_id':
    'people whose CID list rows are due to be worked out again before the transaction commits',
  'retention_basis.person_id':
    "what a person's retention review date rests on; the database works both records' rows out again when their rows move",
  'retention_dirty.person_id':
    'people whose retention basis is due to be worked out again before the transaction commits',
}

/** The person fields a combination may change, with their SQL types (to restore them exactly). */
export const combinedFields = { pnc_id: 'text', cro_number: 'text', restricted: 'boolean' } as const
export type CombinedField = keyof typeof combinedFields

/** One table's references moved by a combination: from the merged record to the kept one, or back. */
export type Move = { combinationId: string; table: string; column: string; survivorId: string; mergedId: string }

/** Moves every row of `merged` in one table to `survivor`, listing each moved row. One statement. */
export async function moveRows(db: Db, move: Move, except: readonly string[] = []) {
  const { combinationId, table, column, survivorId, mergedId } = move
  const result = await sql<{ n: number }>`
    with moved as (
      update ${sql.table(table)} set ${sql.ref(column)} = ${survivorId}
       where ${sql.ref(column)} = ${mergedId} and not (id = any(${sql.val([...except])}::uuid[]))
       returning id
    ), listed as (
      insert into person_combination_change (combination_id, change, table_name, row_id, column_name)
      select ${combinationId}, 'moved', ${table}, id, ${column} from moved
      returning 1
    )
    select count(*)::int as n from listed`.execute(db)
  return Number(result.rows[0]?.n ?? 0)
}

/**
 * Moves back the rows that moved and still point at the kept record (a row deleted or moved
 * since is left as it is). One statement per table.
 */
export async function moveRowsBack(db: Db, move: Move) {
  const { combinationId, table, column, survivorId, mergedId } = move
  const result = await sql`
    update ${sql.table(table)} t set ${sql.ref(column)} = ${mergedId}
      from person_combination_change c
     where c.combination_id = ${combinationId} and c.change = 'moved' and c.table_name = ${table} and c.column_name = ${column}
       and t.id = c.row_id and t.${sql.ref(column)} = ${survivorId}`.execute(db)
  return Number(result.numAffectedRows ?? 0n)
}

/** Every foreign key column that references person(id), read from the catalog: 'table.column'. */
export async function personForeignKeys(db: Db): Promise<string[]> {
  const result = await sql<{ ref: string }>`
    select cl.relname || '.' || a.attname as ref
      from pg_constraint con
      join pg_class cl on cl.oid = con.conrelid
      join pg_namespace n on n.oid = cl.relnamespace
      join lateral unnest(con.conkey) as k(attnum) on true
      join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
     where con.contype = 'f' and con.confrelid = 'person'::regclass and n.nspname = current_schema()
     order by 1`.execute(db)
  return result.rows.map((r) => r.ref)
}
