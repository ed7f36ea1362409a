import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import pg from 'pg'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, inject } from 'vitest'
import { appRole, createDb, type DbHandle } from '../../db/index.ts'
import type { Database } from '../../db/types.ts'
import { auditKeyRing, useAuditKeys } from '../../server/features/audit/auditKey.ts'

/** The audit key every test seals with, as the app seals with its own (never a real one). */
export const testAuditKey = 'cohort-test-audit-key-not-a-secret-0123456789'

/** A private copy of the migrated, seeded template for one test file. Close it in afterAll. */
export async function createTestDatabase(
  options: { poolMax?: number; statementTimeoutMs?: number } = {},
): Promise<DbHandle> {
  const template = inject('template')
  useAuditKeys(auditKeyRing(testAuditKey))
  const common = {
    dataDir: '',
    poolMax: options.poolMax ?? 5,
    // Generous: CI runs many files at once on two cores, and a slow connect is not what is tested.
    connectTimeoutMs: 20_000,
    statementTimeoutMs: options.statementTimeoutMs ?? 20_000,
    // As the app runs: tests prove its grants are enough, and that the audit log is beyond them.
    role: appRole,
  }
  if (template.kind === 'embedded') {
    const dump = new Blob([await readFile(template.dumpFile)])
    return createDb({ ...common, databaseUrl: undefined, inMemory: true, embeddedDump: dump })
  }
  const name = `cohort_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: template.adminUrl })
  await admin.connect()
  try {
    await admin.query(`create database ${name} template ${template.templateName}`)
  } finally {
    await admin.end()
  }
  const url = new URL(template.adminUrl)
  url.pathname = `/${name}`
  const handle = await createDb({ ...common, databaseUrl: url.toString() })
  return {
    ...handle,
    async close() {
      await handle.close()
      const cleanup = new pg.Client({ connectionString: template.adminUrl })
      await cleanup.connect()
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`)
      } finally {
        await cleanup.end()
      }
    },
  }
}

/**
 * The test file's own database, for a file whose tests talk to the database alone: opened before
 * its tests, closed after them. Read `.db` inside a test (it is not open while the file loads).
 */
export function fileDatabase(): { readonly db: Kysely<Database> } {
  let handle: DbHandle | undefined
  beforeAll(async () => {
    handle = await createTestDatabase()
  })
  afterAll(async () => {
    await handle?.close()
  })
  return {
    get db() {
      if (!handle) throw new Error('The test database opens in beforeAll: read it inside a test')
      return handle.db
    },
  }
}
