import { sql, type Kysely } from 'kysely'

// The supervisor's team is paged in name order (decision 0135): read from this index, each
// officer asked by key whether they work in the areas, a page costs its own officers, not a
// sort of every officer of the areas (2,003 at 1,000,000 people).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index app_user_display_name_idx on app_user (display_name, id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists app_user_display_name_idx`.execute(db)
}
