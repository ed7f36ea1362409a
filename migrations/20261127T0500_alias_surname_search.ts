import { sql, type Kysely } from 'kysely'

// A one-word name search is a surname: of the person, or of a name they are also known by. The
// aliases' surnames get the same nearest-first GiST trigram index as the people's.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index person_alias_surname_trgm on person_alias using gist ((lower(surname)) gist_trgm_ops)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists person_alias_surname_trgm`.execute(db)
}
