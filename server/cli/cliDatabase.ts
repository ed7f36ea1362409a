import { appRole, createDb, type DbHandle } from '../../db/index.ts'
import { loadConfig, type Config } from '../config.ts'

/** The same database the app would use, from the same environment variables. */
export async function openCliDatabase(options: { poolMax?: number } = {}): Promise<{ config: Config; database: DbHandle }> {
  const config = loadConfig(process.env)
  const database = await createDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: options.poolMax ?? 2,
    connectTimeoutMs: config.db.connectTimeoutMs,
    statementTimeoutMs: 600_000,
    role: appRole,
    ownerUrl: config.migrationDatabaseUrl,
  })
  return { config, database }
}

export function runCli(main: () => Promise<number>): void {
  main()
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error)
      process.exit(1)
    })
}
