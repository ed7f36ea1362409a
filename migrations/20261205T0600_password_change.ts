import { sql, type Kysely } from 'kysely'

// An administrator who resets a password knows it: the user must choose their own at their next
// sign-in. The default is false, so existing accounts (the demo ones included) are not forced,
// and adding the column with a constant default rewrites no rows.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table app_user add column must_change_password boolean not null default false`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table app_user drop column must_change_password`.execute(db)
}
