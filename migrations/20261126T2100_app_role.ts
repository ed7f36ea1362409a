import { sql, type Kysely } from 'kysely'

// The app works as cohort_app, a role that owns nothing: it may read and write the case tables
// but may only read and append to audit_event. The trigger refuses UPDATE, DELETE and TRUNCATE
// too; the grants make that hold even for someone who could drop or disable a trigger, which
// only the owner (the role that runs migrations) can do.
export async function up(db: Kysely<any>): Promise<void> {
  // Roles belong to the whole server, so another database on it may have made this one already,
  // perhaps at this very moment (unique_violation from a concurrent CREATE ROLE).
  await sql`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = 'cohort_app') then
        create role cohort_app nologin;
      end if;
    exception when duplicate_object or unique_violation then null;
    end
    $$`.execute(db)
  await sql`grant usage on schema public to cohort_app`.execute(db)
  await sql`grant select, insert, update, delete on all tables in schema public to cohort_app`.execute(db)
  await sql`grant usage, select on all sequences in schema public to cohort_app`.execute(db)
  await sql`revoke update, delete, truncate, references, trigger on audit_event from cohort_app`.execute(db)
  await sql`revoke insert, update, delete on kysely_migration, kysely_migration_lock from cohort_app`.execute(db)
  // Tables that later migrations create, as this same owner, get the same grants; a later
  // append-only table must revoke its own, as audit_event does above.
  await sql`alter default privileges in schema public grant select, insert, update, delete on tables to cohort_app`.execute(
    db,
  )
  await sql`alter default privileges in schema public grant usage, select on sequences to cohort_app`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter default privileges in schema public revoke all on tables from cohort_app`.execute(db)
  await sql`alter default privileges in schema public revoke all on sequences from cohort_app`.execute(db)
  await sql`revoke all on all tables in schema public from cohort_app`.execute(db)
  await sql`revoke all on all sequences in schema public from cohort_app`.execute(db)
  await sql`revoke usage on schema public from cohort_app`.execute(db)
}
