import { sql, type Kysely } from 'kysely'

// Foundation: areas, users, sessions, sign-in rate limits and the append-only,
// hash-chained audit log (DPA 2018 s62).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db)

  await db.schema
    .createTable('area')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('bcu', 'borough')`))
    .addColumn('parent_id', 'uuid', (c) => c.references('area.id'))
    .execute()

  await db.schema
    .createTable('app_user')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c
        .notNull()
        .check(sql`role in ('administrator', 'supervisor', 'iom_officer', 'dip_worker', 'cid_officer', 'partner')`),
    )
    .addColumn('agency', 'text', (c) =>
      c.check(sql`agency in ('council', 'probation', 'yos', 'mash', 'marac', 'treatment_provider')`),
    )
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('last_sign_in_at', 'timestamptz')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('partner_has_agency', sql`(role = 'partner') = (agency is not null)`)
    .execute()
  await sql`create unique index app_user_username_key on app_user (lower(username))`.execute(db)

  await db.schema
    .createTable('user_area')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('area_id', 'uuid', (c) => c.notNull().references('area.id'))
    .addPrimaryKeyConstraint('user_area_pkey', ['user_id', 'area_id'])
    .execute()

  // The shape connect-pg-simple expects; created here so the app never needs DDL rights.
  await sql`
    create table session (
      sid varchar not null primary key,
      sess json not null,
      expire timestamp(6) not null
    )`.execute(db)
  await sql`create index session_expire_idx on session (expire)`.execute(db)

  await db.schema
    .createTable('rate_limit_hit')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('rate_limit_hit_pkey', ['key', 'window_start'])
    .execute()

  await sql`create sequence audit_event_seq`.execute(db)
  await sql`
    create table audit_event (
      id bigint primary key,
      occurred_at timestamptz not null,
      category text not null check (category in
        ('collection', 'alteration', 'consultation', 'disclosure', 'combination', 'erasure',
         'security', 'administration')),
      event text not null,
      actor_user_id uuid,
      actor_username text,
      entity_type text,
      entity_id text,
      person_id uuid,
      purpose text,
      recipients text,
      request_id text,
      ip text,
      detail jsonb,
      prev_hash text not null,
      hash text not null
    )`.execute(db)
  await sql`create index audit_event_person_idx on audit_event (person_id, id) where person_id is not null`.execute(db)
  await sql`create index audit_event_actor_idx on audit_event (actor_user_id, id)`.execute(db)
  await sql`create index audit_event_time_idx on audit_event (occurred_at)`.execute(db)

  // quote_nullable keeps NULL and '' apart and makes the separator unambiguous.
  await sql`
    create function audit_event_canonical(e audit_event) returns text
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
        e.prev_hash)
    $$`.execute(db)

  // One chain: the advisory lock is held to commit, so ids, prev_hash and commit order agree
  // even when many transactions write audit rows at once.
  await sql`
    create function audit_event_chain() returns trigger
    language plpgsql as $$
    declare
      last_hash text;
    begin
      perform pg_advisory_xact_lock(7461000001);
      new.id := nextval('audit_event_seq');
      new.occurred_at := clock_timestamp();
      select a.hash into last_hash from audit_event a order by a.id desc limit 1;
      new.prev_hash := coalesce(last_hash, repeat('0', 64));
      new.hash := encode(sha256(convert_to(audit_event_canonical(new), 'UTF8')), 'hex');
      return new;
    end
    $$`.execute(db)
  await sql`
    create trigger audit_event_chain before insert on audit_event
    for each row execute function audit_event_chain()`.execute(db)

  await sql`
    create function audit_event_refuse_change() returns trigger
    language plpgsql as $$
    begin
      raise exception 'audit_event is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
    end
    $$`.execute(db)
  await sql`
    create trigger audit_event_no_update before update or delete on audit_event
    for each row execute function audit_event_refuse_change()`.execute(db)
  await sql`
    create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_event_refuse_change()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists audit_event`.execute(db)
  await sql`drop function if exists audit_event_chain()`.execute(db)
  await sql`drop function if exists audit_event_refuse_change()`.execute(db)
  await sql`drop sequence if exists audit_event_seq`.execute(db)
  await db.schema.dropTable('rate_limit_hit').ifExists().execute()
  await db.schema.dropTable('session').ifExists().execute()
  await db.schema.dropTable('user_area').ifExists().execute()
  await db.schema.dropTable('app_user').ifExists().execute()
  await db.schema.dropTable('area').ifExists().execute()
}
