import { sql, type Kysely } from 'kysely'

// The supervisor's home page sums the overdue actions of every officer of the team: at 1,000,000
// people, 2,000 officers with 70 each, 140,000 index entries a request. Each officer's count is
// now kept as of a day (decision 0131): `overdue` open actions fell due before `on_day`. Writes to
// actions move it by statement; a job rolls every officer's row to today once a day; a read uses
// the kept figure only when it is of today, and counts the actions otherwise, so a page is right
// whether or not the roll has run.

/** Moves the kept counts by the actions a statement added (+1) or removed (-1), as of each row's day. */
const follow = (changes: string) =>
  sql.raw(`
  begin
    -- The rows are locked first, in one order, so a roll in hand finishes and its day is the one counted.
    perform 1 from owner_overdue where owner_id in (select c.owner_id from (${changes}) c) order by owner_id for update;
    update owner_overdue o set overdue = o.overdue + d.n
      from (select c.owner_id, sum(c.sign)::int as n
              from (${changes}) c join owner_overdue k on k.owner_id = c.owner_id
             where c.due_date < k.on_day group by c.owner_id) d
     where o.owner_id = d.owner_id and d.n <> 0;
    return null;
  end`)

const open = (rows: string, sign: number) =>
  `select owner_id, due_date, ${sign} as sign from ${rows} where status = 'open'`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table owner_overdue (
      owner_id uuid primary key references app_user(id) on delete cascade,
      on_day date not null,
      overdue int not null check (overdue >= 0)
    )`.execute(db)
  // A row of -infinity counts the actions due before the beginning of time (none): true, and never
  // of today, so it is read live until the first roll. Every user has one from the start, so the
  // triggers below only update and never race a roll to insert.
  await sql`insert into owner_overdue select id, '-infinity', 0 from app_user`.execute(db)
  await sql`
    create function owner_overdue_for_user() returns trigger language plpgsql as $$
    begin
      insert into owner_overdue values (new.id, '-infinity', 0) on conflict do nothing;
      return null;
    end $$`.execute(db)
  await sql`create trigger owner_overdue_for_user after insert on app_user for each row execute function owner_overdue_for_user()`.execute(
    db,
  )

  await sql`create function owner_overdue_added() returns trigger language plpgsql as $$${follow(open('added', 1))}$$`.execute(
    db,
  )
  await sql`create function owner_overdue_removed() returns trigger language plpgsql as $$${follow(open('removed', -1))}$$`.execute(
    db,
  )
  await sql`create function owner_overdue_changed() returns trigger language plpgsql as $$${follow(
    `${open('added', 1)} union all ${open('removed', -1)}`,
  )}$$`.execute(db)
  await sql`create trigger owner_overdue_added after insert on action referencing new table as added
    for each statement execute function owner_overdue_added()`.execute(db)
  await sql`create trigger owner_overdue_removed after delete on action referencing old table as removed
    for each statement execute function owner_overdue_removed()`.execute(db)
  await sql`create trigger owner_overdue_changed after update on action referencing new table as added old table as removed
    for each statement execute function owner_overdue_changed()`.execute(db)
  // No session, the volume generator's included, writes actions without moving the counts.
  for (const name of ['owner_overdue_added', 'owner_overdue_removed', 'owner_overdue_changed'])
    await sql`alter table action enable always trigger ${sql.id(name)}`.execute(db)
  await sql`alter table app_user enable always trigger owner_overdue_for_user`.execute(db)

  // The roll: each row not yet of `today` is recounted as of today. Rows a writer holds are left
  // for the next roll (they are read live meanwhile), so the roll never waits on, nor deadlocks
  // with, a write. The count runs after the locks are taken, so it sees every write before them;
  // a write after them waits, then moves the rolled row.
  await sql`
    create function owner_overdue_roll(today date) returns int language plpgsql as $$
    declare
      owners uuid[];
    begin
      select array_agg(owner_id) into owners from (
        select owner_id from owner_overdue where on_day <> today order by owner_id for update skip locked) r;
      update owner_overdue o set on_day = today,
             overdue = (select count(*) from action x where x.owner_id = o.owner_id and x.status = 'open' and x.due_date < today)
       where o.owner_id = any(owners);
      return coalesce(cardinality(owners), 0);
    end $$`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['owner_overdue_added', 'owner_overdue_removed', 'owner_overdue_changed'])
    await sql`drop trigger if exists ${sql.id(name)} on action`.execute(db)
  await sql`drop trigger if exists owner_overdue_for_user on app_user`.execute(db)
  for (const fn of [
    'owner_overdue_added()',
    'owner_overdue_removed()',
    'owner_overdue_changed()',
    'owner_overdue_for_user()',
    'owner_overdue_roll(date)',
  ])
    await sql.raw(`drop function if exists ${fn}`).execute(db)
  await sql`drop table if exists owner_overdue`.execute(db)
}
