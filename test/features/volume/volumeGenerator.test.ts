import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../../db/index.ts'
import { generateVolume } from '../../../db/seed/volume/index.ts'
import { createProgress } from '../../../db/seed/volume/progress.ts'
import type { Database } from '../../../db/types.ts'
import { verifyAuditChain } from '../../../server/features/audit/auditRepository.ts'
import { normaliseCroNumber, normalisePncId } from '../../../server/features/people/identifiers.ts'
import { demoPassword } from '../../helpers/constants.ts'
import { createTestDatabase } from '../../helpers/testDatabase.ts'
import { expectTalliesToAgree } from '../performance/talliesAgree.ts'
import { expectCidListingToAgree } from '../cid/cidSupport.ts'

const people = 300
const auditRows = 3000
const now = new Date()
// Every table the generator writes; app_user without password_hash (argon2 salts each hash).
const tables = ['person', 'person_alias', 'person_marker', 'referral', 'cohort_membership', 'membership_event', 'contact', 'action',
  'drug_test', 'drug_test_confirmation', 'required_assessment', 'appointment', 'appointment_change', 'attendance', 'dip_failure',
  'dip_failure_event', 'cid_entry', 'cid_entry_event', 'partner_link', 'retention_decision', 'audit_event', 'user_area']

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
  const row = await sql<{ sum: string }>`select md5(string_agg(t::text, '|' order by t::text)) as sum from ${sql.table(table)} t`.execute(db)
  return row.rows[0]?.sum ?? ''
}

// The generator is owner's work (it steps around triggers), as `npm run db:seed` runs it.
const generate = (handle: DbHandle) =>
  handle.asOwner((db: Kysely<Database>) => generateVolume(db, { people, seed: 7, auditRows, password: demoPassword, now, chunk: 150, progress: createProgress(process.stderr, { quiet: true }) }))

beforeAll(async () => {
  ;[first, second] = await Promise.all([createTestDatabase({ statementTimeoutMs: 60_000 }), createTestDatabase({ statementTimeoutMs: 60_000 })])
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
    for (const table of ['person_alias', 'person_marker', 'referral', 'cohort_membership', 'membership_event', 'contact', 'action', 'partner_link', 'retention_decision', 'dip_failure_event']) {
      expect(added(table), table).toBeGreaterThan(0)
    }
  })

  it('gives the same rows for the same seed', async () => {
    for (const table of tables) expect(await checksum(second.db, table), table).toBe(await checksum(first.db, table))
    const users = sql`select md5(string_agg(concat_ws(',', id, username, display_name, role, agency, created_at), '|' order by id)) as sum from app_user`
    expect((await users.execute(second.db)).rows).toEqual((await users.execute(first.db)).rows)
  })

  it('leaves an intact audit chain that the app can continue', async () => {
    expect(await verifyAuditChain(first.db)).toMatchObject({ firstBrokenId: null })
    await first.db.insertInto('audit_event').values({ category: 'security', event: 'test.after_volume', actor_user_id: null, actor_username: null,
      entity_type: null, entity_id: null, person_id: null, purpose: null, recipients: null, request_id: null, ip: null, detail: null }).execute()
    expect(await verifyAuditChain(first.db)).toMatchObject({ firstBrokenId: null })
  })

  it("leaves the performance report's tallies and the CID listing agreeing with the rows it made", async () => {
    await expectTalliesToAgree(first.db)
    await expectCidListingToAgree(first.db)
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
           and not exists (select 1 from ${sql.table(key.parent)} p where p.${sql.ref(key.parent_column)} = c.${sql.ref(key.column)})`.execute(first.db)
      expect(orphans.rows[0]?.n, `${key.child}.${key.column}`).toBe(0)
    }
  })

  it('gives valid PNC IDs and CRO numbers, and appointments today', async () => {
    const ids = await first.db.selectFrom('person').select(['pnc_id', 'cro_number']).where('pnc_id', 'like', '%/1%').execute()
    expect(ids.length).toBeGreaterThan(people / 2)
    for (const { pnc_id, cro_number } of ids) {
      expect(normalisePncId(pnc_id ?? ''), pnc_id ?? '').toMatchObject({ ok: true })
      if (cro_number) expect(normaliseCroNumber(cro_number), cro_number).toMatchObject({ ok: true })
    }
    const nextMonth = await sql<{ n: number }>`select count(*)::int as n from appointment where scheduled_at between now() and now() + interval '30 days'`.execute(first.db)
    expect(nextMonth.rows[0]?.n).toBeGreaterThan(0)
  })

  it('refuses to add the same seed twice', async () => {
    await expect(generate(first)).rejects.toThrow(/already has the synthetic population of seed 7/)
  })
})
