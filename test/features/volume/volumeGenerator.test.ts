import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../../db/index.ts'
import { generateVolume } from '../../../db/seed/volume/index.ts'
import { createProgress } from '../../../db/seed/volume/progress.ts'
import type { Database } from '../../../db/types.ts'
import { auditKeyRing, useAuditKeys } from '../../../server/features/audit/auditKey.ts'
import { recordAudit, sealAuditLog } from '../../../server/features/audit/auditRepository.ts'
import { verifyAuditChain } from '../../../server/features/audit/auditChainVerify.ts'
import { normaliseCroNumber, normalisePncId } from '../../../server/features/people/identifiers.ts'
import { demoPassword } from '../../helpers/constants.ts'
import { createTestDatabase, testAuditKey } from '../../helpers/testDatabase.ts'
import { expectTalliesToAgree } from '../performance/talliesAgree.ts'
import { appointmentsToRecordApart } from '../../helpers/appointmentsToRecord.ts'
import { expectCidListingToAgree } from '../cid/cidSupport.ts'

const people = 300
const auditRows = 3000
const now = new Date()
// Every table the generator writes; app_user without password_hash (argon2 salts each hash).
const tables = [
  'person',
  'person_alias',
  'person_marker',
  'referral',
  'cohort_membership',
  'membership_event',
  'contact',
  'action',
  'drug_test',
  'drug_test_confirmation',
  'required_assessment',
  'appointment',
  'appointment_change',
  'attendance',
  'dip_failure',
  'dip_failure_event',
  'cid_entry',
  'cid_entry_event',
  'partner_link',
  'retention_decision',
  'audit_event',
  'user_area',
]

let first: DbHandle
let second: DbHandle
const before: Record<string, number> = {}

async function counts(db: Kysely<Database>): Promise<Record<string, number>> {
  const result: Record<string, number> = {}
  for (const table of tables) {
    const row = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)
    result[table] = row.rows[0]?.n ?? 0
  }
  return result
}

async function checksum(db: Kysely<Database>, table: string): Promise<string> {
  const row = await sql<{
    sum: string
  }>`select md5(string_agg(t::text, '|' order by t::text)) as sum from ${sql.table(table)} t`.execute(db)
  return row.rows[0]?.sum ?? ''
}

// The generator is owner's work (it steps around triggers), as `npm run db:seed` runs it.
const generate = (handle: DbHandle) =>
  handle.asOwner((db: Kysely<Database>) =>
    generateVolume(db, {
      people,
      seed: 7,
      auditRows,
      password: demoPassword,
      now,
      chunk: 150,
      progress: createProgress(process.stderr, { quiet: true }),
    }),
  )

beforeAll(async () => {
  ;[first, second] = await Promise.all([
    createTestDatabase({ statementTimeoutMs: 60_000 }),
    createTestDatabase({ statementTimeoutMs: 60_000 }),
  ])
  Object.assign(before, await counts(first.db))
  await generate(first)
  await generate(second)
}, 120_000)

afterAll(async () => {
  await Promise.all([first?.close(), second?.close()])
})

describe('the volume generator at small scale', () => {
  it('adds the population in the expected proportions', async () => {
    const after = await counts(first.db)
    const added = (table: string) => (after[table] ?? 0) - (before[table] ?? 0)
    expect(added('person')).toBe(people)
    expect(added('audit_event')).toBe(auditRows)
    // About ten appointments a person (a million at 100,000), most already attended.
    expect(added('appointment')).toBeGreaterThan(people * 6)
    expect(added('appointment')).toBeLessThan(people * 16)
    expect(added('attendance')).toBeGreaterThan(added('appointment') / 2)
    expect(added('drug_test')).toBeGreaterThan(people)
    expect(added('required_assessment')).toBeLessThan(added('drug_test'))
    expect(added('dip_failure')).toBeGreaterThan(0)
    for (const table of [
      'person_alias',
      'person_marker',
      'referral',
      'cohort_membership',
      'membership_event',
      'contact',
      'action',
      'partner_link',
      'retention_decision',
      'dip_failure_event',
    ]) {
      expect(added(table), table).toBeGreaterThan(0)
    }
  })

  it('gives the same rows for the same seed', async () => {
    for (const table of tables) expect(await checksum(second.db, table), table).toBe(await checksum(first.db, table))
    const users = sql`select md5(string_agg(concat_ws(',', id, username, display_name, role, agency, created_at), '|' order by id)) as sum from app_user`
    expect((await users.execute(second.db)).rows).toEqual((await users.execute(first.db)).rows)
  })

  it('leaves an intact audit chain, keyed with the audit key, that the app can continue', async () => {
    const generated = await sql<{ lo: string; hi: string }>`
      select min(id)::text as lo, max(id)::text as hi from audit_event where request_id like 'v7-%'`.execute(first.db)
    const { lo, hi } = generated.rows[0]!
    expect(await verifyAuditChain(first.db)).toMatchObject({ firstBrokenId: null })
    // Every generated row lies in a segment of the test key: HMAC-sealed, not plain sha256.
    const segment = await sql<{ key_id: string }>`
      select key_id from audit_key_segment where first_id <= ${lo}::int8 order by first_id desc limit 1`.execute(
      first.db,
    )
    expect(segment.rows).toEqual([{ key_id: auditKeyRing(testAuditKey).current.id }])
    // Checked with another key, the same rows are reported, so the check can fail.
    const otherKey = auditKeyRing('a-different-audit-key-that-sealed-nothing-here-0123')
    expect((await verifyAuditChain(first.db, { keys: otherKey })).firstBrokenId).not.toBeNull()

    // The app's own path: a row written with its act, then sealed into the chain with the key.
    const actor = { userId: null, username: 'volume-test', requestId: 'volume-continue', ip: null }
    await first.db
      .transaction()
      .execute((trx) => recordAudit(trx, actor, { category: 'security', event: 'test.after_volume' }))
    expect(await sealAuditLog(first.db)).toBeGreaterThanOrEqual(1)
    const check = await verifyAuditChain(first.db)
    expect(check).toMatchObject({ firstBrokenId: null })
    const added = await first.db
      .selectFrom('audit_event')
      .select(sql<string>`id::text`.as('id'))
      .where('event', '=', 'test.after_volume')
      .executeTakeFirstOrThrow()
    expect(BigInt(added.id)).toBeGreaterThan(BigInt(hi))
    expect(check.lastId).toBe(added.id)
  })

  it('continues a chain the app has already written, from its true last row', async () => {
    const third = await createTestDatabase({ statementTimeoutMs: 60_000 })
    try {
      // More than nine rows, so that the last row by id is not the last by its id as text.
      const actor = { userId: null, username: 'volume-test', requestId: 'volume-before', ip: null }
      for (let i = 0; i < 12; i++)
        await recordAudit(third.db, actor, { category: 'security', event: 'test.before_volume' })
      await sealAuditLog(third.db)
      const head = await sql<{
        id: string
        hash: string
      }>`select a.id::text as id, a.hash from audit_event a order by a.id desc limit 1`.execute(third.db)
      expect(Number(head.rows[0]!.id)).toBeGreaterThanOrEqual(12)
      const segmentsBefore = await third.db.selectFrom('audit_key_segment').select('key_id').execute()

      await third.asOwner((db: Kysely<Database>) =>
        generateVolume(db, {
          people: 10,
          seed: 9,
          auditRows: 50,
          password: demoPassword,
          now,
          progress: createProgress(process.stderr, { quiet: true }),
        }),
      )
      const firstGenerated = await sql<{ prev_hash: string }>`
        select a.prev_hash from audit_event a where a.request_id like 'v9-%' order by a.id limit 1`.execute(third.db)
      expect(firstGenerated.rows).toEqual([{ prev_hash: head.rows[0]!.hash }])
      // The same key as the rows before: their segment goes on, no new one starts.
      expect(await third.db.selectFrom('audit_key_segment').select('key_id').execute()).toEqual(segmentsBefore)
      expect(await verifyAuditChain(third.db)).toMatchObject({ firstBrokenId: null })
    } finally {
      await third.close()
    }
  })

  it('refuses to write audit rows without the audit key, before it writes anything', async () => {
    const beforeRefusal = await counts(second.db)
    useAuditKeys(undefined)
    try {
      await expect(
        second.asOwner((db: Kysely<Database>) =>
          generateVolume(db, {
            people: 10,
            seed: 8,
            auditRows: 10,
            password: demoPassword,
            now,
            progress: createProgress(process.stderr, { quiet: true }),
          }),
        ),
      ).rejects.toThrow(/needs the audit key/)
      expect(await counts(second.db)).toEqual(beforeRefusal)
    } finally {
      useAuditKeys(auditKeyRing(testAuditKey))
    }
  })

  it("leaves the performance report's tallies, the CID listing and the appointments to record agreeing with the rows it made", async () => {
    await expectTalliesToAgree(first.db)
    await expectCidListingToAgree(first.db)
    // Its appointments and their attendance are written by one statement: the kept table must
    // still name only those with none.
    expect(await appointmentsToRecordApart(first.db)).toEqual([])
  })

  it('keeps every foreign key', async () => {
    const keys = await sql<{ child: string; column: string; parent: string; parent_column: string }>`
      select c.conrelid::regclass::text as child, a.attname as column, c.confrelid::regclass::text as parent, pa.attname as parent_column
        from pg_constraint c
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
        join pg_attribute pa on pa.attrelid = c.confrelid and pa.attnum = c.confkey[1]
       where c.contype = 'f' and cardinality(c.conkey) = 1`.execute(first.db)
    expect(keys.rows.length).toBeGreaterThan(20)
    for (const key of keys.rows) {
      const orphans = await sql<{ n: number }>`
        select count(*)::int as n from ${sql.table(key.child)} c
         where c.${sql.ref(key.column)} is not null
           and not exists (select 1 from ${sql.table(key.parent)} p where p.${sql.ref(key.parent_column)} = c.${sql.ref(key.column)})`.execute(
        first.db,
      )
      expect(orphans.rows[0]?.n, `${key.child}.${key.column}`).toBe(0)
    }
  })

  it('gives valid PNC IDs and CRO numbers, and appointments today', async () => {
    const ids = await first.db
      .selectFrom('person')
      .select(['pnc_id', 'cro_number'])
      .where('pnc_id', 'like', '%/1%')
      .execute()
    expect(ids.length).toBeGreaterThan(people / 2)
    for (const { pnc_id, cro_number } of ids) {
      expect(normalisePncId(pnc_id ?? ''), pnc_id ?? '').toMatchObject({ ok: true })
      if (cro_number) expect(normaliseCroNumber(cro_number), cro_number).toMatchObject({ ok: true })
    }
    const nextMonth = await sql<{
      n: number
    }>`select count(*)::int as n from appointment where scheduled_at between now() and now() + interval '30 days'`.execute(
      first.db,
    )
    expect(nextMonth.rows[0]?.n).toBeGreaterThan(0)
  })

  it('refuses to add the same seed twice', async () => {
    await expect(generate(first)).rejects.toThrow(/already has the synthetic population of seed 7/)
  })
})
