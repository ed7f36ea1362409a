import { performance } from 'node:perf_hooks'
import { createDb } from '../../db/index.ts'
import { saveEmbeddedTemplate } from '../../db/embeddedTemplate.ts'
import { migrateToLatest, migrationNames } from '../../db/migrate.ts'
import { runCli } from './cliDatabase.ts'

// Run by `npm install` (package.json's prepare script), after the build: makes the embedded
// database's starting point, an empty cluster with every migration run, so that a first start
// on an empty data folder unpacks it instead of running initdb and the migrations (decision 0120).
runCli(async () => {
  const started = performance.now()
  const handle = await createDb({
    databaseUrl: undefined,
    dataDir: '',
    inMemory: true,
    poolMax: 2,
    connectTimeoutMs: 5000,
    statementTimeoutMs: 600_000,
  })
  try {
    await migrateToLatest(handle.db)
    await handle.db.destroy()
    const dump = await handle.embedded!.pglite.dumpDataDir('gzip')
    const file = await saveEmbeddedTemplate(dump, await migrationNames())
    console.log(`Embedded database template: ${file} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
    return 0
  } finally {
    await handle.close()
  }
})
