import { sql, type Kysely } from 'kysely'

// request_id is now always the server's own id (a uuid it made); the id a client or proxy sent
// in X-Request-Id is kept beside it, in client_request_id, and only when it has the strict shape
// the app accepts (the check here refuses anything else, whatever the app lets through).
//
// The column is nullable with no default, so adding it rewrites nothing. The canonical text
// that is hashed names it only when it is set: concat_ws skips a NULL argument, so every row
// already in the chain hashes as it did and the chain still verifies. audit_seal() is written
// out whole again (as 20261127T1300 left it, with the new column moved too): CREATE OR REPLACE
// resets what it does not name, so it names security definer and the search path again.

const seal = (columns: string) => sql`
  create or replace function audit_seal(wait boolean) returns integer
  language plpgsql security definer set search_path = public, pg_temp as $$
  declare
    moved integer;
  begin
    if not exists (select 1 from audit_pending) then
      return 0;
    end if;
    if wait then
      perform pg_advisory_xact_lock(7461000001);
    elsif not pg_try_advisory_xact_lock(7461000001) then
      return 0;
    end if;
    with taken as (delete from audit_pending returning *)
    insert into audit_event (occurred_at, ${sql.raw(columns)})
    select occurred_at, ${sql.raw(columns)}
      from taken order by seq;
    get diagnostics moved = row_count;
    return moved;
  end
  $$`

const columnsBefore =
  'category, event, actor_user_id, actor_username, entity_type, entity_id, person_id, purpose, recipients, request_id, ip, detail'

const canonical = (withClientId: boolean) => sql`
  create or replace function audit_event_canonical(e audit_event) returns text
  language sql immutable as $$
    select concat_ws('|',
      e.id::text,
      ((extract(epoch from e.occurred_at) * 1000000)::bigint)::text,
      quote_nullable(e.category), quote_nullable(e.event),
      quote_nullable(e.actor_user_id::text), quote_nullable(e.actor_username),
      quote_nullable(e.entity_type), quote_nullable(e.entity_id),
      quote_nullable(e.person_id::text), quote_nullable(e.purpose),
      quote_nullable(e.recipients), quote_nullable(e.request_id),
      quote_nullable(e.ip), quote_nullable(e.detail::text),
      ${sql.raw(withClientId ? "'client:' || quote_literal(e.client_request_id)," : '')}
      e.prev_hash)
  $$`

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_pending', 'audit_event']) {
    await sql`
      alter table ${sql.table(table)}
        add column client_request_id text
          constraint ${sql.raw(`${table}_client_request_id_shape`)} check (client_request_id ~ '^[A-Za-z0-9._-]{8,64}$')`.execute(
      db,
    )
  }
  await canonical(true).execute(db)
  await seal(`${columnsBefore}, client_request_id`).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`select audit_seal(true)`.execute(db)
  await seal(columnsBefore).execute(db)
  await canonical(false).execute(db)
  await sql`alter table audit_event drop column client_request_id`.execute(db)
  await sql`alter table audit_pending drop column client_request_id`.execute(db)
}
