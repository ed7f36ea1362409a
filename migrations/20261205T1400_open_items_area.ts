import { sql, type Kysely } from 'kysely'

// The home page counts a borough's open items (today's appointments, failures awaiting a
// statement, disputed tests, pending referrals, CID entries). Looking up each item's person for
// its borough cost a person read an item, and grew with the borough: at 100,000 people the
// supervisor's page fell to 9 a second. Each of these tables now carries its person's borough,
// kept by the database alone (server/decisions/0123-open-items-carry-their-borough.md): set from
// the person on every insert and on any change of person or borough, and moved with the person
// when the person's borough changes. No path can write a row whose borough disagrees with its
// person's, so a count by this column is the count by the person's borough.

const tables = ['appointment', 'dip_failure', 'drug_test', 'referral', 'cid_entry'] as const

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function area_from_person() returns trigger language plpgsql as $$
    begin
      new.area_id := (select p.area_id from person p where p.id = new.person_id);
      return new;
    end $$`.execute(db)
  for (const table of tables) {
    await sql`alter table ${sql.table(table)} add column area_id uuid`.execute(db)
    // The copy changes no item: the tables' own triggers (report tallies, histories) stay out of it.
    await sql`alter table ${sql.table(table)} disable trigger user`.execute(db)
    await sql`update ${sql.table(table)} t set area_id = p.area_id from person p where p.id = t.person_id`.execute(db)
    await sql`alter table ${sql.table(table)} enable trigger user`.execute(db)
    // Not null, with no default: the trigger below fills it before the check.
    await sql`alter table ${sql.table(table)} alter column area_id set not null`.execute(db)
    await sql`
      create trigger ${sql.id(`${table}_area_from_person`)} before insert or update of person_id, area_id
      on ${sql.table(table)} for each row execute function area_from_person()`.execute(db)
    // Always: also in a session that skips triggers to load data (the volume generator's).
    await sql`alter table ${sql.table(table)} enable always trigger ${sql.id(`${table}_area_from_person`)}`.execute(db)
  }
  await sql`
    create function person_area_moved() returns trigger language plpgsql as $$
    begin
      update appointment set area_id = new.area_id where person_id = new.id;
      update dip_failure set area_id = new.area_id where person_id = new.id;
      update drug_test set area_id = new.area_id where person_id = new.id;
      update referral set area_id = new.area_id where person_id = new.id;
      update cid_entry set area_id = new.area_id where person_id = new.id;
      return null;
    end $$`.execute(db)
  await sql`
    create trigger person_area_moved after update of area_id on person
    for each row when (old.area_id is distinct from new.area_id) execute function person_area_moved()`.execute(db)
  await sql`alter table person enable always trigger person_area_moved`.execute(db)

  // Each count reads its borough's entries of one index, most without visiting the table.
  await sql`create index appointment_area_day_idx on appointment (area_id, scheduled_at) include (closed_on, id)`.execute(
    db,
  )
  await sql`create index dip_failure_area_awaiting_idx on dip_failure (area_id, time_bar_date)
    where status = 'open' and statement_produced_on is null`.execute(db)
  await sql`create index drug_test_area_disputed_idx on drug_test (area_id) include (id) where disputed`.execute(db)
  await sql`create index referral_area_pending_idx on referral (area_id) where status = 'pending'`.execute(db)
  await sql`create index cid_entry_area_status_idx on cid_entry (area_id, status)`.execute(db)
  // The retention queue's candidates: people whose own record has not changed for years.
  await sql`create index person_area_updated_idx on person (area_id, updated_at) include (id) where combined_into is null`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists person_area_updated_idx`.execute(db)
  await sql`drop trigger if exists person_area_moved on person`.execute(db)
  await sql`drop function if exists person_area_moved()`.execute(db)
  for (const table of tables) {
    await sql`drop trigger if exists ${sql.id(`${table}_area_from_person`)} on ${sql.table(table)}`.execute(db)
    await sql`alter table ${sql.table(table)} drop column if exists area_id`.execute(db)
  }
  await sql`drop function if exists area_from_person()`.execute(db)
}
