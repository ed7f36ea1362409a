import { sql, type Kysely } from 'kysely'

// A custody drug-test CSV between its preview and its commit. The file is kept here, not in
// the process, so the commit works on any app instance and is checked again from the same
// bytes; only the uploader may commit it, and the row is deleted when it is committed or
// when it is a day old.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table drug_test_import (
      id uuid primary key default gen_random_uuid(),
      created_by uuid not null references app_user(id),
      created_at timestamptz not null default now(),
      file_name text not null,
      content text not null,
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$')
    )`.execute(db)
  await sql`create index drug_test_import_created_idx on drug_test_import (created_at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists drug_test_import`.execute(db)
}
