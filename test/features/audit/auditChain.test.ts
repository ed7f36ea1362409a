import { randomUUID } from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import type { Database } from '../../../db/types.ts'
import { recordAudit, sealAuditLog, type Actor } from '../../../server/features/audit/auditRepository.ts'
import { verifyAuditChain } from '../../../server/features/audit/auditChainVerify.ts'
import { auditKey, hmacPads } from '../../../server/features/audit/auditKey.ts'
import { startAuditSealer } from '../../../server/features/audit/auditSealer.ts'
import { createLogger } from '../../../server/logger.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { sealed } from '../../helpers/factories.ts'
import { testAuditKey } from '../../helpers/testDatabase.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
})

const actor: Actor = { userId: null, username: 'audit-test', requestId: 'audit-chain-test', ip: null }
const genesis = '0'.repeat(64)

type ChainRow = { id: string; prev_hash: string; hash: string; event: string; detail: unknown }

async function chain(): Promise<ChainRow[]> {
  const rows = await (
    await sealed(t.db)
  )
    .selectFrom('audit_event')
    .select(['id', 'prev_hash', 'hash', 'event', 'detail'])
    .orderBy('id')
    .execute()
  // int8 comes back as a number from the driver: compare ids as text, as verifyAuditChain reports them.
  return rows.map((row) => ({ ...row, id: String(row.id) }))
}

/** Runs SQL with triggers off, as only a database superuser could: the attacker the chain is for. */
async function behindTheTrigger(statements: (trx: Transaction<Database>) => Promise<void>) {
  await t.database.asOwner((owner) =>
    owner.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx)
      await statements(trx)
    }),
  )
}

async function enoughRows(): Promise<ChainRow[]> {
  const existing = await chain()
  for (let i = existing.length; i < 5; i += 1) {
    await recordAudit(t.db, actor, { category: 'security', event: 'test.filler', detail: { i } })
  }
  const rows = await chain()
  expect((await verifyAuditChain(t.db)).firstBrokenId).toBeNull()
  return rows
}

describe('the audit chain', () => {
  it('200 audit rows written at once, alone and in transactions, still form one unbroken chain', async () => {
    const before = await verifyAuditChain(t.db)
    expect(before.firstBrokenId).toBeNull()
    const marker = randomUUID()

    // Sealed meanwhile, in batches, by a background sealer and by readers, as the app would be.
    const sealer = startAuditSealer(t.db, { intervalMs: 5, logger: createLogger('silent') })
    const writes: Promise<unknown>[] = []
    for (let i = 0; i < 100; i += 1) {
      writes.push(recordAudit(t.db, actor, { category: 'security', event: 'test.concurrent', detail: { marker, i } }))
      if (i % 25 === 0) writes.push(sealAuditLog(t.db))
    }
    for (let group = 0; group < 20; group += 1) {
      writes.push(
        t.db.transaction().execute(async (trx) => {
          for (let k = 0; k < 5; k += 1) {
            await recordAudit(trx, actor, {
              category: 'security',
              event: 'test.concurrent',
              detail: { marker, group, k },
            })
          }
        }),
      )
    }
    await Promise.all(writes)
    await sealer.stop()

    const rows = await chain()
    const ours = rows.filter((row) => (row.detail as { marker?: string } | null)?.marker === marker)
    expect(ours).toHaveLength(200)

    expect(rows[0]?.prev_hash).toBe(genesis)
    for (let k = 1; k < rows.length; k += 1) {
      expect(BigInt(rows[k]!.id)).toBeGreaterThan(BigInt(rows[k - 1]!.id))
      expect(rows[k]!.prev_hash, `row ${rows[k]!.id} links to row ${rows[k - 1]!.id}`).toBe(rows[k - 1]!.hash)
    }
    // A transaction's rows keep the order they were written in (other rows may fall between them).
    for (let group = 0; group < 20; group += 1) {
      const written = ours.flatMap((row) => {
        const detail = row.detail as { group?: number; k: number }
        return detail.group === group ? [detail.k] : []
      })
      expect(written).toEqual([0, 1, 2, 3, 4])
    }

    expect(await verifyAuditChain(t.db)).toMatchObject({
      rowsChecked: before.rowsChecked + 200,
      firstBrokenId: null,
      reason: null,
    })
  })

  it("the app's role may read and append to the audit log but holds no right to change it", async () => {
    const rows = await enoughRows()
    const target = rows[1]!
    const refused = /permission denied/
    await expect(sql`update audit_event set event = 'rewritten' where id = ${target.id}`.execute(t.db)).rejects.toThrow(
      refused,
    )
    await expect(sql`delete from audit_event where id = ${target.id}`.execute(t.db)).rejects.toThrow(refused)
    await expect(sql`truncate audit_event`.execute(t.db)).rejects.toThrow(refused)
    // Nor can it step around the trigger: only the owner may disable it, only a superuser skip it.
    await expect(sql`alter table audit_event disable trigger audit_event_no_update`.execute(t.db)).rejects.toThrow(
      /must be owner/,
    )
    await expect(
      t.db.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx)
      }),
    ).rejects.toThrow(/permission denied/)
    const [privileges] = (
      await sql<{ can_select: boolean; can_insert: boolean }>`
        select has_table_privilege('audit_event', 'select') as can_select, has_table_privilege('audit_event', 'insert') as can_insert`.execute(
        t.db,
      )
    ).rows
    expect(privileges).toEqual({ can_select: true, can_insert: true })
    // A row waiting to be sealed can be written, and then only sealed: audit_seal() runs as the
    // owner, so the app's role holds no right to change or remove a pending row itself.
    await recordAudit(t.db, actor, { category: 'security', event: 'test.pending_untouchable' })
    await expect(sql`update audit_pending set event = 'rewritten'`.execute(t.db)).rejects.toThrow(refused)
    await expect(sql`delete from audit_pending`.execute(t.db)).rejects.toThrow(refused)
    await expect(sql`truncate audit_pending`.execute(t.db)).rejects.toThrow(refused)
    expect(await t.db.selectFrom('audit_pending').select('event').execute()).toEqual([
      { event: 'test.pending_untouchable' },
    ])
    expect(await sealAuditLog(t.db)).toBe(1)

    expect((await chain()).slice(0, rows.length)).toEqual(rows)
    expect((await verifyAuditChain(t.db)).firstBrokenId).toBeNull()
  })

  it('UPDATE, DELETE and TRUNCATE on audit_event are refused by the trigger even to its owner, and change nothing', async () => {
    const rows = await enoughRows()
    const target = rows[1]!
    await t.database.asOwner(async (owner) => {
      await expect(
        sql`update audit_event set event = 'rewritten' where id = ${target.id}`.execute(owner),
      ).rejects.toThrow(/append-only: UPDATE refused/)
      await expect(sql`delete from audit_event where id = ${target.id}`.execute(owner)).rejects.toThrow(
        /append-only: DELETE refused/,
      )
      await expect(sql`truncate audit_event`.execute(owner)).rejects.toThrow(/append-only: TRUNCATE refused/)
    })

    expect(await chain()).toEqual(rows)
    expect((await verifyAuditChain(t.db)).firstBrokenId).toBeNull()
  })

  it('a row whose contents were changed behind the trigger is named by verifyAuditChain', async () => {
    const rows = await enoughRows()
    const target = rows[Math.floor(rows.length / 2)]!
    await behindTheTrigger(async (trx) => {
      await sql`update audit_event set event = 'user.nothing_to_see' where id = ${target.id}`.execute(trx)
    })

    const check = await verifyAuditChain(t.db)
    expect(check.firstBrokenId).toBe(target.id)
    expect(check.reason).toBe('row contents do not match its hash')

    // Put it back exactly: the chain verifies again, so the check is about contents, not luck.
    await behindTheTrigger(async (trx) => {
      await sql`update audit_event set event = ${target.event} where id = ${target.id}`.execute(trx)
    })
    expect((await verifyAuditChain(t.db)).firstBrokenId).toBeNull()
  })

  it('a row rewritten with a fresh hash of its own, even one made with the key, breaks the link of the row after it, which is named', async () => {
    const rows = await enoughRows()
    const index = Math.floor(rows.length / 2)
    const target = rows[index]!
    const next = rows[index + 1]!
    const pads = hmacPads(auditKey(testAuditKey))
    const rehash = sql`encode(sha256(${pads.subarray(64)}::bytea || sha256(${pads.subarray(0, 64)}::bytea || convert_to(audit_event_canonical(a), 'UTF8'))), 'hex')`
    await behindTheTrigger(async (trx) => {
      await sql`update audit_event set event = 'user.nothing_to_see' where id = ${target.id}`.execute(trx)
      await sql`update audit_event a set hash = ${rehash} where a.id = ${target.id}`.execute(trx)
    })

    const check = await verifyAuditChain(t.db)
    expect(check.firstBrokenId).toBe(next.id)
    expect(check.reason).toMatch(/previous-hash link broken/)

    await behindTheTrigger(async (trx) => {
      await sql`update audit_event set event = ${target.event}, hash = ${target.hash} where id = ${target.id}`.execute(
        trx,
      )
    })
    expect((await verifyAuditChain(t.db)).firstBrokenId).toBeNull()
  })

  it('a row deleted behind the trigger is found: the row after the gap is named', async () => {
    const rows = await enoughRows()
    const index = Math.floor(rows.length / 2)
    await behindTheTrigger(async (trx) => {
      await sql`delete from audit_event where id = ${rows[index]!.id}`.execute(trx)
    })
    const check = await verifyAuditChain(t.db)
    expect(check.firstBrokenId).toBe(rows[index + 1]!.id)
    expect(check.reason).toMatch(/a row was removed or reordered/)
    expect(check.rowsChecked).toBe(rows.length - 1)
  })

  it('an audit row commits with its act, takes no chain lock, and joins the chain when sealed, in the order written, with the time it was written', async () => {
    const marker = randomUUID()
    const chainLocksHeld = (trx: Transaction<Database>) =>
      sql<{
        n: number
      }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted`
        .execute(trx)
        .then((r) => r.rows[0]?.n)
    await t.db.transaction().execute(async (trx) => {
      for (let k = 0; k < 3; k += 1)
        await recordAudit(trx, actor, { category: 'security', event: 'test.pending', detail: { marker, k } })
      // No lock keeps other pages waiting while this transaction goes back to the app and commits.
      expect(await chainLocksHeld(trx)).toBe(0)
    })
    // Committed, waiting for the sealer (this test app runs none).
    const pending = await t.db
      .selectFrom('audit_pending')
      .select(['seq', 'occurred_at', 'detail'])
      .where(sql<boolean>`detail->>'marker' = ${marker}`)
      .orderBy('seq')
      .execute()
    expect(pending.map((row) => (row.detail as { k: number }).k)).toEqual([0, 1, 2])
    const chained = await sql<{
      n: number
    }>`select count(*)::int as n from audit_event where detail->>'marker' = ${marker}`.execute(t.db)
    expect(chained.rows[0]?.n).toBe(0)

    expect(await sealAuditLog(t.db)).toBeGreaterThanOrEqual(3)
    const rows = await chain()
    const positions = rows.flatMap((row, index) =>
      (row.detail as { marker?: string } | null)?.marker === marker
        ? [{ index, k: (row.detail as { k: number }).k }]
        : [],
    )
    expect(positions.map((p) => p.k)).toEqual([0, 1, 2])
    expect(positions.at(-1)!.index - positions[0]!.index).toBe(2)
    // Linked like any other row (earlier tests here break the chain on purpose, so not verified whole).
    for (const { index } of positions) expect(rows[index]!.prev_hash).toBe(rows[index - 1]!.hash)
    const times = await t.db
      .selectFrom('audit_event')
      .select('occurred_at')
      .where(sql<boolean>`detail->>'marker' = ${marker}`)
      .orderBy('id')
      .execute()
    expect(times.map((row) => row.occurred_at.toISOString())).toEqual(
      pending.map((row) => row.occurred_at.toISOString()),
    )
    expect(await t.db.selectFrom('audit_pending').select('seq').execute()).toEqual([])
  })

  it('the background sealer chains committed rows within its interval, and seals what is left when it stops', async () => {
    const marker = randomUUID()
    const chainedCount = async () =>
      (
        await sql<{
          n: number
        }>`select count(*)::int as n from audit_event where detail->>'marker' = ${marker}`.execute(t.db)
      ).rows[0]?.n
    const sealer = startAuditSealer(t.db, { intervalMs: 20, logger: createLogger('silent') })
    try {
      await recordAudit(t.db, actor, { category: 'security', event: 'test.sealed_in_background', detail: { marker } })
      await vi.waitFor(async () => expect(await chainedCount()).toBe(1), { timeout: 5_000, interval: 20 })
      await recordAudit(t.db, actor, { category: 'security', event: 'test.sealed_at_stop', detail: { marker } })
    } finally {
      await sealer.stop()
    }
    expect(await chainedCount()).toBe(2)
    expect(await t.db.selectFrom('audit_pending').select('seq').execute()).toEqual([])
  })

  // The embedded server has one backend session behind all its connections, so a lock held "by
  // another connection" is held by the same session there: this can only be shown on PostgreSQL.
  it.runIf(inject('template').kind === 'postgres')(
    'a sealer that would have to wait for another returns at once, and a reader waits for the rows',
    async () => {
      const marker = randomUUID()
      await recordAudit(t.db, actor, { category: 'security', event: 'test.behind_a_sealer', detail: { marker } })
      let releaseLock!: () => void
      const held = new Promise<void>((resolve) => (releaseLock = resolve))
      let lockTaken!: () => void
      const taken = new Promise<void>((resolve) => (lockTaken = resolve))
      const holder = t.db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(7461000001)`.execute(trx)
        lockTaken()
        await held
      })
      await taken
      expect(await sealAuditLog(t.db, { wait: false })).toBe(0)
      const reader = sealAuditLog(t.db)
      releaseLock()
      await holder
      expect(await reader).toBeGreaterThanOrEqual(1)
      expect(
        (await chain()).filter((row) => (row.detail as { marker?: string } | null)?.marker === marker),
      ).toHaveLength(1)
    },
  )

  it('a transaction that rolls back leaves no audit row, in the chain or waiting', async () => {
    const marker = randomUUID()
    const before = await chain()
    await expect(
      t.db.transaction().execute(async (trx) => {
        await recordAudit(trx, actor, { category: 'security', event: 'test.rolled_back', detail: { marker } })
        throw new Error('the act failed')
      }),
    ).rejects.toThrow('the act failed')
    expect(await t.db.selectFrom('audit_pending').select('seq').execute()).toEqual([])
    expect(await chain()).toEqual(before)
  })
})
