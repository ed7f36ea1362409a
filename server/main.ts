import { createServer, type Server } from 'node:http'
import type { Kysely } from 'kysely'
import type { Database } from '../db/types.ts'
import { appRole, createDb } from '../db/index.ts'
import { hasRunEveryMigration, migrateToLatest } from '../db/migrate.ts'
import { ConfigError, loadConfig } from './config.ts'
import { createLogger } from './logger.ts'

// The composition root: the only module with side effects.
async function main(): Promise<void> {
  const config = loadConfig(process.env)
  const logger = createLogger(config.logLevel)
  const startedAt = Date.now()

  // The app's modules load while the database opens: each takes most of a second at a start, and
  // the one waits mostly on the disk and WebAssembly's compiler, the other on the CPU (decision 0120).
  const appModules = import('./appModules.ts')
  // Awaited below; marked handled here so that a failure to open the database is the error reported.
  appModules.catch(() => undefined)
  const database = await createDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.db.poolMax,
    connectTimeoutMs: config.db.connectTimeoutMs,
    statementTimeoutMs: config.db.statementTimeoutMs,
    onPoolError: (error) => logger.warn({ err: error }, 'database connection lost; the pool will reconnect'),
    role: appRole,
    ownerUrl: config.migrationDatabaseUrl,
  })
  logger.info({ database: database.description }, `database: ${database.description}`)

  // Migrations need the owner's rights; everything after runs as the app role they grant to.
  // Asked first on the app's own pool: only a database that lacks a migration needs the owner's connection.
  const migrations = (await hasRunEveryMigration(database.db))
    ? { results: [] }
    : await database.asOwner(migrateToLatest)
  const applied = migrations.results?.filter((r) => r.status === 'Success').length ?? 0
  logger.info({ applied }, 'migrations up to date')

  const shouldSeed = config.seedDemo ?? (database.kind === 'embedded' && config.env !== 'production')
  let seedPhotos: (() => Promise<void>) | undefined
  if (shouldSeed && !(await hasAnyUser(database.db))) {
    if (config.env === 'production') throw new Error('Demo data is never seeded when NODE_ENV=production')
    // Loaded only here: the seeders and faker cost every other start time, and are development
    // dependencies, absent from a production install (decision 0112).
    const { seedDemo, seedDemoPhotos } = await import('../db/seed/demo.ts')
    const now = new Date()
    // The custody photographs are drawn after the app starts listening: drawing them took two of
    // a first start's seconds, and a page shows "no photograph" until they are in (decision 0120).
    const accounts = await seedDemo(database.db, { password: config.demoPassword, now, photos: false })
    seedPhotos = () =>
      seedDemoPhotos(database.db, { now }).then(
        ({ photographed }) => logger.info({ photographed }, 'seeded demo custody photographs'),
        (error: unknown) => logger.warn({ err: error }, 'demo custody photographs not seeded'),
      )
    logger.info({ accounts: accounts.length }, 'seeded demo data')
    printDemoAccounts(
      accounts.map((a) => `${a.username} (${a.role}${a.agency ? `, ${a.agency}` : ''})`),
      config.demoPassword === 'cohort-demo',
    )
  }

  const {
    createApp,
    createServices,
    deleteExpiredIdempotencyKeys,
    gracefulClose,
    resolveAuditKeys,
    resolveSessionSecret,
    startAuditCheckpoints,
    startAuditSealer,
    startDipSweep,
    startOverdueRoll,
    useAuditKeys,
  } = await appModules
  const sessionSecret = await resolveSessionSecret({
    configured: config.sessionSecret,
    dataDir: config.dataDir,
    production: config.env === 'production',
  })
  // Every seal in this process keys the chain with it; it is kept out of the database.
  const auditKeys = await resolveAuditKeys({
    configured: config.audit.key,
    previous: config.audit.previousKeys,
    dataDir: config.dataDir,
    production: config.env === 'production',
  })
  useAuditKeys(auditKeys)
  const services = createServices(database.db, config)
  const app = createApp({
    config,
    db: database.db,
    pool: database.pool,
    databaseKind: database.kind,
    services,
    logger,
    sessionSecret,
  })

  // Idempotency keys are forgotten after a day by an hourly sweep; every instance may run it.
  const sweep = () =>
    deleteExpiredIdempotencyKeys(database.db)
      .then((deleted) => deleted > 0 && logger.info({ deleted }, 'forgot expired idempotency keys'))
      .catch((error: unknown) => logger.warn({ err: error }, 'idempotency key sweep failed; will retry'))
  await sweep()
  const sweepTimer = setInterval(() => void sweep(), 60 * 60_000)
  sweepTimer.unref()

  // Reads write nothing (decision 0110): time-barred failures (MCA 1980 s127) are closed, and
  // system proposals to CID made, only here, every DIP_SWEEP_MINUTES; pages work the time bar out
  // as they read. Every instance runs it; a lock lets one sweep at a time. Tests call it themselves.
  const dipSweep =
    config.env === 'test' ? undefined : startDipSweep(database.db, { intervalMs: config.dipSweepMs, logger })
  // Each officer's overdue actions are kept as of a day (decision 0131) and rolled to the new day
  // soon after midnight; until then the team pages count them live.
  const overdueRoll =
    config.env === 'test' ? undefined : startOverdueRoll(database.db, { intervalMs: 5 * 60_000, logger })

  // Audit rows are committed with their acts and joined to the hash chain in batches, a fifth of
  // a second apart at most, off every request's path (see the audit_sealed_in_batches migration).
  const auditSealer = startAuditSealer(database.db, { intervalMs: 200, logger })
  // The chain's head, signed, outside the database: rows cut from its end no longer go unnoticed.
  const auditCheckpoints = startAuditCheckpoints(database.db, {
    keys: auditKeys,
    file: config.audit.checkpointFile,
    intervalMs: config.audit.checkpointIntervalMs,
    logger,
  })

  const server: Server = createServer(app)
  const closeServer = gracefulClose(server, { idleGraceMs: 1_500 })
  server.keepAliveTimeout = 5_000
  server.listen(config.port, config.host, () => {
    logger.info(
      { port: config.port, ms: Date.now() - startedAt },
      `Cohort is listening on http://localhost:${config.port}`,
    )
    void seedPhotos?.()
  })

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing requests in flight')
    const forceTimer = setTimeout(() => {
      logger.error('requests still running after 15 s; exiting')
      process.exit(1)
    }, 15_000)
    forceTimer.unref()
    clearInterval(sweepTimer)
    // New connections are refused at once; the requests already here finish, their audit rows are
    // sealed, then the database closes.
    void closeServer()
      .then(() => dipSweep?.stop())
      .then(() => overdueRoll?.stop())
      .then(() => auditSealer.stop())
      .then(() => auditCheckpoints.stop())
      .then(() => database.close())
      .then(
        () => {
          logger.info('stopped cleanly')
          process.exit(0)
        },
        (error: unknown) => {
          logger.error({ err: error }, 'the database did not close cleanly')
          process.exit(1)
        },
      )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

// Asked here, not of db/seed/demo.ts, so that a start with users in place never loads the seeders.
async function hasAnyUser(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('app_user').select('id').limit(1).executeTakeFirst()
  return row !== undefined
}

function printDemoAccounts(accounts: string[], defaultPassword: boolean): void {
  const password = defaultPassword ? 'cohort-demo' : 'the value of DEMO_PASSWORD'
  process.stdout.write(`\nDemo accounts (password: ${password}):\n${accounts.map((a) => `  ${a}`).join('\n')}\n\n`)
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`)
  } else {
    process.stderr.write(
      `Cohort failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
  }
  process.exit(1)
})
