import type { Express } from 'express'
import { createApp } from '../../server/app.ts'
import { loadConfig, type Config } from '../../server/config.ts'
import { createLogger } from '../../server/logger.ts'
import { createServices, type Services } from '../../server/services.ts'
import type { DbHandle } from '../../db/index.ts'
import { testSessionSecret } from './constants.ts'
import { createTestDatabase } from './testDatabase.ts'

export type TestApp = {
  app: Express
  database: DbHandle
  db: DbHandle['db']
  services: Services
  config: Config
  close(): Promise<void>
}

/** The real app over a private real database, as main.ts builds it, with test-friendly settings. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase()
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: testSessionSecret,
    SIGN_IN_RATE_LIMIT: '1000',
    // Figures as they stand at each request: the known-answer tests change the data between pages.
    REPORT_CACHE_MINUTES: '0',
    ...env,
  })
  const services = createServices(database.db, config)
  const app = createApp({
    config,
    db: database.db,
    pool: database.pool,
    databaseKind: database.kind,
    services,
    logger: createLogger('silent'),
    sessionSecret: testSessionSecret,
  })
  return { app, database, db: database.db, services, config, close: () => database.close() }
}

/**
 * The same app over the same database, with some services built otherwise: one whose clock is
 * set years ahead, say. A session signed in to either app is good in both (sessions are rows).
 */
export function appWithServices(t: TestApp, services: Partial<Services>): Express {
  return createApp({
    config: t.config,
    db: t.db,
    pool: t.database.pool,
    databaseKind: t.database.kind,
    services: { ...t.services, ...services },
    logger: createLogger('silent'),
    sessionSecret: testSessionSecret,
  })
}
