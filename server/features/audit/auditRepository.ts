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
      purpose: entry.purpose ?? null,
      recipients: entry.recipients ?? null,
      request_id: actor.requestId,
      ip: actor.ip,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })
    .execute()
}

/** The consultation of a person's record: one row per page that shows it, with the purpose given for a restricted one. */
export function recordPersonViewed(db: Kysely<Database>, actor: Actor, personId: string, purpose: string | undefined, detail?: Record<string, unknown>): Promise<void> {
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
 * Moves every committed audit row into the chain and says how many it moved. Whatever reads
 * audit_event calls this first, so it sees every row committed before it asked. With
 * { wait: false } it returns 0 at once if another connection is sealing already.
 */
export async function sealAuditLog(db: Kysely<Database>, options: { wait?: boolean } = {}): Promise<number> {
  const result = await sql<{ moved: number }>`select audit_seal(${options.wait ?? true}) as moved`.execute(db)
  return result.rows[0]?.moved ?? 0
}

export type ChainCheck = { rowsChecked: number; firstBrokenId: string | null; reason: string | null }

const genesis = '0'.repeat(64)
const reasons = {
  hash: 'row contents do not match its hash',
  link: 'previous-hash link broken (a row was removed or reordered)',
}

type Segment = { rows: number; firstId: string | null; firstPrev: string | null; lastHash: string | null; brokenId: string | null; reason: string | null }

/**
 * Recomputes every hash and link inside the database and names the first bad row. The log is
 * checked in id ranges, several at once (each range is one index range scan, hashed by one
 * backend), and the link between ranges is checked here: the first row of each range must
 * point at the last row of the range before it, as every other row points at its predecessor.
 */
export async function verifyAuditChain(db: Kysely<Database>, options: { chunkSize?: number; parallel?: number } = {}): Promise<ChainCheck> {
  await sealAuditLog(db)
  const chunkSize = options.chunkSize ?? 200_000
  const parallel = Math.max(1, options.parallel ?? 1)
  const bounds = await sql<{ lo: string | null; hi: string | null }>`select min(id)::text as lo, max(id)::text as hi from audit_event`.execute(db)
  const lo = bounds.rows[0]?.lo
  const hi = bounds.rows[0]?.hi
  if (!lo || !hi) return { rowsChecked: 0, firstBrokenId: null, reason: null }

  const ranges: [bigint, bigint][] = []
  for (let from = BigInt(lo); from <= BigInt(hi); from += BigInt(chunkSize)) ranges.push([from, from + BigInt(chunkSize) - 1n])
  const segments: Segment[] = new Array(ranges.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(parallel, ranges.length) }, async () => {
    while (next < ranges.length) {
      const index = next++
      const [from, to] = ranges[index]!
      segments[index] = await checkSegment(db, String(from), String(to))
    }
  }))

  let rowsChecked = 0
  let firstBroken: { id: string; reason: string } | null = null
  let previousHash = genesis
  for (const segment of segments) {
    rowsChecked += segment.rows
    if (segment.rows === 0) continue
    if (!firstBroken) {
      // The segment's own first bad row comes first; if that is its first row, a wrong hash is the better reason.
      if (segment.brokenId && segment.brokenId === segment.firstId && segment.reason === reasons.hash) firstBroken = { id: segment.brokenId, reason: reasons.hash }
      else if (segment.firstPrev !== previousHash) firstBroken = { id: segment.firstId!, reason: reasons.link }
      else if (segment.brokenId) firstBroken = { id: segment.brokenId, reason: segment.reason! }
    }
    previousHash = segment.lastHash!
  }
  return { rowsChecked, firstBrokenId: firstBroken?.id ?? null, reason: firstBroken?.reason ?? null }
}

async function checkSegment(db: Kysely<Database>, from: string, to: string): Promise<Segment> {
  const result = await sql<{ rows: number; first_id: string | null; first_prev: string | null; last_hash: string | null; broken_id: string | null; hash_wrong: boolean | null }>`
    with checked as materialized (
      select a.id, a.prev_hash, a.hash,
        a.hash <> encode(sha256(convert_to(audit_event_canonical(a), 'UTF8')), 'hex') as hash_wrong,
        a.prev_hash <> lag(a.hash) over (order by a.id) as link_wrong
      from audit_event a
      where a.id between ${from}::int8 and ${to}::int8
    )
    select
      (select count(*) from checked)::int as rows,
      f.id::text as first_id, f.prev_hash as first_prev,
      (select hash from checked order by id desc limit 1) as last_hash,
      b.id::text as broken_id, b.hash_wrong
    from (select 1) one
    left join lateral (select id, prev_hash from checked order by id limit 1) f on true
    left join lateral (select id, hash_wrong from checked where hash_wrong or link_wrong order by id limit 1) b on true`.execute(db)
  const row = result.rows[0]
  return {
    rows: row?.rows ?? 0,
    firstId: row?.first_id ?? null,
    firstPrev: row?.first_prev ?? null,
    lastHash: row?.last_hash ?? null,
    brokenId: row?.broken_id ?? null,
    reason: row?.broken_id ? (row.hash_wrong ? reasons.hash : reasons.link) : null,
  }
}
