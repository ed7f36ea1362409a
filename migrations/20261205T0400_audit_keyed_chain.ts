import { sql, type Kysely } from 'kysely'

// Each audit row's hash becomes an HMAC-SHA256 under a key the app keeps outside the database
// (AUDIT_KEY, or audit.key in DATA_DIR), so that someone who can change rows behind the trigger
// cannot forge a chain that verifies by hashing every later row again: without the key they
// cannot make the hashes.
//
// The key never reaches a table. audit_seal_keyed() takes the key's id and its HMAC pads
// (key xor ipad, key xor opad) as parameters, puts them in a transaction-local setting for the
// chaining trigger, seals through audit_seal() (so whichever columns a later migration has it
// move, it moves), and clears the setting. HMAC(K, m) = sha256(opad || sha256(ipad || m)), which
// the database's own sha256() computes: no pgcrypto, which PGlite does not ship.
//
// audit_key_segment says from which row each key was used: rows before the first segment were
// sealed before this change and keep their plain sha256; a new key (rotation) starts a new
// segment at the next row it seals. The trigger writes the segment with the first row it keys.
// Once the chain is keyed, a row cannot join it without the key: the trigger refuses it.

const chainTrigger = (keyed: boolean) => sql`
  create or replace function audit_event_chain() returns trigger
  language plpgsql as $$
  declare
    last_hash text;
    ${sql.raw(keyed ? 'key_setting text; key_id text; pads bytea;' : '')}
  begin
    perform pg_advisory_xact_lock(7461000001);
    new.id := nextval('audit_event_seq');
    new.occurred_at := coalesce(new.occurred_at, clock_timestamp());
    select a.hash into last_hash from audit_event a order by a.id desc limit 1;
    new.prev_hash := coalesce(last_hash, repeat('0', 64));
    ${sql.raw(keyed ? keyedHash : plainHash)}
    return new;
  end
  $$`

const plainHash = `new.hash := encode(sha256(convert_to(audit_event_canonical(new), 'UTF8')), 'hex');`

const keyedHash = `
    key_setting := coalesce(current_setting('cohort.audit_key', true), '');
    if key_setting = '' then
      if exists (select 1 from audit_key_segment) then
        raise exception 'the audit chain is keyed: rows join it through audit_seal_keyed(), with the key'
          using errcode = 'insufficient_privilege';
      end if;
      ${plainHash}
      return new;
    end if;
    key_id := split_part(key_setting, ':', 1);
    pads := decode(split_part(key_setting, ':', 2), 'hex');
    -- The segment is looked up once a seal, not once a row: the setting remembers it is in place.
    if coalesce(current_setting('cohort.audit_segment', true), '') <> key_id then
      if (select s.key_id from audit_key_segment s order by s.first_id desc limit 1) is distinct from key_id then
        insert into audit_key_segment (first_id, key_id) values (new.id, key_id);
      end if;
      perform set_config('cohort.audit_segment', key_id, true);
    end if;
    new.hash := encode(sha256(substring(pads from 65 for 64)
      || sha256(substring(pads from 1 for 64) || convert_to(audit_event_canonical(new), 'UTF8'))), 'hex');`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table audit_key_segment (
      first_id bigint primary key,
      key_id text not null check (key_id ~ '^[0-9a-f]{16}$'),
      started_at timestamptz not null default clock_timestamp()
    )`.execute(db)
  // Append-only like the log it describes; the app's role may read it and nothing else.
  await sql`
    create function audit_key_segment_refuse_change() returns trigger
    language plpgsql as $$
    begin
      raise exception 'audit_key_segment is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db)
  await sql`
    create trigger audit_key_segment_no_update before update or delete on audit_key_segment
    for each row execute function audit_key_segment_refuse_change()`.execute(db)
  await sql`
    create trigger audit_key_segment_no_truncate before truncate on audit_key_segment
    for each statement execute function audit_key_segment_refuse_change()`.execute(db)
  await sql`revoke insert, update, delete, truncate, references, trigger on audit_key_segment from cohort_app`.execute(
    db,
  )

  await chainTrigger(true).execute(db)

  await sql`
    create function audit_seal_keyed(wait boolean, key_id text, pads bytea) returns integer
    language plpgsql security definer set search_path = public, pg_temp as $$
    declare
      moved integer;
    begin
      if key_id !~ '^[0-9a-f]{16}$' or octet_length(pads) <> 128 then
        raise exception 'audit_seal_keyed needs a key id of 16 hex digits and 128 bytes of HMAC pads';
      end if;
      perform set_config('cohort.audit_key', key_id || ':' || encode(pads, 'hex'), true);
      moved := audit_seal(wait);
      perform set_config('cohort.audit_key', '', true);
      perform set_config('cohort.audit_segment', '', true);
      return moved;
    end
    $$`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists audit_seal_keyed(boolean, text, bytea)`.execute(db)
  await chainTrigger(false).execute(db)
  await sql`drop table if exists audit_key_segment`.execute(db)
  await sql`drop function if exists audit_key_segment_refuse_change()`.execute(db)
}
