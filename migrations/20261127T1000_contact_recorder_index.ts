import { sql, type Kysely } from 'kysely'

// Contacts by who recorded them and when: the supervisor's team table counts each officer's
// contacts in the last 30 days. Without it, each officer's count read every contact: at 100,000
// people, 178 officers × 222,000 contacts, and the supervisor's home page took 7 seconds.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index contact_recorder_idx on contact (recorded_by, contact_date)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists contact_recorder_idx`.execute(db)
}
