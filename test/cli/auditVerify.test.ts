import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../db/index.ts'
import { appendCheckpoint, takeCheckpoint } from '../../server/features/audit/auditCheckpoint.ts'
import { auditKeyRing } from '../../server/features/audit/auditKey.ts'
import { recordAudit, sealAuditLog } from '../../server/features/audit/auditRepository.ts'
import { testSessionSecret } from '../helpers/constants.ts'
import { createTestDatabase, testAuditKey } from '../helpers/testDatabase.ts'

// `npm run audit:verify` as an operator runs it: a process of its own that finds the database,
// the key and the checkpoint file from the environment, and says by its exit code what it found.

const root = fileURLToPath(new URL('../..', import.meta.url))
const keys = auditKeyRing(testAuditKey)

let t: DbHandle
let dataDir: string
let checkpointFile: string

type Run = { code: number; stdout: string; stderr: string }

/** The command over the test's database (the embedded one is reached through its socket server, as the app reaches it). */
function verify(overrides: Record<string, string | undefined> = {}): Promise<Run> {
  const databaseUrl = String(t.pool.options.connectionString)
  const base = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    SESSION_SECRET: testSessionSecret,
    AUDIT_KEY: testAuditKey,
    AUDIT_CHECKPOINT_FILE: checkpointFile,
  }
  const env = Object.fromEntries(
    Object.entries({ ...base, ...overrides }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  )
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/cli/auditVerify.ts'],
      {
        cwd: root,
        timeout: 30_000,
        env,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

beforeAll(async () => {
  t = await createTestDatabase()
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'cohort-audit-verify-'))
  checkpointFile = path.join(dataDir, 'audit-checkpoints.log')
  // More than nine rows: the head is row 12 or later, which as text would sort before row 9.
  const actor = { userId: null, username: 'verify-test', requestId: 'verify-test', ip: null }
  for (let i = 0; i < 12; i += 1)
    await recordAudit(t.db, actor, { category: 'security', event: 'test.verify_cli', detail: { i } })
  await sealAuditLog(t.db, { keys })
})

afterAll(async () => {
  await t?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

describe('npm run audit:verify', () => {
  it('exits 4 when there is no checkpoint, 0 once the head is checkpointed, 2 under another key, 1 with no key at all', async () => {
    const noCheckpoint = await verify()
    expect(noCheckpoint).toMatchObject({ code: 4 })
    expect(noCheckpoint.stderr).toMatch(/no audit checkpoint in .*audit-checkpoints\.log/)

    await appendCheckpoint(checkpointFile, await takeCheckpoint(t.db, keys.current))
    const head = await sql<{ id: string }>`select max(id)::text as id from audit_event`.execute(t.db)
    const intact = await verify()
    expect(intact, intact.stderr).toMatchObject({ code: 0 })
    expect(intact.stdout).toContain(`audit chain intact up to row ${head.rows[0]!.id}`)

    const otherKey = await verify({ AUDIT_KEY: 'a-different-audit-key-that-sealed-nothing-here-0123' })
    expect(otherKey).toMatchObject({ code: 2 })
    expect(otherKey.stderr).toMatch(
      /audit chain BROKEN at row \d+: sealed with audit key [0-9a-f]{16}, which is not configured/,
    )

    const noKey = await verify({ AUDIT_KEY: undefined })
    expect(noKey).toMatchObject({ code: 1 })
    expect(noKey.stderr).toMatch(/AUDIT_KEY is not set and .*audit\.key holds no secret/)
  })

  it('exits 3 and names the rows when the last rows are deleted behind the trigger', async () => {
    const before = await sql<{
      id: string
    }>`select a.id::text as id from audit_event a order by a.id desc limit 3`.execute(t.db)
    const [last, , third] = before.rows.map((r) => r.id)
    await t.asOwner((owner) =>
      owner.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx)
        await sql`delete from audit_event where id >= ${third!}::int8`.execute(trx)
      }),
    )
    const cut = await verify()
    expect(cut).toMatchObject({ code: 3 })
    expect(cut.stderr).toContain(`rows ${third}–${last} missing after checkpoint`)
    expect(cut.stderr).toContain(`last row in database is ${BigInt(third!) - 1n}`)
  })
})
