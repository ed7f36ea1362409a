import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../../db/index.ts'
import { recordAudit } from '../../../server/features/audit/auditRepository.ts'
import { verifyAuditChain } from '../../../server/features/audit/auditChainVerify.ts'
import { sealed } from '../../helpers/factories.ts'
import { createTestDatabase } from '../../helpers/testDatabase.ts'

let t: DbHandle
let ids: string[] = []
beforeAll(async () => {
  t = await createTestDatabase()
  for (let i = 0; i < 12; i++)
    await recordAudit(
      t.db,
      { userId: null, username: 'ranges', requestId: null, ip: null },
      { category: 'security', event: 'test.range', detail: { i } },
    )
  ids = (
    await sql<{ id: string }>`select id::text as id from audit_event order by audit_event.id`.execute(
      await sealed(t.db),
    )
  ).rows.map((r) => r.id)
})
afterAll(async () => {
  await t.close()
})

class RollBack extends Error {}

/** Tampers behind the triggers, then compares the verdict in ranges of three with the verdict in one pass; all rolled back. */
async function compare(tamper: string) {
  const verdicts: unknown[] = []
  // Only the owner may step around the triggers (the app's role may not even try).
  await t.asOwner((owner) =>
    owner
      .transaction()
      .execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx)
        await sql.raw(tamper).execute(trx)
        verdicts.push(
          await verifyAuditChain(trx, { chunkSize: 3, parallel: 2 }),
          await verifyAuditChain(trx, { chunkSize: 1_000_000_000 }),
        )
        throw new RollBack()
      })
      .catch((error: unknown) => {
        if (!(error instanceof RollBack)) throw error
      }),
  )
  return verdicts
}

describe('audit:verify in id ranges', () => {
  it('finds the same first broken row as one pass, wherever the damage falls against the range boundaries', async () => {
    expect(await verifyAuditChain(t.db, { chunkSize: 3, parallel: 2 })).toEqual(await verifyAuditChain(t.db))
    for (const id of ids) {
      const [ranged, whole] = await compare(`delete from audit_event where id = ${id}`)
      expect(ranged, `deleted ${id}`).toEqual(whole)
      const [ranged2, whole2] = await compare(`update audit_event set event = 'x' where id = ${id}`)
      expect(ranged2, `altered ${id}`).toEqual(whole2)
      expect((whole2 as { firstBrokenId: string }).firstBrokenId).toBe(id)
      const [ranged3, whole3] = await compare(
        `update audit_event a set event = 'x', hash = encode(sha256(convert_to(audit_event_canonical(a), 'UTF8')), 'hex') where id = ${id}`,
      )
      expect(ranged3, `rehashed ${id}`).toEqual(whole3)
    }
  })
})
