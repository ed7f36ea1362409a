import { sql, type Kysely } from 'kysely'

// The idempotency key of a form post, written in the same transaction as what the post wrote,
// with the service's answer. A repeated post with the same key (a double click, or a retry after
// the first answer was lost) writes nothing and gets that answer again. Keys are a day old at
// most: the hourly sweep deletes older ones.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table idempotency_key (
      key uuid primary key,
      user_id uuid not null references app_user(id) on delete cascade,
      scope text not null check (length(scope) <= 300),
      result jsonb,
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index idempotency_key_created_idx on idempotency_key (created_at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists idempotency_key`.execute(db)
}
