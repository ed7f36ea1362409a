import { sql, type Kysely } from 'kysely'

// Deleting a user's session rows is not enough on its own: a request already in flight saves
// its session again when it ends. Sessions started before this instant are refused on load.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table app_user add column sessions_valid_after timestamptz`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table app_user drop column sessions_valid_after`.execute(db)
}
