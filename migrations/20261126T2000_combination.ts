import { sql, type Kysely } from 'kysely'

// Combining duplicate person records (DPA 2018 s62 "combination"). The merged record is kept,
// pointing at the record it was combined into, and every row that moved is listed, so that the
// combination can be reversed exactly within 30 days. Removing the kept record removes the
// merged one and the combination's own rows with it (disposal erases both).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table person add column combined_into uuid references person(id) on delete cascade`.execute(db)
  await sql`create index person_combined_into_idx on person (combined_into) where combined_into is not null`.execute(db)

  await sql`
    create table person_combination (
      id uuid primary key default gen_random_uuid(),
      survivor_id uuid not null references person(id) on delete cascade,
      merged_id uuid not null references person(id) on delete cascade,
      reason text not null,
      combined_by uuid references app_user(id),
      combined_at timestamptz not null default now(),
      reversed_at timestamptz,
      reversed_by uuid references app_user(id),
      reversal_reason text,
      version integer not null default 1,
      check (survivor_id <> merged_id),
      check ((reversed_at is null) = (reversal_reason is null))
    )`.execute(db)
  await sql`create index person_combination_survivor_idx on person_combination (survivor_id, combined_at desc)`.execute(
    db,
  )
  await sql`create index person_combination_merged_idx on person_combination (merged_id, combined_at desc)`.execute(db)
  // A record is combined into at most one other at a time.
  await sql`create unique index person_combination_one_current on person_combination (merged_id) where reversed_at is null`.execute(
    db,
  )

  // One row per reference the combination changed: a row moved (its person column), a row added
  // (an alias made from the merged record's name), or a field of a person record (old and new value).
  await sql`
    create table person_combination_change (
      id uuid primary key default gen_random_uuid(),
      combination_id uuid not null references person_combination(id) on delete cascade,
      change text not null check (change in ('moved', 'added', 'field')),
      table_name text not null,
      row_id uuid not null,
      column_name text,
      old_value text,
      new_value text,
      check ((change = 'added') = (column_name is null))
    )`.execute(db)
  await sql`create index person_combination_change_idx on person_combination_change (combination_id, table_name)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists person_combination_change`.execute(db)
  await sql`drop table if exists person_combination`.execute(db)
  await sql`alter table person drop column if exists combined_into`.execute(db)
}
