import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { createDb, type DbHandle } from '../../db/index.ts'
import { migrateToLatest } from '../../db/migrate.ts'

/**
 * A database with the migrations run and nothing seeded, as the app first finds it, for tests
 * that seed it themselves: in memory on PGlite, or beside the template on PostgreSQL (dropped
 * on close). Acts as the owner, as the seeding at first start does.
 */
export async function createEmptyDatabase(): Promise<DbHandle> {
  const template = inject('template')
  const common = { dataDir: '', poolMax: 2, connectTimeoutMs: 20_000, statementTimeoutMs: 60_000 }
  if (template.kind === 'embedded') {
    const handle = await createDb({ ...common, databaseUrl: undefined, inMemory: true })
    await migrateToLatest(handle.db)
    return handle
  }
  const name = `cohort_empty_${randomBytes(6).toString('hex')}`
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: template.adminUrl })
    await client.connect()
    try {
      await client.query(statement)
    } finally {
      await client.end()
    }
  }
  await admin(`create database ${name}`)
  const url = new URL(template.adminUrl)
  url.pathname = `/${name}`
  const handle = await createDb({ ...common, databaseUrl: url.toString() })
  await migrateToLatest(handle.db)
  return {
    ...handle,
    async close() {
      await handle.close()
      await admin(`drop database if exists ${name} with (force)`)
    },
  }
}
