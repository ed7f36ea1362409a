import { writeFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { createDb } from '../../db/index.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { seedDemo } from '../../db/seed/demo.ts'
import { demoPassword } from './constants.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    template: { kind: 'embedded'; dumpFile: string } | { kind: 'postgres'; adminUrl: string; templateName: string }
  }
}

/**
 * Builds one migrated, seeded template database per run; every test file then gets its own
 * copy (CREATE DATABASE … TEMPLATE on PostgreSQL, a loaded dump on PGlite), so files run in parallel.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL
  if (adminUrl) {
    const templateName = `cohort_template_${process.pid}`
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`drop database if exists ${templateName}`)
    await admin.query(`create database ${templateName}`)
    const url = new URL(adminUrl)
    url.pathname = `/${templateName}`
    const handle = await createDb({
      databaseUrl: url.toString(),
      dataDir: '',
      poolMax: 2,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 60_000,
    })
    await migrateToLatest(handle.db)
    await seedDemo(handle.db, { password: demoPassword })
    await handle.close()
    project.provide('template', { kind: 'postgres', adminUrl, templateName })
    return async () => {
      await admin.query(`drop database if exists ${templateName}`)
      await admin.end()
    }
  }

  const handle = await createDb({
    databaseUrl: undefined,
    dataDir: '',
    embeddedDump: undefined,
    poolMax: 2,
    connectTimeoutMs: 5000,
    statementTimeoutMs: 60_000,
    inMemory: true,
  })
  await migrateToLatest(handle.db)
  await seedDemo(handle.db, { password: demoPassword })
  await handle.db.destroy()
  const dump = await handle.embedded!.pglite.dumpDataDir('none')
  await handle.close()
  const dumpFile = path.join(os.tmpdir(), `cohort-template-${process.pid}.tar`)
  await writeFile(dumpFile, Buffer.from(await dump.arrayBuffer()))
  project.provide('template', { kind: 'embedded', dumpFile })
  return async () => {
    await rm(dumpFile, { force: true })
  }
}
