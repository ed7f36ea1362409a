import { sql, type Kysely } from 'kysely'

// Two task kinds whose plans went wrong at 1,000,000 people (decision 0129):
// - Positive tests awaiting a decision: the planner took "positive" and "no requirement" as
//   independent, expected thousands of matches, and walked a week of tests in time order for
//   the two waiting. Statistics over the columns together tell it how rare the pair is.
// - Failures awaiting a statement: 17,849 at 1,000,000 people in four boroughs, each read from
//   the table to be sorted for a page of 50. An index holding what the list shows sorts them
//   from the index alone.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create statistics drug_test_awaiting_decision_stats (mcv) on refused, opiates, cocaine, requirement_imposed
              from drug_test`.execute(db)
  await sql`analyze drug_test`.execute(db)
  await sql`drop index if exists dip_failure_area_awaiting_idx`.execute(db)
  await sql`create index dip_failure_area_awaiting_idx on dip_failure (area_id, time_bar_date)
              include (status, failure_date, id, person_id, section)
              where status = 'open' and statement_produced_on is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists dip_failure_area_awaiting_idx`.execute(db)
  await sql`create index dip_failure_area_awaiting_idx on dip_failure (area_id, time_bar_date) include (status, failure_date, id)
              where status = 'open' and statement_produced_on is null`.execute(db)
  await sql`drop statistics if exists drug_test_awaiting_decision_stats`.execute(db)
}
