import { sql, type Kysely } from 'kysely'
import type { AuditCategory, Database } from '../../types.ts'
import { sign, type AuditKey } from '../../../server/features/audit/auditKey.ts'
import type { VolumeContext } from './context.ts'
import { mulberry32, volumeId } from './random.ts'

const batchSize = 20_000
// The same key the chaining trigger locks: app writes wait while the generated rows go in.
const chainLock = 7461000001

type Kind = {
  weight: number
  category: AuditCategory
  event: string
  entity: string | null
  person: boolean
  recipients?: string
}
const kinds: Kind[] = [
  { weight: 55, category: 'consultation', event: 'person.viewed', entity: 'person', person: true },
  { weight: 10, category: 'consultation', event: 'person.searched', entity: null, person: false },
  { weight: 8, category: 'collection', event: 'contact.recorded', entity: 'contact', person: true },
  { weight: 7, category: 'collection', event: 'attendance.recorded', entity: 'appointment', person: true },
  { weight: 6, category: 'alteration', event: 'person.updated', entity: 'person', person: true },
  {
    weight: 4,
    category: 'disclosure',
    event: 'cid_briefing.printed',
    entity: 'cid_entry',
    person: true,
    recipients: 'CID',
  },
  {
    weight: 3,
    category: 'disclosure',
    event: 'partner_link.viewed',
    entity: 'partner_link',
    person: true,
    recipients: 'MASH',
  },
  { weight: 4, category: 'security', event: 'sign_in.succeeded', entity: null, person: false },
  { weight: 3, category: 'consultation', event: 'caseload.viewed', entity: null, person: false },
]
const kindTable = kinds.flatMap((k) => Array.from({ length: k.weight }, () => k))

/** quote_nullable as PostgreSQL writes it: the audit_event_canonical form, computed here. */
function quote(value: string | null): string {
  if (value === null) return 'NULL'
  const doubled = value.replaceAll("'", "''")
  return value.includes('\\') ? `E'${doubled.replaceAll('\\', '\\\\')}'` : `'${doubled}'`
}

type Actor = { id: string; username: string }

/**
 * `rows` audit rows over the last two years, oldest first, written with their keyed hash chain.
 * The chaining trigger would stamp every row with the current time, so it is disabled inside one
 * transaction that holds the trigger's own advisory lock, and this code does exactly what it
 * does: the next ids, each row's canonical text, its HMAC-SHA256 under the audit key (computed
 * here, as the database computes it from the key's pads), the link to the previous row, and the
 * key's segment where the key changes. The trigger is enabled again before commit, and
 * `npm run audit:verify` checks the result.
 */
export async function generateAudit(ctx: VolumeContext, rows: number, actors: Actor[], key: AuditKey): Promise<void> {
  const personIds = Array.from({ length: ctx.people }, (_, i) => volumeId(ctx.rng.seed, 'p', i + 1))
  const random = mulberry32(ctx.rng.seed * 7919 + 17)
  const days = 730
  const firstDay = Date.parse(`${ctx.today}T00:00:00Z`) - days * 86_400_000
  const ips = actors.map((_, k) => `10.${20 + (k % 200)}.${(k * 7) % 250}.${1 + ((k * 13) % 250)}`)

  ctx.progress.step('audit rows', rows)
  await ctx.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${sql.lit(chainLock)})`.execute(trx)
    await sql`alter table audit_event disable trigger audit_event_chain`.execute(trx)
    // Ordered by the column: `order by id` after `id::text` would sort the text, and link to row 9 rather than row 38.
    const last = await sql<{
      id: string
      hash: string
    }>`select a.id::text as id, a.hash from audit_event a order by a.id desc limit 1`.execute(trx)
    const sequence = await sql<{
      last_value: string
      is_called: boolean
    }>`select last_value::text, is_called from audit_event_seq`.execute(trx)
    const seq = sequence.rows[0]
    let nextId = Math.max(Number(last.rows[0]?.id ?? 0) + 1, seq ? Number(seq.last_value) + (seq.is_called ? 1 : 0) : 1)
    let prev = last.rows[0]?.hash ?? '0'.repeat(64)
    await startKeySegment(trx, nextId, key)

    const indexes = await dropSecondaryIndexes(trx, rows)

    let pending: Promise<unknown> | undefined
    for (let start = 0; start < rows; start += batchSize) {
      const count = Math.min(batchSize, rows - start)
      const cols = {
        id: [] as number[],
        at: [] as string[],
        category: [] as string[],
        event: [] as string[],
        actor: [] as string[],
        username: [] as string[],
        entityType: [] as (string | null)[],
        entityId: [] as (string | null)[],
        person: [] as (string | null)[],
        recipients: [] as (string | null)[],
        request: [] as string[],
        ip: [] as string[],
        prev: [] as string[],
        hash: [] as string[],
      }
      for (let i = start; i < start + count; i++) {
        // Monotonic in i: a working day of 07:30 to 19:30 for each of the last 730 days.
        const position = (i * days) / rows
        const day = Math.floor(position)
        const ms = firstDay + day * 86_400_000 + 27_000_000 + Math.floor((position - day) * 43_200_000)
        const kind = kindTable[Math.floor(random() * kindTable.length)]!
        const actorIndex = Math.floor(random() ** 1.5 * actors.length)
        const actor = actors[actorIndex]!
        // Some people are looked at far more often than others.
        const person =
          kind.person && personIds.length > 0 ? personIds[Math.floor(random() ** 2 * personIds.length)]! : null
        const id = nextId++
        const at = new Date(ms).toISOString()
        const entityId = kind.entity === 'person' ? person : kind.entity ? `v${ctx.rng.seed}-${i}` : null
        const request = `v${ctx.rng.seed}-${i.toString(36)}`
        const ip = ips[actorIndex]!
        const canonical = [
          String(id),
          String(ms * 1000),
          quote(kind.category),
          quote(kind.event),
          quote(actor.id),
          quote(actor.username),
          quote(kind.entity),
          quote(entityId),
          quote(person),
          'NULL',
          quote(kind.recipients ?? null),
          quote(request),
          quote(ip),
          'NULL',
          prev,
        ].join('|')
        const hash = sign(key, canonical)
        cols.id.push(id)
        cols.at.push(at)
        cols.category.push(kind.category)
        cols.event.push(kind.event)
        cols.actor.push(actor.id)
        cols.username.push(actor.username)
        cols.entityType.push(kind.entity)
        cols.entityId.push(entityId)
        cols.person.push(person)
        cols.recipients.push(kind.recipients ?? null)
        cols.request.push(request)
        cols.ip.push(ip)
        cols.prev.push(prev)
        cols.hash.push(hash)
        prev = hash
      }
      // The database inserts one batch while the next is computed here.
      await pending
      pending = insertBatch(trx, cols).then(() => ctx.progress.add(count))
    }
    await pending
    if (indexes.length > 0) {
      ctx.progress.done()
      ctx.progress.step('audit indexes')
      await sql`set local maintenance_work_mem = '512MB'`.execute(trx)
      for (const definition of indexes) await sql.raw(definition).execute(trx)
    }
    await sql`select setval('audit_event_seq', ${sql.lit(nextId - 1)})`.execute(trx)
    await sql`alter table audit_event enable trigger audit_event_chain`.execute(trx)
  })
  ctx.progress.done()
}

/**
 * Names the key from the first generated row on, as the trigger does with the first row a new key
 * seals; when the latest segment already names it, the generated rows simply continue it.
 */
async function startKeySegment(db: Kysely<Database>, firstId: number, key: AuditKey): Promise<void> {
  const latest = await db
    .selectFrom('audit_key_segment')
    .select('key_id')
    .orderBy('first_id', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (latest?.key_id === key.id) return
  // The app's role may not write it (the trigger does, as the owner): this is the owner's work.
  await sql`insert into audit_key_segment (first_id, key_id) values (${sql.lit(firstId)}, ${key.id})`.execute(db)
}

function insertBatch(db: Kysely<Database>, c: Record<string, unknown[]>) {
  return sql`
    insert into audit_event (id, occurred_at, category, event, actor_user_id, actor_username, entity_type, entity_id, person_id,
                             purpose, recipients, request_id, ip, detail, prev_hash, hash)
    select id, at, category, event, actor, username, entity_type, entity_id, person, null, recipients, request, ip, null, prev, hash
      from unnest(${c.id}::int8[], ${c.at}::timestamptz[], ${c.category}::text[], ${c.event}::text[], ${c.actor}::uuid[],
                  ${c.username}::text[], ${c.entityType}::text[], ${c.entityId}::text[], ${c.person}::uuid[], ${c.recipients}::text[],
                  ${c.request}::text[], ${c.ip}::text[], ${c.prev}::text[], ${c.hash}::text[])
        as u(id, at, category, event, actor, username, entity_type, entity_id, person, recipients, request, ip, prev, hash)`.execute(
    db,
  )
}

/**
 * Building an index once from sorted rows is several times faster than growing it row by row, so
 * when the new rows outnumber the old, the secondary indexes are dropped and created again from
 * their own definitions, in the same transaction (nothing else sees the table without them).
 */
async function dropSecondaryIndexes(db: Kysely<Database>, adding: number): Promise<string[]> {
  const existing = await sql<{ n: number }>`select count(*)::int as n from audit_event`.execute(db)
  if (adding < (existing.rows[0]?.n ?? 0)) return []
  const indexes = await sql<{ name: string; definition: string }>`
    select i.relname as name, pg_get_indexdef(i.oid) as definition
      from pg_index x join pg_class i on i.oid = x.indexrelid
     where x.indrelid = 'audit_event'::regclass and not x.indisprimary
     order by i.relname`.execute(db)
  for (const index of indexes.rows) await sql`drop index ${sql.id(index.name)}`.execute(db)
  return indexes.rows.map((i) => i.definition)
}
