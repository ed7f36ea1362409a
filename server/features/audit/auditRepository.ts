import { sql, type Kysely } from 'kysely'
import type { AuditCategory, Database } from '../../../db/types.ts'
import { hmacPads, processAuditKeys, type AuditKeyRing } from './auditKey.ts'

/** Who is acting and on which request: taken from the request by the route, passed to services. */
export type Actor = {
  userId: string | null
  username: string | null
  requestId: string | null
  /** The X-Request-Id the client sent, when it had the accepted shape: kept beside requestId, never instead of it. */
  clientRequestId?: string | null | undefined
  ip: string | null
  /** The form post's idempotency key: a write made with writeOnce is done once per key. */
  idempotency?: { key: string; scope: string } | undefined
  /** The purpose stated for a restricted record: every row the request writes carries it. */
  purpose?: string | undefined
  /** Counts the rows the request writes, so a form shown again can tell whether its consultation is logged. */
  rowsWritten?: { count: number } | undefined
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
 * Writes one audit row. Call it with the transaction that does the act, so the act and its
 * record commit together or not at all.
 *
 * The row goes to audit_pending, which takes no lock: it is on disk once its transaction commits,
 * and joins the hash chain soon after, when the sealer moves the committed rows in one batch
 * (see the audit_sealed_in_batches migration). Whatever reads the log calls sealAuditLog first.
 */
export async function recordAudit(db: Kysely<Database>, actor: Actor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_pending')
    .values({
      category: entry.category,
      event: entry.event,
      actor_user_id: actor.userId,
      actor_username: actor.username,
      entity_type: entry.entityType ?? null,
      entity_id: entry.entityId ?? null,
      person_id: entry.personId ?? null,
      purpose: entry.purpose ?? actor.purpose ?? null,
      recipients: entry.recipients ?? null,
      request_id: actor.requestId,
      client_request_id: actor.clientRequestId ?? null,
      ip: actor.ip,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })
    .execute()
  if (actor.rowsWritten) actor.rowsWritten.count += 1
}

/**
 * The consultation of a list of people: one row naming everyone it showed, with what else the
 * list was (its filters, say); none for an empty list, which shows no one.
 */
export async function recordListConsulted(
  db: Kysely<Database>,
  actor: Actor,
  event: string,
  personIds: readonly string[],
  detail: Record<string, unknown> = {},
): Promise<void> {
  if (personIds.length === 0) return
  await recordAudit(db, actor, { category: 'consultation', event, detail: { ...detail, personIds } })
}

/** A list read by a service, logged as consulted (the person of each row) and answered as it is. */
export async function listConsulted<Row>(
  db: Kysely<Database>,
  actor: Actor,
  event: string,
  rows: Row[],
  personOf: (row: Row) => string,
  detail: Record<string, unknown> = {},
): Promise<Row[]> {
  await recordListConsulted(db, actor, event, rows.map(personOf), detail)
  return rows
}

/** The consultation of a person's record: one row per page that shows it, with the purpose given for a restricted one. */
export function recordPersonViewed(
  db: Kysely<Database>,
  actor: Actor,
  personId: string,
  purpose: string | undefined,
  detail?: Record<string, unknown>,
): Promise<void> {
  return recordAudit(db, actor, {
    category: 'consultation',
    event: 'person.viewed',
    entityType: 'person',
    entityId: personId,
    personId,
    ...(purpose ? { purpose } : {}),
    ...(detail ? { detail } : {}),
  })
}

/**
 * The consultation of one record about a person, if the lookup found it: logged, then the row
 * answered as it is. A record not found shows no one, so nothing is logged.
 */
export async function recordViewed<Row extends { person_id: string }>(
  db: Kysely<Database>,
  actor: Actor,
  row: Row | undefined,
  event: string,
  entityType: string,
  entityId: string,
): Promise<Row | undefined> {
  if (row)
    await recordAudit(db, actor, { category: 'consultation', event, entityType, entityId, personId: row.person_id })
  return row
}

/**
 * Moves every committed audit row into the chain and says how many it moved. Whatever reads
 * audit_event calls this first, so it sees every row committed before it asked. With
 * { wait: false } it returns 0 at once if another connection is sealing already.
 * Rows are sealed with the process's audit key (HMAC-SHA256; see the audit_keyed_chain
 * migration); without one, only a chain that has never been keyed can be sealed.
 */
export async function sealAuditLog(
  db: Kysely<Database>,
  options: { wait?: boolean; keys?: AuditKeyRing | undefined } = {},
): Promise<number> {
  const wait = options.wait ?? true
  const key = (options.keys ?? processAuditKeys())?.current
  const result = key
    ? await sql<{ moved: number }>`select audit_seal_keyed(${wait}, ${key.id}, ${hmacPads(key)}) as moved`.execute(db)
    : await sql<{ moved: number }>`select audit_seal(${wait}) as moved`.execute(db)
  return result.rows[0]?.moved ?? 0
}

// The chain's check lives beside it; its importers find it here, where it always was.
