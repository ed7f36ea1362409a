import { migrateToLatest } from '../../db/migrate.ts'
import { openCliDatabase, runCli } from './cliDatabase.ts'

runCli(async () => {
  const { database } = await openCliDatabase()
  try {
    const result = await database.asOwner(migrateToLatest)
    const applied = result.results?.filter((r) => r.status === 'Success') ?? []
    console.log(
      `${database.description}: ${applied.length} migration(s) applied${applied.length ? `: ${applied.map((r) => r.migrationName).join(', ')}` : ''}`,
    )
    return 0
  } finally {
    await database.close()
  }
})
