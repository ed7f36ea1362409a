import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import pg from 'pg'
import { inject } from 'vitest'
import { createDb, type DbHandle } from '../../db/index.ts'

/** A private copy of the migrated, seeded template for one test file. Close it in afterAll. */
export async function createTestDatabase(options: { poolMax?: number; statementTimeoutMs?: number } = {}): Promise<DbHandle> {
  const template = inject('template')
  const common = {
    dataDir: '',
    poolMax: options.poolMax ?? 5,
    connectTimeoutMs: 5000,
    statementTimeoutMs: options.statementTimeoutMs ?? 20_000,
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
