import { createHmac, randomUUID } from 'node:crypto'
import { readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { sql, type Kysely, type Transaction } from 'kysely'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../../db/index.ts'
import type { Database } from '../../../db/types.ts'
import {
  appendCheckpoint,
  startAuditCheckpoints,
  takeCheckpoint,
} from '../../../server/features/audit/auditCheckpoint.ts'
import { auditKey, auditKeyRing, hmacPads, useAuditKeys } from '../../../server/features/audit/auditKey.ts'
import { checkAuditLog } from '../../../server/features/audit/auditLogCheck.ts'
import { recordAudit, sealAuditLog, type Actor } from '../../../server/features/audit/auditRepository.ts'
import { verifyAuditChain } from '../../../server/features/audit/auditChainVerify.ts'
import { createLogger } from '../../../server/logger.ts'
import { createTestDatabase, testAuditKey } from '../../helpers/testDatabase.ts'

const actor: Actor = { userId: null, username: 'keyed-chain-test', requestId: 'keyed-chain-test', ip: null }
const keys = auditKeyRing(testAuditKey)
const wrongKey = auditKey('someone-else-s-key-who-does-not-hold-ours-42')

let t: DbHandle
let checkpointFile: string
beforeEach(async () => {
  t = await createTestDatabase()
  useAuditKeys(keys)
  checkpointFile = path.join(os.tmpdir(), `cohort-audit-checkpoints-${randomUUID()}.log`)
})
afterEach(async () => {
  await t.close()
  await rm(checkpointFile, { force: true })
})
afterAll(() => useAuditKeys(auditKeyRing(testAuditKey)))

type Row = { id: string; hash: string; prev_hash: string; event: string }

async function writeRows(n: number): Promise<Row[]> {
  for (let i = 0; i < n; i += 1)
    await recordAudit(t.db, actor, { category: 'security', event: 'test.keyed', detail: { i } })
  await sealAuditLog(t.db)
  return rows()
}

async function rows(): Promise<Row[]> {
  return (
    await sql<Row>`select id::text as id, hash, prev_hash, event from audit_event order by audit_event.id`.execute(t.db)
  ).rows
}

async function checkpointNow(): Promise<void> {
  await appendCheckpoint(checkpointFile, await takeCheckpoint(t.db, keys.current))
}

/** Runs SQL with triggers off, as only a database superuser could: the attacker the key is for. */
async function asSuperuser(statements: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
  await t.asOwner((owner) =>
    owner.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx)
      await statements(trx)
    }),
  )
}

/** Every row from fromId on is linked and hashed again in order, with whatever hash the attacker can make. */
async function rehashFrom(
  trx: Kysely<Database>,
  fromId: string,
  hash: (message: ReturnType<typeof sql>) => ReturnType<typeof sql>,
) {
  const ids = (
    await sql<{
      id: string
    }>`select id::text as id from audit_event where id >= ${fromId}::int8 order by audit_event.id`.execute(trx)
  ).rows
  for (const { id } of ids) {
    await sql`update audit_event set prev_hash = coalesce((select p.hash from audit_event p where p.id < ${id}::int8 order by p.id desc limit 1), repeat('0', 64)) where id = ${id}::int8`.execute(
      trx,
    )
    await sql`update audit_event a set hash = ${hash(sql`convert_to(audit_event_canonical(a), 'UTF8')`)} where id = ${id}::int8`.execute(
      trx,
    )
  }
}

const plainSha256 = (message: ReturnType<typeof sql>) => sql`encode(sha256(${message}), 'hex')`
const hmacWith = (pads: Buffer) => (message: ReturnType<typeof sql>) =>
  sql`encode(sha256(${pads.subarray(64)}::bytea || sha256(${pads.subarray(0, 64)}::bytea || ${message})), 'hex')`

describe('the keyed audit chain', () => {
  it('an intact log verifies against its key and its latest checkpoint, and each hash is the HMAC-SHA256 of the row under the key', async () => {
    const written = await writeRows(5)
    await checkpointNow()

    const result = await checkAuditLog(t.db, { keys, checkpointFile })
    expect(result.outcome).toBe('intact')
    expect(result.chain).toMatchObject({
      firstBrokenId: null,
      lastId: written.at(-1)!.id,
      lastHash: written.at(-1)!.hash,
    })

    const canonical = await sql<{
      id: string
      text: string
      hash: string
    }>`select id::text as id, audit_event_canonical(a) as text, hash from audit_event a order by a.id`.execute(t.db)
    for (const row of canonical.rows)
      expect(row.hash, `row ${row.id}`).toBe(createHmac('sha256', testAuditKey).update(row.text, 'utf8').digest('hex'))
    const segments = await t.db.selectFrom('audit_key_segment').select(['key_id']).execute()
    expect(segments).toEqual([{ key_id: keys.current.id }])
  })

  it('a superuser who edits a row and hashes every later row again without the key (plain sha256, or a key of their own) is caught at the edited row', async () => {
    const written = await writeRows(6)
    const target = written[2]!
    for (const forge of [plainSha256, hmacWith(hmacPads(wrongKey))]) {
      const before = await rows()
      await asSuperuser(async (trx) => {
        await sql`update audit_event set event = 'user.nothing_to_see' where id = ${target.id}::int8`.execute(trx)
        await rehashFrom(trx, target.id, forge)
      })
      // The forgery is self-consistent: every link holds; only the key tells.
      const forged = await rows()
      for (let k = 1; k < forged.length; k += 1) expect(forged[k]!.prev_hash).toBe(forged[k - 1]!.hash)

      expect(await verifyAuditChain(t.db)).toMatchObject({
        firstBrokenId: target.id,
        reason: 'row contents do not match its hash',
      })
      const result = await checkAuditLog(t.db, { keys, checkpointFile })
      expect(result.outcome).toBe('chain broken')
      expect(result.message).toBe(`audit chain BROKEN at row ${target.id}: row contents do not match its hash`)

      // Put back exactly as sealed (with the key): the check is about the key, not luck.
      await asSuperuser(async (trx) => {
        for (const row of before)
          await sql`update audit_event set event = ${row.event}, prev_hash = ${row.prev_hash}, hash = ${row.hash} where id = ${row.id}::int8`.execute(
            trx,
          )
      })
      expect(await verifyAuditChain(t.db)).toMatchObject({ firstBrokenId: null })
    }
  })

  it('rows deleted from the end of the log are caught by the checkpoint, which names them', async () => {
    const written = await writeRows(8)
    await checkpointNow()
    const keep = written[4]!
    await asSuperuser(async (trx) => {
      await sql`delete from audit_event where id > ${keep.id}::int8`.execute(trx)
    })

    // The shortened chain is whole in itself: only the checkpoint outside the database can tell.
    expect(await verifyAuditChain(t.db)).toMatchObject({ firstBrokenId: null, lastId: keep.id })
    const result = await checkAuditLog(t.db, { keys, checkpointFile })
    expect(result.outcome).toBe('does not match checkpoint')
    expect(result.message).toBe(
      `rows ${BigInt(keep.id) + 1n}–${written.at(-1)!.id} missing after checkpoint at ${result.checkpoint!.at}; last row in database is ${keep.id}`,
    )
    expect((await rows()).map((row) => row.id)).toEqual(written.slice(0, 5).map((row) => row.id))
  })

  it('a log rewritten whole as if it had never been keyed (its key segments deleted too) is caught by the checkpoint', async () => {
    const written = await writeRows(4)
    await checkpointNow()
    await asSuperuser(async (trx) => {
      await sql`update audit_event set event = 'user.nothing_to_see' where id = ${written[1]!.id}::int8`.execute(trx)
      await sql`delete from audit_key_segment`.execute(trx)
      await rehashFrom(trx, written[0]!.id, plainSha256)
    })

    expect(await verifyAuditChain(t.db)).toMatchObject({ firstBrokenId: null })
    const result = await checkAuditLog(t.db, { keys, checkpointFile })
    expect(result.outcome).toBe('does not match checkpoint')
    expect(result.message).toBe(
      `row ${written.at(-1)!.id} no longer has the hash signed in the checkpoint at ${result.checkpoint!.at}: the log up to it was rewritten`,
    )
  })

  it('a checkpoint not signed with a configured key is refused, and no checkpoint at all is reported', async () => {
    await writeRows(2)
    expect((await checkAuditLog(t.db, { keys, checkpointFile })).outcome).toBe('no checkpoint')
    await appendCheckpoint(checkpointFile, await takeCheckpoint(t.db, wrongKey))
    expect((await checkAuditLog(t.db, { keys, checkpointFile })).outcome).toBe('checkpoint not signed')
    const forged = { ...(await takeCheckpoint(t.db, keys.current)), lastId: '1' }
    await appendCheckpoint(checkpointFile, forged)
    expect((await checkAuditLog(t.db, { keys, checkpointFile })).outcome).toBe('checkpoint not signed')
  })

  it('the key never appears in any table, function or setting of the database', async () => {
    await writeRows(3)
    await checkpointNow()
    const pads = hmacPads(keys.current)
    const needles = [
      testAuditKey,
      keys.current.secret.toString('hex'),
      keys.current.secret.toString('base64'),
      pads.toString('hex'),
      pads.subarray(0, 64).toString('hex'),
      pads.subarray(64).toString('hex'),
    ]
    const tables = (
      await sql<{
        name: string
      }>`select quote_ident(table_name) as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(
        t.db,
      )
    ).rows
    expect(tables.map((table) => table.name)).toEqual(
      expect.arrayContaining(['audit_event', 'audit_key_segment', 'audit_pending']),
    )
    await t.asOwner(async (owner) => {
      for (const { name } of tables) {
        for (const needle of needles) {
          const found = await sql<{
            n: number
          }>`select count(*)::int as n from ${sql.raw(name)} r where strpos(lower(r::text), lower(${needle})) > 0`.execute(
            owner,
          )
          expect(found.rows[0]?.n, `${name} holds the key`).toBe(0)
        }
      }
      const inFunctions = await sql<{
        n: number
      }>`select count(*)::int as n from pg_proc where strpos(prosrc, ${pads.toString('hex')}) > 0 or strpos(prosrc, ${testAuditKey}) > 0`.execute(
        owner,
      )
      expect(inFunctions.rows[0]?.n).toBe(0)
    })
    // The pads live in a transaction-local setting for the seal alone.
    const setting = await sql<{
      value: string | null
    }>`select current_setting('cohort.audit_key', true) as value`.execute(t.db)
    expect(setting.rows[0]?.value ?? '').toBe('')
  })

  it('once keyed, no row joins the chain without the key, and nothing changes when one tries', async () => {
    await writeRows(2)
    const before = await rows()
    await expect(
      t.db
        .insertInto('audit_event')
        .values({
          category: 'security',
          event: 'test.unkeyed',
          actor_user_id: null,
          actor_username: null,
          entity_type: null,
          entity_id: null,
          person_id: null,
          purpose: null,
          recipients: null,
          request_id: null,
          ip: null,
          detail: null,
        })
        .execute(),
    ).rejects.toThrow(/the audit chain is keyed/)
    await recordAudit(t.db, actor, { category: 'security', event: 'test.waits_for_the_key' })
    // A process without the key (an old command, a raw audit_seal call) cannot seal it either.
    useAuditKeys(undefined)
    try {
      await expect(sealAuditLog(t.db)).rejects.toThrow(/the audit chain is keyed/)
    } finally {
      useAuditKeys(keys)
    }
    expect(await rows()).toEqual(before)
    expect(await t.db.selectFrom('audit_pending').select('event').execute()).toEqual([
      { event: 'test.waits_for_the_key' },
    ])
    expect(await sealAuditLog(t.db)).toBe(1)
  })

  it('a new key starts a new segment from the next row; verify needs the earlier key too, and names the rows it cannot check without it', async () => {
    const first = await writeRows(3)
    const rotated = auditKeyRing('the-next-audit-key-after-rotation-0123456789', [testAuditKey])
    useAuditKeys(rotated)
    const second = (await writeRows(3)).slice(first.length)
    const segments = await t.db
      .selectFrom('audit_key_segment')
      .select([sql<string>`first_id::text`.as('first_id'), 'key_id'])
      .orderBy('first_id')
      .execute()
    expect(segments).toEqual([
      { first_id: first[0]!.id, key_id: keys.current.id },
      { first_id: second[0]!.id, key_id: rotated.current.id },
    ])
    await appendCheckpoint(checkpointFile, await takeCheckpoint(t.db, rotated.current))
    expect((await checkAuditLog(t.db, { keys: rotated, checkpointFile })).outcome).toBe('intact')

    const withoutOld = auditKeyRing('the-next-audit-key-after-rotation-0123456789')
    const check = await verifyAuditChain(t.db, { keys: withoutOld })
    expect(check.firstBrokenId).toBe(first[0]!.id)
    expect(check.reason).toContain(`sealed with audit key ${keys.current.id}, which is not configured`)
  })

  it('the checkpoint writer appends a signed line now, at every interval and when stopped, to a file only its owner can read', async () => {
    await writeRows(1)
    const checkpoints = startAuditCheckpoints(t.db, {
      keys,
      file: checkpointFile,
      intervalMs: 20,
      logger: createLogger('silent'),
    })
    try {
      await expect
        .poll(async () => (await readFile(checkpointFile, 'utf8').catch(() => '')).split('\n').filter(Boolean).length, {
          timeout: 5_000,
        })
        .toBeGreaterThanOrEqual(2)
      await writeRows(1)
    } finally {
      await checkpoints.stop()
    }
    const lines = (await readFile(checkpointFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { lastId: string })
    const last = (await rows()).at(-1)!
    expect(lines.at(-1)!.lastId).toBe(last.id)
    expect((await stat(checkpointFile)).mode & 0o777).toBe(0o600)
    expect((await checkAuditLog(t.db, { keys, checkpointFile })).outcome).toBe('intact')
  })
})
