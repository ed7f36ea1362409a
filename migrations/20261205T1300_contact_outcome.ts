import { sql, type Kysely } from 'kysely'

// What came of a contact (server/decisions/0115): a fixed list the database checks, as for the
// other fixed lists. Nullable, because contacts recorded before it say nothing about their outcome
// and nothing can be invented for them; the form and the service require it of every new contact.
// The contact history's filters need no new index: every one is bounded by the person, and
// contact_person_idx (person_id, contact_date desc, recorded_at desc) already reads a person's
// contacts newest first.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table contact add column outcome text
      check (outcome in ('engaged', 'partially_engaged', 'did_not_engage', 'not_seen', 'refused', 'other'))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table contact drop column if exists outcome`.execute(db)
}
