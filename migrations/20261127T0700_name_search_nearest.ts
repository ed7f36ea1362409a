import { sql, type Kysely } from 'kysely'

// Name search wants the GiST trigram indexes read nearest first, stopping after the best 50
// (ORDER BY name <-> query LIMIT 50). The planner, which cannot estimate how many names are
// similar to a query, often chose instead to collect every similar name through a bitmap and
// sort them: for a common surname at 100,000 people, 771 rows and 17 ms where the nearest-first
// scan takes 1 ms. The candidates are therefore found by this function, whose own setting rules
// bitmap scans out for its queries alone.
//
// A one-word query is a surname, of the person or of an alias; more words, a whole name.
export async function up(db: Kysely<any>): Promise<void> {
  const branch = (table: 'person' | 'alias', name: string, matchedAlias: string, when: string) => `
      (select ${table === 'person' ? 'p.id' : 'al.person_id'}, similarity(${name}, q), ${matchedAlias}
         from ${table === 'person' ? 'person p' : 'person_alias al join person p on p.id = al.person_id'}
        where ${when} and ${name} % q and p.area_id = any(areas) and p.combined_into is null
        order by ${name} <-> q
        limit lim)`
  await sql`
    create function person_name_candidates(q text, whole_name boolean, areas uuid[], lim int)
      returns table (person_id uuid, score real, matched_alias text)
      language sql stable
      set enable_bitmapscan = off
    as $$
      ${sql.raw(
        [
          branch('person', 'lower(p.surname)', 'null::text', 'not whole_name'),
          branch('alias', 'lower(al.surname)', "al.forenames || ' ' || al.surname", 'not whole_name'),
          branch('person', "lower(p.surname || ' ' || p.forenames)", 'null::text', 'whole_name'),
          branch(
            'alias',
            "lower(al.surname || ' ' || al.forenames)",
            "al.forenames || ' ' || al.surname",
            'whole_name',
          ),
        ].join('\n      union all'),
      )}
    $$`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists person_name_candidates(text, boolean, uuid[], int)`.execute(db)
}
