import { sql, type Kysely } from 'kysely'

// Reading writes nothing (server/decisions/0110): a failure past its time bar is time-barred on
// the page that reads it, before any sweep has closed it. This function is the one statement of
// the MCA 1980 s127 rule: the reads show what it returns, and the sweep closes exactly the rows
// for which it says 'time_barred' while the row still says otherwise. An arrest does not stop the
// clock; a charge, summons, NFA or withdrawal ended the matter in time and stays as it is.
// Immutable and in SQL, so the planner inlines it into each query that uses it.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function dip_failure_status_on(status text, time_bar_date date, on_day date) returns text
    language sql immutable parallel safe as $$
      select case when status in ('open', 'wanted', 'arrested') and time_bar_date < on_day then 'time_barred' else status end
    $$`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists dip_failure_status_on(text, date, date)`.execute(db)
}
