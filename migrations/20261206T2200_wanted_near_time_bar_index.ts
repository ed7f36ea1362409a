import { sql, type Kysely } from 'kysely'

// The task list's people wanted near the time bar are the boroughs' countersigned entries whose
// failure is wanted and reaches its time bar within 30 days, oldest countersignature first. The
// page read each of them from the table to sort them: 1,452 entries on 1,030 pages at 1,000,000
// people, 5.5 ms. This index holds them by borough and time bar with what the page shows and
// sorts by, so count and page read the index alone (2.5 ms). Decision 0143.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index cid_entry_wanted_bar_idx on cid_entry (area_id, failure_time_bar_date)
              include (decided_at, id, person_id, failure_id, failure_status)
              where status = 'countersigned' and failure_status = 'wanted'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists cid_entry_wanted_bar_idx`.execute(db)
}
