import { sql, type Kysely } from 'kysely'

// The task list's and the home page's counts are index-only scans (decisions 0128 to 0131): they
// read no table page that the visibility map marks all-visible, and fetch every other. A kept
// row rewritten by a trigger (a person's retention basis, an entry's failure state) clears its
// page's mark, and autovacuum's default waits for a fifth of a table to change before it sets
// them again: at 1,000,000 people, 200,000 rows, while the counts fetch a page for nearly every
// entry (9,926 of 10,003 for one count after a benchmark's writes). These tables are vacuumed
// after one change in a hundred instead (decision 0133).

const counted = ['retention_basis', 'cid_entry', 'dip_failure', 'drug_test', 'referral', 'action', 'appointment']

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of counted)
    await sql`alter table ${sql.table(table)} set (autovacuum_vacuum_scale_factor = 0.01,
      autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of counted)
    await sql`alter table ${sql.table(table)} reset (autovacuum_vacuum_scale_factor,
      autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor)`.execute(db)
}
