import { sql, type Kysely } from 'kysely'

// A borough's appointments of a day are listed by time, then id (so that pages follow on). With
// the id only included in the index, every appointment of a busy slot (hundreds at 09:00 at
// 1,000,000 people) was read and sorted to find a page's first; with the id in the key, a page
// reads its own length from the index (decision 0129).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists appointment_area_day_idx`.execute(db)
  await sql`create index appointment_area_day_idx on appointment (area_id, scheduled_at, id) include (closed_on)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists appointment_area_day_idx`.execute(db)
  await sql`create index appointment_area_day_idx on appointment (area_id, scheduled_at) include (closed_on, id)`.execute(
    db,
  )
}
