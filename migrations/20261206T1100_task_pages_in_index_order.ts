import { sql, type Kysely } from 'kysely'

// Two task kinds read a borough at a time in their index's order, up to the page's end, whatever
// the backlog (decision 0134):
// - failures awaiting a statement, by their time bar, the failure date and id after it, from the
//   range of failures still in time;
// - proposals to countersign, by when they were made, each entry's failure state beside it.
// The planner takes a row's status and the state beside it as independent, and so expected one
// open failure without a statement in thirty of those there are, and a quarter of the proposals
// still wanted: statistics over the columns together tell it how they go together.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists dip_failure_area_awaiting_idx`.execute(db)
  await sql`create index dip_failure_area_awaiting_idx on dip_failure (area_id, time_bar_date, failure_date, id)
              include (status, person_id, section)
              where status = 'open' and statement_produced_on is null`.execute(db)
  await sql`create index cid_entry_area_proposed_idx on cid_entry (area_id, proposed_at, id)
              include (failure_status, failure_time_bar_date, proposed_by)
              where status = 'proposed'`.execute(db)
  await sql`create statistics dip_failure_state_stats (mcv) on status, statement_produced_on from dip_failure`.execute(
    db,
  )
  await sql`create statistics cid_entry_state_stats (mcv) on status, failure_status from cid_entry`.execute(db)
  await sql`analyze dip_failure`.execute(db)
  await sql`analyze cid_entry`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop statistics if exists cid_entry_state_stats`.execute(db)
  await sql`drop statistics if exists dip_failure_state_stats`.execute(db)
  await sql`drop index if exists cid_entry_area_proposed_idx`.execute(db)
  await sql`drop index if exists dip_failure_area_awaiting_idx`.execute(db)
  await sql`create index dip_failure_area_awaiting_idx on dip_failure (area_id, time_bar_date)
              include (status, failure_date, id, person_id, section)
              where status = 'open' and statement_produced_on is null`.execute(db)
}
