import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { hmacPads, processAuditKeys, type AuditKeyRing } from './auditKey.ts'
import { sealAuditLog } from './auditRepository.ts'

export type ChainCheck = {
  rowsChecked: number
  firstBrokenId: string | null
  reason: string | null
  /** The last row in the log and its hash, to compare with a checkpoint. */
  lastId: string | null
  lastHash: string | null
}

const genesis = '0'.repeat(64)
const reasons = {
  hash: 'row contents do not match its hash',
  link: 'previous-hash link broken (a row was removed or reordered)',
  noKey: (keyId: string) =>
    `sealed with audit key ${keyId}, which is not configured (AUDIT_KEY or AUDIT_PREVIOUS_KEYS): these rows cannot be checked`,
}

/** How the rows of one id range were hashed: plain sha256 before the keyed chain, HMAC after, or by a key not at hand. */
type Hashing = { kind: 'plain' } | { kind: 'keyed'; pads: Buffer } | { kind: 'unknown key'; keyId: string }
type Range = { from: bigint; to: bigint; hashing: Hashing }
type Segment = {
  rows: number
  firstId: string | null
  firstPrev: string | null
  lastHash: string | null
  brokenId: string | null
  reason: string | null
}

/**
 * Recomputes every hash and link inside the database and names the first bad row. The log is
 * checked in id ranges, several at once (each range is one index range scan, hashed by one
 * backend), and the link between ranges is checked here: the first row of each range must
 * point at the last row of the range before it, as every other row points at its predecessor.
 * Rows before the first key segment are checked with plain sha256, later ones with the HMAC of
 * the key their segment names; keys default to the process's own.
 */
export async function verifyAuditChain(
  db: Kysely<Database>,
  options: { chunkSize?: number; parallel?: number; keys?: AuditKeyRing | undefined } = {},
): Promise<ChainCheck> {
  const keys = options.keys ?? processAuditKeys()
  // Without a key a keyed chain cannot be sealed: its waiting rows are then left for the app.
  await sealAuditLog(db, { keys }).catch((error: unknown) => {
    if (!keys && (error as { code?: string }).code === '42501') return 0
    throw error
  })
  const chunkSize = BigInt(Math.min(options.chunkSize ?? 200_000, Number.MAX_SAFE_INTEGER))
  const parallel = Math.max(1, options.parallel ?? 1)
  const bounds = await sql<{
    lo: string | null
    hi: string | null
  }>`select min(id)::text as lo, max(id)::text as hi from audit_event`.execute(db)
  const lo = bounds.rows[0]?.lo
  const hi = bounds.rows[0]?.hi
  if (!lo || !hi) return { rowsChecked: 0, firstBrokenId: null, reason: null, lastId: null, lastHash: null }

  const ranges = await rangesToCheck(db, BigInt(lo), BigInt(hi), chunkSize, keys)
  const segments = new Array<Segment>(ranges.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(parallel, ranges.length) }, async () => {
      while (next < ranges.length) {
        const index = next++
        segments[index] = await checkSegment(db, ranges[index]!)
      }
    }),
  )

  let rowsChecked = 0
  let firstBroken: { id: string; reason: string } | null = null
  let previousHash = genesis
  for (const segment of segments) {
    rowsChecked += segment.rows
    if (segment.rows === 0) continue
    if (!firstBroken) {
      // The segment's own first bad row comes first; if that is its first row, a wrong hash (or a missing key) is the better reason.
      if (segment.brokenId && segment.brokenId === segment.firstId && segment.reason !== reasons.link)
        firstBroken = { id: segment.brokenId, reason: segment.reason! }
      else if (segment.firstPrev !== previousHash) firstBroken = { id: segment.firstId!, reason: reasons.link }
      else if (segment.brokenId) firstBroken = { id: segment.brokenId, reason: segment.reason! }
    }
    previousHash = segment.lastHash!
  }
  return {
    rowsChecked,
    firstBrokenId: firstBroken?.id ?? null,
    reason: firstBroken?.reason ?? null,
    lastId: hi,
    lastHash: previousHash,
  }
}

/** The id ranges to check, cut at every key segment's first row and then every chunkSize ids. */
async function rangesToCheck(
  db: Kysely<Database>,
  lo: bigint,
  hi: bigint,
  chunkSize: bigint,
  keys: AuditKeyRing | undefined,
): Promise<Range[]> {
  const segments = await db
    .selectFrom('audit_key_segment')
    .select([sql<string>`first_id::text`.as('first_id'), 'key_id'])
    .orderBy('first_id')
    .execute()
  const pieces: Range[] = []
  const starts = [{ from: lo, hashing: { kind: 'plain' } as Hashing }]
  for (const segment of segments) {
    const key = keys?.byId.get(segment.key_id)
    starts.push({
      from: BigInt(segment.first_id),
      hashing: key ? { kind: 'keyed', pads: hmacPads(key) } : { kind: 'unknown key', keyId: segment.key_id },
    })
  }
  starts.forEach((start, index) => {
    const end = index + 1 < starts.length ? starts[index + 1]!.from - 1n : hi
    for (let from = start.from > lo ? start.from : lo; from <= end; from += chunkSize) {
      pieces.push({ from, to: from + chunkSize - 1n < end ? from + chunkSize - 1n : end, hashing: start.hashing })
    }
  })
  return pieces
}

function expectedHash(hashing: Hashing): RawBuilder<string> {
  const message = sql`convert_to(audit_event_canonical(a), 'UTF8')`
  if (hashing.kind === 'plain') return sql`encode(sha256(${message}), 'hex')`
  // Rows whose key is not at hand are reported at the range's first row; their links are still checked.
  if (hashing.kind === 'unknown key') return sql`a.hash`
  const ipad = hashing.pads.subarray(0, 64)
  const opad = hashing.pads.subarray(64)
  return sql`encode(sha256(${opad}::bytea || sha256(${ipad}::bytea || ${message})), 'hex')`
}

async function checkSegment(db: Kysely<Database>, range: Range): Promise<Segment> {
  const result = await sql<{
    rows: number
    first_id: string | null
    first_prev: string | null
    last_hash: string | null
    broken_id: string | null
    hash_wrong: boolean | null
  }>`
    with checked as materialized (
      select a.id, a.prev_hash, a.hash,
        a.hash <> ${expectedHash(range.hashing)} as hash_wrong,
        a.prev_hash <> lag(a.hash) over (order by a.id) as link_wrong
      from audit_event a
      where a.id between ${String(range.from)}::int8 and ${String(range.to)}::int8
    )
    select
      (select count(*) from checked)::int as rows,
      f.id::text as first_id, f.prev_hash as first_prev,
      (select hash from checked order by id desc limit 1) as last_hash,
      b.id::text as broken_id, b.hash_wrong
    from (select 1) one
    left join lateral (select id, prev_hash from checked order by id limit 1) f on true
    left join lateral (select id, hash_wrong from checked where hash_wrong or link_wrong order by id limit 1) b on true`.execute(
    db,
  )
  const row = result.rows[0]
  const segment: Segment = {
    rows: row?.rows ?? 0,
    firstId: row?.first_id ?? null,
    firstPrev: row?.first_prev ?? null,
    lastHash: row?.last_hash ?? null,
    brokenId: row?.broken_id ?? null,
    reason: row?.broken_id ? (row.hash_wrong ? reasons.hash : reasons.link) : null,
  }
  if (range.hashing.kind === 'unknown key' && segment.firstId)
    return { ...segment, brokenId: segment.firstId, reason: reasons.noKey(range.hashing.keyId) }
  return segment
}
