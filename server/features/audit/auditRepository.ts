import { sql, type Kysely } from 'kysely'
import type { AuditCategory, Database } from '../../../db/types.ts'

/** Who is acting and on which request: taken from the request by the route, passed to services. */
export type Actor = {
  userId: string | null
  username: string | null
  requestId: string | null
  ip: string | null
  /** The form post's idempotency key: a write made with writeOnce is done once per key. */
  idempotency?: { key: string; scope: string } | undefined
}

export type AuditEntry = {
  category: AuditCategory
  event: string
  entityType?: string
  entityId?: string
  personId?: string
  purpose?: string
  recipients?: string
  detail?: Record<string, unknown>
}

/**
 * Appends one row to the audit chain. Call it with the transaction that does the act, so
 * the act and its record commit together or not at all.
 */
export async function recordAudit(db: Kysely<Database>, actor: Actor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      category: entry.category,
      event: entry.event,
      actor_user_id: actor.userId,
      actor_username: actor.username,
      entity_type: entry.entityType ?? null,
      entity_id: entry.entityId ?? null,
      person_id: entry.personId ?? null,
      purpose: entry.purpose ?? null,
      recipients: entry.recipients ?? null,
      request_id: actor.requestId,
      ip: actor.ip,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })
    .execute()
}

export type ChainCheck = { rowsChecked: number; firstBrokenId: string | null; reason: string | null }

/** Recomputes every hash and link in one pass inside the database and names the first bad row. */
export async function verifyAuditChain(db: Kysely<Database>): Promise<ChainCheck> {
  const result = await sql<{ rows_checked: number; first_broken_id: string | null; reason: string | null }>`
    with checked as (
      select a.id,
        a.hash <> encode(sha256(convert_to(audit_event_canonical(a), 'UTF8')), 'hex') as hash_wrong,
        a.prev_hash <> coalesce(lag(a.hash) over (order by a.id), repeat('0', 64)) as link_wrong
      from audit_event a
    )
    select
      (select count(*) from checked)::int as rows_checked,
      b.id::text as first_broken_id,
      case when b.hash_wrong then 'row contents do not match its hash'
           when b.link_wrong then 'previous-hash link broken (a row was removed or reordered)' end as reason
    from (select 1) one
    left join lateral (
      select id, hash_wrong, link_wrong from checked where hash_wrong or link_wrong order by id limit 1
    ) b on true`.execute(db)
  const row = result.rows[0]
  return {
    rowsChecked: row?.rows_checked ?? 0,
    firstBrokenId: row?.first_broken_id ?? null,
    reason: row?.reason ?? null,
  }
}
