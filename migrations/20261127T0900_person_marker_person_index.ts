import { sql, type Kysely } from 'kysely'

// Every marker of a person, ended ones too (the person page's warning markers panel; moving a
// record's markers in a combination; deleting a person). Until now only current markers were
// indexed, so the panel read the whole table: at 100,000 people, 66,000 markers and 5.6 ms of
// each person page.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index person_marker_person_idx on person_marker (person_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists person_marker_person_idx`.execute(db)
}
