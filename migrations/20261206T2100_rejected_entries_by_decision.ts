import { sql, type Kysely } from 'kysely'

// The task list's suspended or rejected entries counted every rejected entry of the boroughs
// whose failure is still wanted, read from the table, to keep those decided in the last 30 days:
// 1,866 rows at 1,000,000 people for 453, then each one's history to date it (decision 0143). The
// rejections are read by borough and decision time from this index alone.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index cid_entry_rejected_idx on cid_entry (area_id, decided_at)
              include (id, person_id, proposed_by, failure_status, failure_time_bar_date) where status = 'rejected'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists cid_entry_rejected_idx`.execute(db)
}
