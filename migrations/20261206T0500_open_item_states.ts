import { sql, type Kysely } from 'kysely'
import { withoutUserTriggers } from './20261206T0400_cid_entry_failure_state.ts'

// The remaining counts of a borough's open items each visited every candidate row to test it:
// a positive test's requirement (RA1) in another table, a disputed test's confirmation in
// another, a failure's row status outside its index. At 1,000,000 people that was tens of
// thousands of rows a count. Each test now carries whether a requirement was imposed on it and
// whether its result was confirmed, kept by the database alone, and each count's index holds
// every column its condition reads (server/decisions/0129-open-item-states-in-their-indexes.md).

/** A drug test's facts kept from another table: the column, and the table whose row makes it true. */
const keptFacts = [
  { column: 'requirement_imposed', from: 'required_assessment' },
  { column: 'confirmed', from: 'drug_test_confirmation' },
] as const

export async function up(db: Kysely<any>): Promise<void> {
  for (const { column, from } of keptFacts) {
    await sql`alter table drug_test add column ${sql.id(column)} boolean not null default false`.execute(db)
    // The copy changes no test: the table's own triggers (report tallies, retention) stay out of it.
    await withoutUserTriggers(db, 'drug_test', () =>
      sql`update drug_test t set ${sql.id(column)} = true
            where exists (select 1 from ${sql.table(from)} x where x.drug_test_id = t.id)`.execute(db),
    )
    // The child's insert, deletion or move reaches its test in the same statement.
    await sql`
      create function ${sql.id(`${from}_marks_test`)}() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'DELETE' then
          update drug_test t set ${sql.id(column)} = exists (select 1 from ${sql.table(from)} x where x.drug_test_id = t.id)
           where t.id = new.drug_test_id;
        end if;
        if tg_op <> 'INSERT' then
          update drug_test t set ${sql.id(column)} = exists (select 1 from ${sql.table(from)} x where x.drug_test_id = t.id)
           where t.id = old.drug_test_id;
        end if;
        return null;
      end $$`.execute(db)
    await sql`
      create trigger ${sql.id(`${from}_marks_test`)} after insert or delete or update of drug_test_id on ${sql.table(from)}
      for each row execute function ${sql.id(`${from}_marks_test`)}()`.execute(db)
    await sql`alter table ${sql.table(from)} enable always trigger ${sql.id(`${from}_marks_test`)}`.execute(db)
  }
  // Whatever is written to the two columns, the test's own rows in the other tables decide them.
  await sql`
    create function drug_test_kept_facts() returns trigger language plpgsql as $$
    begin
      new.requirement_imposed := exists (select 1 from required_assessment x where x.drug_test_id = new.id);
      new.confirmed := exists (select 1 from drug_test_confirmation x where x.drug_test_id = new.id);
      return new;
    end $$`.execute(db)
  await sql`
    create trigger drug_test_kept_facts before insert or update of requirement_imposed, confirmed, id on drug_test
    for each row execute function drug_test_kept_facts()`.execute(db)
  await sql`alter table drug_test enable always trigger drug_test_kept_facts`.execute(db)

  // Positive tests on which the decision (RA1) is still to be made, and disputed tests awaiting
  // confirmation: a handful a borough, whatever the number of tests.
  await sql`create index drug_test_area_awaiting_requirement_idx on drug_test (area_id, sample_taken_at, id)
              where not refused and (opiates = 'positive' or cocaine = 'positive') and not requirement_imposed`.execute(
    db,
  )
  await sql`drop index if exists drug_test_area_disputed_idx`.execute(db)
  await sql`create index drug_test_area_unconfirmed_idx on drug_test (area_id) include (id) where disputed and not confirmed`.execute(
    db,
  )
  // A failure's status today is read from its row status and time bar: both in the index.
  await sql`drop index if exists dip_failure_area_awaiting_idx`.execute(db)
  await sql`create index dip_failure_area_awaiting_idx on dip_failure (area_id, time_bar_date) include (status, failure_date, id)
              where status = 'open' and statement_produced_on is null`.execute(db)
  await sql`create index dip_failure_area_to_circulate_idx on dip_failure (area_id, statement_produced_on, id)
              include (status, time_bar_date) where status = 'open' and statement_produced_on is not null`.execute(db)
  await sql`create index dip_failure_area_arrested_idx on dip_failure (area_id, time_bar_date) include (status, person_id)
              where status = 'arrested'`.execute(db)
  // Pending referrals, in the order the task list pages them.
  await sql`drop index if exists referral_area_pending_idx`.execute(db)
  await sql`create index referral_area_pending_idx on referral (area_id, referred_at, id) where status = 'pending'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists referral_area_pending_idx`.execute(db)
  await sql`create index referral_area_pending_idx on referral (area_id) where status = 'pending'`.execute(db)
  await sql`drop index if exists dip_failure_area_arrested_idx`.execute(db)
  await sql`drop index if exists dip_failure_area_to_circulate_idx`.execute(db)
  await sql`drop index if exists dip_failure_area_awaiting_idx`.execute(db)
  await sql`create index dip_failure_area_awaiting_idx on dip_failure (area_id, time_bar_date)
              where status = 'open' and statement_produced_on is null`.execute(db)
  await sql`drop index if exists drug_test_area_unconfirmed_idx`.execute(db)
  await sql`create index drug_test_area_disputed_idx on drug_test (area_id) include (id) where disputed`.execute(db)
  await sql`drop index if exists drug_test_area_awaiting_requirement_idx`.execute(db)
  await sql`drop trigger if exists drug_test_kept_facts on drug_test`.execute(db)
  await sql`drop function if exists drug_test_kept_facts()`.execute(db)
  for (const { column, from } of keptFacts) {
    await sql`drop trigger if exists ${sql.id(`${from}_marks_test`)} on ${sql.table(from)}`.execute(db)
    await sql`drop function if exists ${sql.id(`${from}_marks_test`)}()`.execute(db)
    await sql`alter table drug_test drop column if exists ${sql.id(column)}`.execute(db)
  }
}
