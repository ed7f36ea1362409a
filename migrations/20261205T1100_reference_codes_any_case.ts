import { sql, type Kysely } from 'kysely'

// Reference-data codes keep the case an administrator typed (ROMFORD, Forest_Gate, arson), so
// two codes that differ only in case would be two entries a person could not tell apart: one
// code per list whatever its case, kept by the database rather than by a check before the insert.

const tables = ['marker_type', 'deselection_reason', 'contact_type', 'referral_source', 'offence', 'custody_suite']

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of tables) {
    await sql`create unique index ${sql.id(`${table}_code_any_case`)} on ${sql.table(table)} (lower(code))`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of tables) await sql`drop index ${sql.id(`${table}_code_any_case`)}`.execute(db)
}
