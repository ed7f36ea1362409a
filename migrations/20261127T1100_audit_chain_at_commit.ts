import { sql, type Kysely } from 'kysely'

// An audit row written inside a transaction joins the chain when the transaction commits, not
// when it is written.
//
// The chain has one lock, held from the row's insert to the commit. A form's transaction wrote
// its audit row and then still went back to the app twice (the idempotency key's result, then
// COMMIT), so under load every writer queued for the lock behind another writer's round trips:
// sampled at 100,000 people, ten writers recording attendance spent most of their time waiting
// for it or for the report tallies' rows, whose locks the same transactions held meanwhile.
//
// Now the row waits in audit_pending, seen by its own transaction only. A deferred trigger moves
// the transaction's rows into audit_event at COMMIT, after the tallies and the CID listing have
// caught up (their triggers were queued first), so the lock is held for the chaining and the
// commit alone. The row is the same row, with the same hash and link, and it commits with the
// act or not at all, as before; a statement outside a transaction still writes audit_event
// directly. The pending table is not the log: its rows never outlive their transaction.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table audit_pending (
      seq bigint generated always as identity primary key,
      xact bigint not null default txid_current(),
      category text not null,
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
      detail jsonb
    )`.execute(db)
  // Each commit takes its own rows by this index; the others' (in flight) it never reads.
  await sql`create index audit_pending_xact_idx on audit_pending (xact)`.execute(db)

  // Every row of the transaction, in the order written; the first call takes them all and the
  // calls for its other rows find none left.
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

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists audit_pending`.execute(db)
  await sql`drop function if exists audit_pending_chain()`.execute(db)
}
