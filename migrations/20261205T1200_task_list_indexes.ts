import { sql, type Kysely } from 'kysely'

// The task list finds open partner links through the few sharing agreements that end within 30
// days; without this index each such agreement would read every partner link.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index partner_link_agreement_open_idx on partner_link (agreement_id) where status = 'open'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists partner_link_agreement_open_idx`.execute(db)
}
