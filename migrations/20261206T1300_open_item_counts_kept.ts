import { sql, type Kysely } from 'kysely'

// The home page counts each borough's backlogs: failures awaiting a statement, pending referrals,
// proposals to countersign, entries whose failure is time-barred, people on the CID list. Each
// count read its backlog's index entries, so it grew with the volume: at 1,000,000 people, 12,676
// entries counted by person, 20,122 referrals, 17,849 failures. Each is now kept per borough and
// time-bar day (decision 0136) in `open_item_count`, moved by statement triggers on the tables the
// items live in; a read sums a borough's rows on one side of today. Whether an item is still in
// time changes with the date, not with a write, so the time bar is the row's key and the read
// chooses the days: nothing has to be rolled at midnight. Rows that fall to zero are removed, so
// a borough has a row only for a day with items.

/**
 * The kinds each table keeps. A row of `rows` (a transition table) counts `sign` times. The
 * conditions are the lists' own (dipFailureRepository, cidRepository, tasksRepository):
 * `open_item_counts.test.ts` holds the kept counts to them, day by day, through every write.
 */
const kinds = {
  dip_failure: (rows: string, sign: number) => `
    select 'failure_awaiting_statement' as kind, area_id, time_bar_date as bar_day, ${sign} as n
      from ${rows} where status = 'open' and statement_produced_on is null`,
  referral: (rows: string, sign: number) => `
    select 'referral_pending' as kind, area_id, 'infinity'::date as bar_day, ${sign} as n
      from ${rows} where status = 'pending'`,
  // An entry on the list or arrested is time-barred from the day the rule first says so: from the
  // beginning of time if its failure is already closed as time-barred, from the day after its
  // time bar while its failure is live, never otherwise. Its key is the last day before that, so
  // the rule (dip_failure_status_on) stays the one statement of MCA 1980 s127.
  cid_entry: (rows: string, sign: number) => `
    select 'entry_proposed' as kind, area_id, failure_time_bar_date as bar_day, ${sign} as n
      from ${rows} where status = 'proposed' and failure_status = 'wanted'
    union all
    select 'entry_held', area_id,
           case when dip_failure_status_on(failure_status, failure_time_bar_date, '-infinity') = 'time_barred' then '-infinity'::date
                else failure_time_bar_date end, ${sign}
      from ${rows}
     where status in ('countersigned', 'arrested')
       and dip_failure_status_on(failure_status, failure_time_bar_date, 'infinity') = 'time_barred'`,
} as const

type CountedTable = keyof typeof kinds

/** The net moves of `changes` (rows of kind, area_id, bar_day, n), one per key, none of nought. */
const netMoves = (changes: string) => `
  array(select row(c.kind, c.area_id, c.bar_day, sum(c.n))::open_item_change
          from (${changes}) c group by c.kind, c.area_id, c.bar_day having sum(c.n) <> 0)`

/** The people whose entries on the CID list differ between two sets of entry rows. */
const listedPeopleChanged = (added: string | null, removed: string | null) => {
  const listed = (rows: string) =>
    `select person_id, area_id, failure_time_bar_date from ${rows} where status = 'countersigned' and failure_status = 'wanted'`
  if (added && removed)
    return `array(select person_id from ((${listed(added)}) except all (${listed(removed)})
                  union all ((${listed(removed)}) except all (${listed(added)}))) c)`
  return `array(select person_id from (${listed((added ?? removed)!)}) c)`
}

/** The body of a statement trigger on `table`, for its transition tables `added` and `removed`. */
function follow(table: CountedTable, added: string | null, removed: string | null): string {
  const changes = [added && kinds[table](added, 1), removed && kinds[table](removed, -1)]
    .filter(Boolean)
    .join(' union all ')
  const people =
    table === 'cid_entry' ? `perform cid_listed_people_follow(${listedPeopleChanged(added, removed)});` : ''
  return `
  begin
    perform open_item_count_move(${netMoves(changes)});
    ${people}
    return null;
  end`
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table open_item_count (
      kind text not null check (kind in ('failure_awaiting_statement', 'referral_pending', 'entry_proposed', 'entry_held', 'person_listed')),
      area_id uuid not null,
      bar_day date not null,
      n int not null,
      primary key (kind, area_id, bar_day)
    )`.execute(db)
  // One move of a kept count: `n` items (negative: removed) of `kind` in a borough on a time-bar day.
  await sql`create type open_item_change as (kind text, area_id uuid, bar_day date, n int)`.execute(db)

  // Applies net moves, in key order so that two writers lock shared rows in the same order. A
  // negative n is no error here: ON CONFLICT checks a row's constraints before it finds the row
  // to add to. The test holds every row to its items instead.
  await sql`
    create function open_item_count_move(moves open_item_change[]) returns void language plpgsql as $$
    begin
      if cardinality(moves) = 0 then return; end if;
      insert into open_item_count as k (kind, area_id, bar_day, n)
        select m.kind, m.area_id, m.bar_day, m.n from unnest(moves) m order by m.kind, m.area_id, m.bar_day
        on conflict (kind, area_id, bar_day) do update set n = k.n + excluded.n;
      delete from open_item_count k using unnest(moves) m
       where k.kind = m.kind and k.area_id = m.area_id and k.bar_day = m.bar_day and k.n = 0;
    end $$`.execute(db)

  // The CID panel counts people, not entries: a person is on the list while the latest time bar
  // of their countersigned entries for wanted failures is not passed. That day is kept per person
  // (cid_listed_person), and the people are counted by it ('person_listed'). A person's row is
  // worked out again from their entries whenever a statement changes one of them; two writers of
  // the same person take turns (a transaction's advisory lock), so the second reads the first's
  // entries once committed.
  await sql`
    create table cid_listed_person (
      person_id uuid primary key,
      area_id uuid not null,
      bar_day date not null
    )`.execute(db)
  await sql`
    create function cid_listed_people_follow(people uuid[]) returns void language plpgsql as $$
    declare
      gone open_item_change[];
      came open_item_change[];
    begin
      if cardinality(people) = 0 then return; end if;
      perform pg_advisory_xact_lock(hashtext('cid_listed_person'), hashtext(p::text))
         from (select distinct p from unnest(people) p) s order by hashtext(p::text);
      with removed as (delete from cid_listed_person where person_id = any(people) returning area_id, bar_day)
      select array_agg(row('person_listed', area_id, bar_day, -n)::open_item_change) into gone
        from (select area_id, bar_day, count(*)::int as n from removed group by area_id, bar_day) r;
      -- A person's entries share the person's borough (migration 20261205T1400).
      with added as (
        insert into cid_listed_person (person_id, area_id, bar_day)
        select e.person_id, (array_agg(e.area_id))[1], max(e.failure_time_bar_date)
          from cid_entry e
         where e.person_id = any(people) and e.status = 'countersigned' and e.failure_status = 'wanted'
         group by e.person_id
        returning area_id, bar_day)
      select array_agg(row('person_listed', area_id, bar_day, n)::open_item_change) into came
        from (select area_id, bar_day, count(*)::int as n from added group by area_id, bar_day) a;
      perform open_item_count_move(${sql.raw(netMoves(`select * from unnest(coalesce(gone, '{}') || coalesce(came, '{}'))`))});
    end $$`.execute(db)

  for (const table of Object.keys(kinds) as CountedTable[]) {
    const fn = (what: string) => `${table}_counts_${what}`
    await sql`create function ${sql.id(fn('added'))}() returns trigger language plpgsql as $$${sql.raw(follow(table, 'added', null))}$$`.execute(
      db,
    )
    await sql`create function ${sql.id(fn('removed'))}() returns trigger language plpgsql as $$${sql.raw(follow(table, null, 'removed'))}$$`.execute(
      db,
    )
    await sql`create function ${sql.id(fn('changed'))}() returns trigger language plpgsql as $$${sql.raw(follow(table, 'added', 'removed'))}$$`.execute(
      db,
    )
    await sql`create trigger ${sql.id(fn('added'))} after insert on ${sql.table(table)} referencing new table as added
      for each statement execute function ${sql.id(fn('added'))}()`.execute(db)
    await sql`create trigger ${sql.id(fn('removed'))} after delete on ${sql.table(table)} referencing old table as removed
      for each statement execute function ${sql.id(fn('removed'))}()`.execute(db)
    await sql`create trigger ${sql.id(fn('changed'))} after update on ${sql.table(table)}
      referencing new table as added old table as removed
      for each statement execute function ${sql.id(fn('changed'))}()`.execute(db)
    // No session, the volume generator's included, writes these tables without moving the counts.
    for (const what of ['added', 'removed', 'changed'])
      await sql`alter table ${sql.table(table)} enable always trigger ${sql.id(fn(what))}`.execute(db)
    // The counts of the rows already there.
    await sql.raw(`select open_item_count_move(${netMoves(kinds[table](table, 1))})`).execute(db)
  }
  await sql`
    insert into cid_listed_person (person_id, area_id, bar_day)
    select person_id, (array_agg(area_id))[1], max(failure_time_bar_date) from cid_entry
     where status = 'countersigned' and failure_status = 'wanted' group by person_id`.execute(db)
  await sql
    .raw(
      `select open_item_count_move(${netMoves(`select 'person_listed' as kind, area_id, bar_day, 1 as n from cid_listed_person`)})`,
    )
    .execute(db)

  // The CID panel's other counts read a week's decisions and a month's time bars, not the list.
  await sql`create index cid_entry_area_decided_idx on cid_entry (area_id, decided_at)
              include (person_id, failure_status, failure_time_bar_date) where status = 'countersigned'`.execute(db)
  // A supervisor's own proposals, taken from the borough's to leave theirs to countersign.
  await sql`create index cid_entry_proposer_idx on cid_entry (proposed_by)
              include (area_id, failure_status, failure_time_bar_date) where status = 'proposed'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists cid_entry_proposer_idx`.execute(db)
  await sql`drop index if exists cid_entry_area_decided_idx`.execute(db)
  for (const table of Object.keys(kinds) as CountedTable[])
    for (const what of ['added', 'removed', 'changed']) {
      await sql`drop trigger if exists ${sql.id(`${table}_counts_${what}`)} on ${sql.table(table)}`.execute(db)
      await sql`drop function if exists ${sql.id(`${table}_counts_${what}`)}()`.execute(db)
    }
  await sql`drop function if exists cid_listed_people_follow(uuid[])`.execute(db)
  await sql`drop table if exists cid_listed_person`.execute(db)
  await sql`drop function if exists open_item_count_move(open_item_change[])`.execute(db)
  await sql`drop type if exists open_item_change`.execute(db)
  await sql`drop table if exists open_item_count`.execute(db)
}
