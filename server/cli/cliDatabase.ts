import { appRole, createDb, type DbHandle } from '../../db/index.ts'
import { loadConfig, type Config } from '../config.ts'
import { resolveAuditKeys, useAuditKeys, type AuditKeyRing } from '../features/audit/auditKey.ts'

/**
 * How a command finds the audit key. 'as the app': AUDIT_KEY, else audit.key in DATA_DIR, made
 * there if missing as the app's first start makes it (in production only a configured key; a
 * command that seals nothing runs without one). 'existing': the key must be there already, for
 * a key made now would match nothing in the log.
 */
export type CliAuditKeys = 'as the app' | 'existing'

/**
 * The same database the app would use, from the same environment variables, with the process's
 * audit keys registered as main registers them: whatever the command writes to the audit log is
 * sealed into the keyed chain with them.
 */
export async function openCliDatabase(
  options: { poolMax?: number; auditKeys?: CliAuditKeys } = {},
): Promise<{ config: Config; database: DbHandle; auditKeys: AuditKeyRing | undefined }> {
  const config = loadConfig(process.env)
  const auditKeys = await cliAuditKeys(config, options.auditKeys ?? 'as the app')
  useAuditKeys(auditKeys)
  const database = await createDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: options.poolMax ?? 2,
    connectTimeoutMs: config.db.connectTimeoutMs,
    statementTimeoutMs: 600_000,
    role: appRole,
    ownerUrl: config.migrationDatabaseUrl,
  })
  return { config, database, auditKeys }
}

async function cliAuditKeys(config: Config, mode: CliAuditKeys): Promise<AuditKeyRing | undefined> {
  const production = config.env === 'production'
  if (mode === 'as the app' && production && !config.audit.key) return undefined
  return resolveAuditKeys({
    configured: config.audit.key,
    previous: config.audit.previousKeys,
    dataDir: config.dataDir,
    production,
    generate: mode === 'as the app',
  })
}

export function runCli(main: () => Promise<number>): void {
  main()
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error)
      process.exit(1)
    })
}
