import { randomUUID } from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../../db/types.ts'
import { recordAudit, verifyAuditChain, type Actor } from '../../../server/features/audit/auditRepository.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

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
  const rows = await t.db.selectFrom('audit_event').select(['id', 'prev_hash', 'hash', 'event', 'detail']).orderBy('id').execute()
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

    const writes: Promise<unknown>[] = []
    for (let i = 0; i < 100; i += 1) {
      writes.push(recordAudit(t.db, actor, { category: 'security', event: 'test.concurrent', detail: { marker, i } }))
    }
    // Transactions of five rows: they join the chain at commit, under its lock, so their rows sit together.
    for (let group = 0; group < 20; group += 1) {
      writes.push(
        t.db.transaction().execute(async (trx) => {
          for (let k = 0; k < 5; k += 1) {
            await recordAudit(trx, actor, { category: 'security', event: 'test.concurrent', detail: { marker, group, k } })
          }
        }),
      )
    }
    await Promise.all(writes)

    const rows = await chain()
    const ours = rows.filter((row) => (row.detail as { marker?: string } | null)?.marker === marker)
    expect(ours).toHaveLength(200)

    expect(rows[0]?.prev_hash).toBe(genesis)
    for (let k = 1; k < rows.length; k += 1) {
      expect(BigInt(rows[k]!.id)).toBeGreaterThan(BigInt(rows[k - 1]!.id))
      expect(rows[k]!.prev_hash, `row ${rows[k]!.id} links to row ${rows[k - 1]!.id}`).toBe(rows[k - 1]!.hash)
    }
    for (let group = 0; group < 20; group += 1) {
      const positions = rows
        .map((row, index) => ({ index, detail: row.detail as { marker?: string; group?: number } | null }))
        .filter(({ detail }) => detail?.marker === marker && detail.group === group)
        .map(({ index }) => index)
      expect(positions).toHaveLength(5)
      expect(positions.at(-1)! - positions[0]!).toBe(4)
    }

    expect(await verifyAuditChain(t.db)).toEqual({ rowsChecked: before.rowsChecked + 200, firstBrokenId: null, reason: null })
  })

  it("the app's role may read and append to audit_event but holds no right to change it", async () => {
    const rows = await enoughRows()
    const target = rows[1]!
    const refused = /permission denied/
    await expect(sql`update audit_event set event = 'rewritten' where id = ${target.id}`.execute(t.db)).rejects.toThrow(refused)
    await expect(sql`delete from audit_event where id = ${target.id}`.execute(t.db)).rejects.toThrow(refused)
    await expect(sql`truncate audit_event`.execute(t.db)).rejects.toThrow(refused)
    // Nor can it step around the trigger: only the owner may disable it, only a superuser skip it.
    await expect(sql`alter table audit_event disable trigger audit_event_no_update`.execute(t.db)).rejects.toThrow(/must be owner/)
    await expect(
      t.db.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx)
      }),
    ).rejects.toThrow(/permission denied/)
    const [privileges] = (
      await sql<{ can_select: boolean; can_insert: boolean }>`
        select has_table_privilege('audit_event', 'select') as can_select, has_table_privilege('audit_event', 'insert') as can_insert`.execute(t.db)
    ).rows
    expect(privileges).toEqual({ can_select: true, can_insert: true })

    expect(await chain()).toEqual(rows)
    expect((await verifyAuditChain(t.db)).firstBrokenId).toBeNull()
  })

  it('UPDATE, DELETE and TRUNCATE on audit_event are refused by the trigger even to its owner, and change nothing', async () => {
    const rows = await enoughRows()
    const target = rows[1]!
    await t.database.asOwner(async (owner) => {
      await expect(sql`update audit_event set event = 'rewritten' where id = ${target.id}`.execute(owner)).rejects.toThrow(/append-only: UPDATE refused/)
      await expect(sql`delete from audit_event where id = ${target.id}`.execute(owner)).rejects.toThrow(/append-only: DELETE refused/)
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

  it('a row rewritten with a fresh hash of its own breaks the link of the row after it, which is named', async () => {
    const rows = await enoughRows()
    const index = Math.floor(rows.length / 2)
    const target = rows[index]!
    const next = rows[index + 1]!
    const rehash = sql`encode(sha256(convert_to(audit_event_canonical(a), 'UTF8')), 'hex')`
    await behindTheTrigger(async (trx) => {
      await sql`update audit_event set event = 'user.nothing_to_see' where id = ${target.id}`.execute(trx)
      await sql`update audit_event a set hash = ${rehash} where a.id = ${target.id}`.execute(trx)
    })

    const check = await verifyAuditChain(t.db)
    expect(check.firstBrokenId).toBe(next.id)
    expect(check.reason).toMatch(/previous-hash link broken/)

    await behindTheTrigger(async (trx) => {
      await sql`update audit_event set event = ${target.event}, hash = ${target.hash} where id = ${target.id}`.execute(trx)
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

  it('a transaction’s audit rows join the chain at its commit, in the order written, and it holds no chain lock before then', async () => {
    const marker = randomUUID()
    const chainLocksHeld = (trx: Transaction<Database>) =>
      sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted`.execute(trx).then((r) => r.rows[0]?.n)
    await t.db.transaction().execute(async (trx) => {
      for (let k = 0; k < 3; k += 1) await recordAudit(trx, actor, { category: 'security', event: 'test.at_commit', detail: { marker, k } })
      // Written, but not yet in the chain, and no lock keeps other writers waiting while this
      // transaction goes back to the app.
      expect(await chainLocksHeld(trx)).toBe(0)
      const chained = await sql<{ n: number }>`select count(*)::int as n from audit_event where detail->>'marker' = ${marker}`.execute(trx)
      expect(chained.rows[0]?.n).toBe(0)
      const pending = await trx.selectFrom('audit_pending').select('event').where(sql<boolean>`detail->>'marker' = ${marker}`).execute()
      expect(pending).toHaveLength(3)
    })
    const rows = await chain()
    const positions = rows.flatMap((row, index) => ((row.detail as { marker?: string } | null)?.marker === marker ? [{ index, k: (row.detail as { k: number }).k }] : []))
    expect(positions.map((p) => p.k)).toEqual([0, 1, 2])
    expect(positions.at(-1)!.index - positions[0]!.index).toBe(2)
    // Linked like any other row (earlier tests here break the chain on purpose, so not verified whole).
    for (const { index } of positions) expect(rows[index]!.prev_hash).toBe(rows[index - 1]!.hash)
    expect(await t.db.selectFrom('audit_pending').select('seq').execute()).toEqual([])
  })

  it('a transaction that rolls back leaves no audit row, in the chain or waiting', async () => {
    const marker = randomUUID()
    const before = await chain()
    await expect(
      t.db.transaction().execute(async (trx) => {
        await recordAudit(trx, actor, { category: 'security', event: 'test.rolled_back', detail: { marker } })
        throw new Error('the act failed')
      }),
    ).rejects.toThrow('the act failed')
    expect(await chain()).toEqual(before)
    expect(await t.db.selectFrom('audit_pending').select('seq').execute()).toEqual([])
  })
})
