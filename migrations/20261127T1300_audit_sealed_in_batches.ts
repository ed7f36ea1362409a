import { sql, type Kysely } from 'kysely'

// An audit row no longer joins the chain in its own transaction: it is written to audit_pending,
// committed (and flushed to disk) with the act, and moved into the chain soon after, many rows at
// a time, by audit_seal().
//
// The chain has one lock, and a lock is released only once its transaction's commit is on disk.
// Chaining each page's row at its own commit therefore queued every audited page behind every
// other's flush: under ten sessions at 100,000 people, backends waited on that lock or on the
// flush as often as they ran their queries. Now each page flushes its own commit without the lock
// (concurrent commits share a flush), and the lock is taken once per batch.
//
// The row is as durable as before (it commits with the act or not at all) and gets the same hash
// and link when sealed; occurred_at keeps the time it was written, not the time it was chained.
// A reader of the log seals first (audit_seal(true) waits for the lock), so it sees every row
// committed before it asked. The chain's order is the order rows are sealed in: a transaction
// that commits late has its rows chained after rows written later but committed sooner.
/** The chaining trigger's function, as the foundation migration wrote it but for the row's time. */
function chainTrigger(time: 'the time it was written' | 'the time it was chained') {
  const occurredAt =
    time === 'the time it was written' ? 'coalesce(new.occurred_at, clock_timestamp())' : 'clock_timestamp()'
  return sql`
    create or replace function audit_event_chain() returns trigger
    language plpgsql as $$
    declare
      last_hash text;
    begin
      perform pg_advisory_xact_lock(7461000001);
      new.id := nextval('audit_event_seq');
      new.occurred_at := ${sql.raw(occurredAt)};
      select a.hash into last_hash from audit_event a order by a.id desc limit 1;
      new.prev_hash := coalesce(last_hash, repeat('0', 64));
      new.hash := encode(sha256(convert_to(audit_event_canonical(new), 'UTF8')), 'hex');
      return new;
    end
    $$`
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop trigger audit_pending_chain on audit_pending`.execute(db)
  await sql`drop function audit_pending_chain()`.execute(db)
  await sql`drop index audit_pending_xact_idx`.execute(db)
  await sql`alter table audit_pending drop column xact`.execute(db)
  await sql`alter table audit_pending add column occurred_at timestamptz not null default clock_timestamp()`.execute(db)
  // Rows come and go all day and the table is near empty between batches: vacuum it by count,
  // not by a fraction of a size that is always about nothing.
  await sql`alter table audit_pending set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000)`.execute(
    db,
  )

  // As before, except that a row brought from audit_pending keeps the time it was written.
  await chainTrigger('the time it was written').execute(db)

  // Moves every committed pending row into the chain, in the order written, and says how many.
  // wait = false is for the background sealer: if another instance holds the lock, that one is
  // already sealing and this call returns 0 at once. Each statement here sees what has committed
  // by the time it starts, so the DELETE, run with the lock held, sees the rows any earlier
  // sealer left and none that it took.
  await sql`
    create function audit_seal(wait boolean) returns integer
    language plpgsql as $$
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
      insert into audit_event (occurred_at, category, event, actor_user_id, actor_username, entity_type, entity_id, person_id, purpose, recipients, request_id, ip, detail)
      select occurred_at, category, event, actor_user_id, actor_username, entity_type, entity_id, person_id, purpose, recipients, request_id, ip, detail
        from taken order by seq;
      get diagnostics moved = row_count;
      return moved;
    end
    $$`.execute(db)

  // The app's role may write a pending row and read it, and nothing else: audit_seal() runs as
  // the owner, so the one way a pending row leaves the table is into the chain. (Before, a row
  // lived in audit_pending only inside its own transaction; now it waits there committed.)
  await sql`alter function audit_seal(boolean) security definer set search_path = public, pg_temp`.execute(db)
  await sql`revoke update, delete, truncate, references, trigger on audit_pending from cohort_app`.execute(db)

  // audit_pending was empty between transactions before this, so no row is left behind.
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`select audit_seal(true)`.execute(db)
  await sql`grant update, delete on audit_pending to cohort_app`.execute(db)
  await sql`drop function audit_seal(boolean)`.execute(db)
  await chainTrigger('the time it was chained').execute(db)
  await sql`alter table audit_pending reset (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)`.execute(db)
  await sql`alter table audit_pending drop column occurred_at`.execute(db)
  await sql`alter table audit_pending add column xact bigint not null default txid_current()`.execute(db)
  await sql`create index audit_pending_xact_idx on audit_pending (xact)`.execute(db)
  await sql`
    create function audit_pending_chain() returns trigger language plpgsql as $$
    begin
      with taken as (delete from audit_pending where xact = txid_current() returning *)
      insert into audit_event (category, event, actor_user_id, actor_username, entity_type, entity_id, person_id, purpose, recipients, request_id, ip, detail)
      select category, event, actor_user_id, actor_username, entity_type, entity_id, person_id, purpose, recipients, request_id, ip, detail
        from taken order by seq;
      return null;
    end
    $$`.execute(db)
  await sql`
    create constraint trigger audit_pending_chain after insert on audit_pending
      deferrable initially deferred for each row execute function audit_pending_chain()`.execute(db)
}
