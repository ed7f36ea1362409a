import { sql, type Kysely } from 'kysely'
import { events, onEveryChange } from './20261206T0100_retention_basis.ts'

// A one-word search is a surname. It was found by reading the trigram index of every person's
// (and alias's) surname nearest first. At 1,000,000 people that index holds a million entries
// for a few hundred distinct names, and a rare surname, with few names above the similarity
// threshold, walked most of it: 100 to 250 ms, against 3 to 5 ms for most (decision 0126).
//
// surname_vocabulary holds each distinct surname (lower case) of the people and their aliases,
// with how many bear it. The similar surnames are found among those, nearest first, and their
// bearers by an exact index lookup. A surname nobody bears any more leaves the vocabulary in
// the same transaction, so a disposed person's rare name does not outlive their record.

const bearers = ['person', 'person_alias'] as const
/** The surname branches of person_name_candidates: the vocabulary's nearest names, then their bearers. */
function surnameBranches(): string {
  const nearestNames = `(select s.name, similarity(s.name, q) as score from surname_vocabulary s
            where not whole_name and s.name % q order by s.name <-> q limit lim) v`
  return `
      (select m.id, v.score, null::text
         from ${nearestNames}
         cross join lateral (select p.id from person p
                              where lower(p.surname) = v.name and p.area_id = any(areas) and p.combined_into is null
                              limit lim) m
        order by v.score desc limit lim)
      union all
      (select m.person_id, v.score, m.matched
         from ${nearestNames}
         cross join lateral (select al.person_id, al.forenames || ' ' || al.surname as matched
                               from person_alias al join person p on p.id = al.person_id
                              where lower(al.surname) = v.name and p.area_id = any(areas) and p.combined_into is null
                              limit lim) m
        order by v.score desc limit lim)`
}

/** The whole-name branches, as the name_search_nearest migration wrote them. */
function wholeNameBranch(table: 'person' | 'alias', name: string, matchedAlias: string): string {
  return `
      (select ${table === 'person' ? 'p.id' : 'al.person_id'}, similarity(${name}, q), ${matchedAlias}
         from ${table === 'person' ? 'person p' : 'person_alias al join person p on p.id = al.person_id'}
        where whole_name and ${name} % q and p.area_id = any(areas) and p.combined_into is null
        order by ${name} <-> q
        limit lim)`
}

function surnameBranchesBefore(): string {
  return [
    ['person', 'lower(p.surname)', 'null::text'],
    ['alias', 'lower(al.surname)', "al.forenames || ' ' || al.surname"],
  ]
    .map(([table, name, matched]) =>
      wholeNameBranch(table as 'person' | 'alias', name!, matched!).replace('where whole_name', 'where not whole_name'),
    )
    .join('\n      union all')
}

async function candidatesFunction(db: Kysely<any>, surnames: string): Promise<void> {
  await sql`
    create or replace function person_name_candidates(q text, whole_name boolean, areas uuid[], lim int)
      returns table (person_id uuid, score real, matched_alias text)
      language sql stable
      set enable_bitmapscan = off
    as $$
      ${sql.raw(
        [
          surnames,
          wholeNameBranch('person', "lower(p.surname || ' ' || p.forenames)", 'null::text'),
          wholeNameBranch('alias', "lower(al.surname || ' ' || al.forenames)", "al.forenames || ' ' || al.surname"),
        ].join('\n      union all'),
      )}
    $$`.execute(db)
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table surname_vocabulary (name text primary key, bearers integer not null)`.execute(db)
  await sql`create index surname_vocabulary_trgm on surname_vocabulary using gist (name gist_trgm_ops)`.execute(db)
  for (const table of bearers)
    await sql`create index ${sql.raw(`${table}_surname_idx`)} on ${sql.table(table)} (lower(surname))`.execute(db)

  // Worked out from nothing: by the migration now, and by the volume generator after a load.
  await sql`
    create function surname_vocabulary_rebuild() returns void language sql as $$
      delete from surname_vocabulary;
      insert into surname_vocabulary (name, bearers)
      select name, count(*) from (select lower(surname) as name from person
                                  union all select lower(surname) from person_alias) b
       group by name order by name;
    $$`.execute(db)

  // Each statement's net change per surname, one statement in name order (two transactions then
  // lock the same rows in one order). A surname's row is locked until commit by whoever changes
  // its count, so a name is never dropped while another transaction is adding a bearer of it. The
  // count has no check: a net loss is written as a negative insert that always meets its row.
  await sql`
    create function surname_vocabulary_follow() returns trigger language plpgsql as $$
    declare
      added text[] := '{}';
      removed text[] := '{}';
    begin
      if tg_op in ('INSERT', 'UPDATE') then
        select coalesce(array_agg(lower(surname)), '{}') into added from new_rows;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        select coalesce(array_agg(lower(surname)), '{}') into removed from old_rows;
      end if;
      insert into surname_vocabulary as v (name, bearers)
      select name, sum(n)::int
        from (select unnest(added) as name, 1 as n union all select unnest(removed), -1) c
       group by name having sum(n) <> 0
       order by name
      on conflict (name) do update set bearers = v.bearers + excluded.bearers;
      delete from surname_vocabulary where bearers = 0 and name = any(removed);
      return null;
    end
    $$`.execute(db)
  for (const table of bearers) await onEveryChange(db, table, 'surname_vocabulary', 'surname_vocabulary_follow')
  await sql`select surname_vocabulary_rebuild()`.execute(db)
  await candidatesFunction(db, surnameBranches())
  // The trigram indexes of every surname served only the surname search: the vocabulary's replaces them.
  for (const index of surnameTrigramIndexes) await sql`drop index if exists ${sql.id(index.name)}`.execute(db)
}

const surnameTrigramIndexes = [
  { name: 'person_surname_trgm', table: 'person' },
  { name: 'person_alias_surname_trgm', table: 'person_alias' },
] as const

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of surnameTrigramIndexes)
    await sql`create index ${sql.id(index.name)} on ${sql.table(index.table)} using gist ((lower(surname)) gist_trgm_ops)`.execute(
      db,
    )
  await candidatesFunction(db, surnameBranchesBefore())
  for (const table of bearers) {
    for (const event of events)
      await sql`drop trigger if exists ${sql.raw(`surname_vocabulary_${table}_${event}`)} on ${sql.table(table)}`.execute(
        db,
      )
    await sql`drop index if exists ${sql.raw(`${table}_surname_idx`)}`.execute(db)
  }
  await sql`drop function if exists surname_vocabulary_follow()`.execute(db)
  await sql`drop function if exists surname_vocabulary_rebuild()`.execute(db)
  await sql`drop table if exists surname_vocabulary`.execute(db)
}
