import { sql, type Kysely } from 'kysely'

// The CID list, kept as it changes. The list is every countersigned entry whose failure is still
// wanted, ranked by time bar, violence marker and name. Working that out at every view meant
// reading every wanted failure and looking up every listed person: at 100,000 people, 14,000
// failures and 1,300 people, 17 ms of the database for each view, growing with the caseload.
//
// cid_listing holds one narrow row per listed entry, with what the list filters and ranks on
// (the person's borough, ward and name, the failure's time bar, the latest current violence or
// weapons marker). A change to a person's entries, failures, markers, borough, ward or name puts
// them in cid_listing_dirty; just before the transaction commits, their rows are worked out again
// from the case tables by cid_listing_rows_of, the one statement of the rule. So the listing
// agrees with the case tables at every commit, whatever did the writing. Whether a time bar has
// passed depends on the day, so the list still asks that of each row when it reads.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table cid_listing (
      entry_id uuid primary key,
      person_id uuid not null,
      area_id uuid not null,
      ward_id uuid,
      time_bar_date date not null,
      last_violence_marker date,
      surname text not null,
      forenames text not null
    )`.execute(db)
  await sql`create index cid_listing_person_idx on cid_listing (person_id)`.execute(db)
  await sql`create table cid_listing_dirty (person_id uuid primary key)`.execute(db)

  await sql`
    create function cid_listing_rows_of(ids uuid[]) returns setof cid_listing language sql stable as $$
      select e.id, p.id, p.area_id, p.ward_id, f.time_bar_date,
             (select max(m.start_date) from person_marker m
               where m.person_id = p.id and m.ended_on is null and m.marker_code in ('violent', 'weapons')),
             p.surname, p.forenames
        from cid_entry e
        join dip_failure f on f.id = e.failure_id
        join person p on p.id = e.person_id
       where e.person_id = any(ids) and e.status = 'countersigned' and f.status = 'wanted'
    $$`.execute(db)

  await sql`
    create function cid_listing_refresh(ids uuid[]) returns void language sql as $$
      delete from cid_listing where person_id = any(ids);
      insert into cid_listing select * from cid_listing_rows_of(ids) order by entry_id;
    $$`.execute(db)

  // Just before commit: everyone this transaction touched. The first call takes them all; the
  // calls for the other rows it marked find nothing left.
  await sql`
    create function cid_listing_refresh_dirty() returns trigger language plpgsql as $$
    declare
      ids uuid[];
    begin
      with taken as (delete from cid_listing_dirty returning person_id)
      select array_agg(person_id) into ids from taken;
      if ids is not null then
        perform cid_listing_refresh(ids);
      end if;
      return null;
    end
    $$`.execute(db)
  await sql`
    create constraint trigger cid_listing_dirty_refresh after insert on cid_listing_dirty
      deferrable initially deferred for each row execute function cid_listing_refresh_dirty()`.execute(db)

  // Marking: once per statement, from its transition tables. A second transaction marking the
  // same person waits on cid_listing_dirty's key until the first has committed, so the two never
  // work out one person's rows at the same time.
  await sql`
    create function cid_listing_mark_rows() returns trigger language plpgsql as $$
    begin
      if tg_op in ('INSERT', 'UPDATE') then
        insert into cid_listing_dirty select distinct person_id from new_rows order by 1 on conflict do nothing;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        insert into cid_listing_dirty select distinct person_id from old_rows order by 1 on conflict do nothing;
      end if;
      return null;
    end
    $$`.execute(db)
  // A person's row carries their borough, ward and name: only a change to those (or a deletion) counts.
  await sql`
    create function cid_listing_mark_people() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' then
        insert into cid_listing_dirty
        select distinct n.id from new_rows n join old_rows o on o.id = n.id
         where (n.area_id, n.ward_id, n.surname, n.forenames) is distinct from (o.area_id, o.ward_id, o.surname, o.forenames)
           and exists (select 1 from cid_entry e where e.person_id = n.id)
         order by 1
        on conflict do nothing;
      else
        insert into cid_listing_dirty select distinct id from old_rows order by 1 on conflict do nothing;
      end if;
      return null;
    end
    $$`.execute(db)

  for (const [table, fn, events] of watched) {
    for (const event of events) {
      const transition =
        event === 'insert'
          ? 'new table as new_rows'
          : event === 'delete'
            ? 'old table as old_rows'
            : 'old table as old_rows new table as new_rows'
      await sql`
        create trigger ${sql.raw(`cid_listing_${table}_${event}`)} after ${sql.raw(event)} on ${sql.raw(table)}
          referencing ${sql.raw(transition)} for each statement execute function ${sql.raw(fn)}()`.execute(db)
    }
  }

  // The list so far.
  await sql`select cid_listing_refresh(array(select distinct person_id from cid_entry))`.execute(db)
}

/** The tables whose changes can change the list, the function that marks who changed, and when. */
const watched = [
  ['cid_entry', 'cid_listing_mark_rows', ['insert', 'update', 'delete']],
  ['dip_failure', 'cid_listing_mark_rows', ['update', 'delete']],
  ['person_marker', 'cid_listing_mark_rows', ['insert', 'update', 'delete']],
  ['person', 'cid_listing_mark_people', ['update', 'delete']],
] as const

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, , events] of watched) {
    for (const event of events)
      await sql`drop trigger if exists ${sql.raw(`cid_listing_${table}_${event}`)} on ${sql.raw(table)}`.execute(db)
  }
  // cid_listing_dirty first (its trigger uses cid_listing_refresh_dirty), then the functions, then the table their type comes from.
  await sql`drop table if exists cid_listing_dirty`.execute(db)
  for (const fn of [
    'cid_listing_mark_rows',
    'cid_listing_mark_people',
    'cid_listing_refresh_dirty',
    'cid_listing_refresh(uuid[])',
    'cid_listing_rows_of(uuid[])',
  ]) {
    await sql`drop function if exists ${sql.raw(fn)}`.execute(db)
  }
  await sql`drop table if exists cid_listing`.execute(db)
}
