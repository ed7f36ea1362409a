import { sql, type Kysely } from 'kysely'

// A CID entry's counts (proposals to countersign, the CID panel, time-barred entries to close,
// the task list's CID kinds) hinge on its failure's status today, which read the failure of every
// entry of the borough by key: at 1,000,000 people, 90 ms for one count on the supervisor's home
// page. Each entry now carries its failure's row status and time bar, kept by the database alone
// (server/decisions/0128-cid-entries-carry-their-failure-state.md), so the counts read one index
// and no table. The time-bar rule stays in dip_failure_status_on: the reads apply it to these
// two columns as they did to the failure's own.

/**
 * Runs `copy` with the table's user triggers off, then turns them on again as they were: ENABLE
 * TRIGGER USER alone would turn a trigger enabled ALWAYS (the borough's, 20261205T1400) into one
 * that a session loading data (the volume generator's) skips.
 */
export async function withoutUserTriggers(db: Kysely<any>, table: string, copy: () => Promise<unknown>): Promise<void> {
  const always = await sql<{ tgname: string }>`
    select tgname from pg_trigger where tgrelid = ${table}::regclass and not tgisinternal and tgenabled = 'A'`.execute(
    db,
  )
  await sql`alter table ${sql.table(table)} disable trigger user`.execute(db)
  await copy()
  await sql`alter table ${sql.table(table)} enable trigger user`.execute(db)
  for (const { tgname } of always.rows)
    await sql`alter table ${sql.table(table)} enable always trigger ${sql.id(tgname)}`.execute(db)
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table cid_entry add column failure_status text, add column failure_time_bar_date date`.execute(db)
  // The copy changes no entry's state: the table's own triggers (listing, retention) stay out of it.
  await withoutUserTriggers(db, 'cid_entry', () =>
    sql`update cid_entry e set failure_status = f.status, failure_time_bar_date = f.time_bar_date
          from dip_failure f where f.id = e.failure_id`.execute(db),
  )
  await sql`alter table cid_entry alter column failure_status set not null,
                                  alter column failure_time_bar_date set not null`.execute(db)

  // Whatever the app writes to the two columns is replaced by the failure's own values.
  await sql`
    create function cid_entry_failure_state() returns trigger language plpgsql as $$
    begin
      select f.status, f.time_bar_date into new.failure_status, new.failure_time_bar_date
        from dip_failure f where f.id = new.failure_id;
      return new;
    end $$`.execute(db)
  await sql`
    create trigger cid_entry_failure_state before insert or update of failure_id, failure_status, failure_time_bar_date
    on cid_entry for each row execute function cid_entry_failure_state()`.execute(db)
  // The failure's change reaches its entries in the same statement; the entry's trigger above
  // then reads the failure's new row, so the entry cannot disagree with it.
  await sql`
    create function dip_failure_state_to_entries() returns trigger language plpgsql as $$
    begin
      update cid_entry set failure_status = new.status, failure_time_bar_date = new.time_bar_date
       where failure_id = new.id;
      return null;
    end $$`.execute(db)
  await sql`
    create trigger dip_failure_state_to_entries after update of status, time_bar_date on dip_failure
    for each row when (old.status is distinct from new.status or old.time_bar_date is distinct from new.time_bar_date)
    execute function dip_failure_state_to_entries()`.execute(db)
  // Always: also in a session that skips triggers to load data (the volume generator's).
  await sql`alter table cid_entry enable always trigger cid_entry_failure_state`.execute(db)
  await sql`alter table dip_failure enable always trigger dip_failure_state_to_entries`.execute(db)

  // Every count of a borough's entries by their status and their failure's state, from the index alone.
  await sql`drop index if exists cid_entry_area_status_idx`.execute(db)
  await sql`create index cid_entry_area_state_idx on cid_entry (area_id, status, failure_status, failure_time_bar_date)
              include (person_id, proposed_by, proposed_at, decided_at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists cid_entry_area_state_idx`.execute(db)
  await sql`create index if not exists cid_entry_area_status_idx on cid_entry (area_id, status)`.execute(db)
  await sql`drop trigger if exists dip_failure_state_to_entries on dip_failure`.execute(db)
  await sql`drop function if exists dip_failure_state_to_entries()`.execute(db)
  await sql`drop trigger if exists cid_entry_failure_state on cid_entry`.execute(db)
  await sql`drop function if exists cid_entry_failure_state()`.execute(db)
  await sql`alter table cid_entry drop column if exists failure_status, drop column if exists failure_time_bar_date`.execute(
    db,
  )
}
