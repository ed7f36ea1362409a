import { sql, type Kysely } from 'kysely'

// What an officer needs to recognise someone: a physical description on the person, and one
// custody photograph per person (a replacement overwrites it: the superseded photograph is not
// kept, and the audit log says who replaced it and when). The image is always a JPEG the app
// re-encoded itself, never the uploaded file. The new columns are nullable with no default, so
// adding them rewrites nothing. cohort_app gets the new table's privileges from the default
// privileges set in 20261126T2100_app_role (this table is not append-only: nothing to revoke).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table person
      add column height_cm integer constraint person_height_cm_range check (height_cm between 100 and 250),
      add column build text constraint person_build_known check (build in ('slim', 'medium', 'stocky', 'heavy', 'athletic')),
      add column hair text constraint person_hair_length check (char_length(hair) <= 100),
      add column eyes text constraint person_eyes_known check (eyes in ('blue', 'brown', 'green', 'grey', 'hazel', 'other')),
      add column distinguishing_marks text constraint person_marks_length check (char_length(distinguishing_marks) <= 500)`.execute(
    db,
  )

  await sql`
    create table person_photo (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null unique references person(id) on delete cascade,
      image bytea not null check (octet_length(image) between 1 and 5242880),
      width integer not null check (width between 1 and 10000),
      height integer not null check (height between 1 and 10000),
      uploaded_by uuid references app_user(id),
      uploaded_at timestamptz not null default now()
    )`.execute(db)
  // A JPEG does not compress: store it out of line as it is, without trying.
  await sql`alter table person_photo alter column image set storage external`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists person_photo`.execute(db)
  await sql`
    alter table person
      drop column if exists distinguishing_marks,
      drop column if exists eyes,
      drop column if exists hair,
      drop column if exists build,
      drop column if exists height_cm`.execute(db)
}
