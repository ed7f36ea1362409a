import { sql, type Kysely } from 'kysely'

// Name search ranks by trigram similarity and shows the best 50. A GiST trigram index can hand
// rows over nearest first (ORDER BY name <-> query), so a search stops after the 50 best of each
// kind of match; a GIN index can only say which rows match, and every match (hundreds, for a
// common surname at 100,000 people) was read and sorted. GiST answers % (the duplicate check) too.
const indexes = [
  { name: 'person_name_trgm', table: 'person', expression: "(lower(surname || ' ' || forenames))" },
  { name: 'person_surname_trgm', table: 'person', expression: '(lower(surname))' },
  { name: 'person_alias_name_trgm', table: 'person_alias', expression: "(lower(surname || ' ' || forenames))" },
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const index of indexes) {
    await sql`drop index if exists ${sql.id(index.name)}`.execute(db)
    await sql
      .raw(`create index ${index.name} on ${index.table} using gist (${index.expression} gist_trgm_ops)`)
      .execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of indexes) {
    await sql`drop index if exists ${sql.id(index.name)}`.execute(db)
    await sql
      .raw(`create index ${index.name} on ${index.table} using gin (${index.expression} gin_trgm_ops)`)
      .execute(db)
  }
}
