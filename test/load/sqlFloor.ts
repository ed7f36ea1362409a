import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { appRole, createDb, type DbHandle } from '../../db/index.ts'
import { createApp } from '../../server/app.ts'
import { loadConfig } from '../../server/config.ts'
import { createLogger } from '../../server/logger.ts'
import { createServices } from '../../server/services.ts'
import { testSessionSecret } from '../helpers/constants.ts'

// The database's floor under each page: the statements the page sends (session, user, the page's
// own queries, its audit row), captured from one real request to an app in this process, then
// replayed back to back on one connection, inside a transaction that is rolled back. What is left
// between that and the page's own time is Node: Express, EJS, the pool and the network.

export type Statement = { text: string; values: unknown[] }
export type Floor = { statements: number; p50: number; p99: number; each: { text: string; p50: number }[] }

const control = /^\s*(begin|commit|rollback|savepoint|release|set role|reset role|start transaction)\b/i
let recording: Statement[] | undefined
let patched = false

/** Records what every pg client in this process sends while `recording` is set. */
function patchClient(): void {
  if (patched) return
  patched = true
  // Kept to be called with the client as `this` (original.apply below).
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = pg.Client.prototype.query
  const patchedQuery = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args
    if (recording) {
      if (typeof first === 'string') recording.push({ text: first, values: Array.isArray(second) ? second : [] })
      else if (first && typeof first === 'object' && 'text' in first) {
        const config = first as { text: string; values?: unknown[] }
        recording.push({ text: config.text, values: config.values ?? [] })
      }
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args)
  }
  pg.Client.prototype.query = patchedQuery as typeof pg.Client.prototype.query
}

export type CaptureApp = {
  baseUrl: string
  handle: DbHandle
  capture(request: () => Promise<unknown>): Promise<Statement[]>
  close(): Promise<void>
}

/** The app as `npm start` assembles it, in this process, on the benchmark's database, as the app role. */
export async function startCaptureApp(databaseUrl: string): Promise<CaptureApp> {
  patchClient()
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    SECURE_COOKIES: 'false',
    SIGN_IN_RATE_LIMIT: '1000',
    LOG_LEVEL: 'silent',
  })
  const handle = await createDb({
    databaseUrl,
    dataDir: '',
    poolMax: 4,
    connectTimeoutMs: 5000,
    statementTimeoutMs: 60_000,
    role: appRole,
  })
  const services = createServices(handle.db, config)
  const app = createApp({
    config,
    db: handle.db,
    pool: handle.pool,
    databaseKind: 'postgres',
    services,
    logger: createLogger('silent'),
    sessionSecret: testSessionSecret,
  })
  const server: Server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    handle,
    async capture(request) {
      recording = []
      try {
        await request()
        // The session store's save or touch runs as the response ends; let it land.
        await new Promise((resolve) => setTimeout(resolve, 50))
        return recording.filter((s) => !control.test(s.text))
      } finally {
        recording = undefined
      }
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await handle.close()
    },
  }
}

/**
 * Replays the statements back to back `runs` times (after one warm-up), each pass rolled back:
 * the sum of their round trips, and each statement's own median (where a page's floor goes).
 */
export async function floorOf(databaseUrl: string, statements: Statement[], runs = 30): Promise<Floor> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    // As the app's pool connects (db/index.ts): its role, and no JIT.
    await client.query(`set role ${appRole}; set jit = off`)
    const passes: number[][] = []
    for (let run = 0; run <= runs; run++) {
      await client.query('begin')
      const pass: number[] = []
      for (const s of statements) {
        const started = performance.now()
        await client.query(s.text, s.values)
        pass.push(performance.now() - started)
      }
      await client.query('rollback')
      if (run > 0) passes.push(pass)
    }
    const totals = passes.map((pass) => pass.reduce((sum, t) => sum + t, 0))
    return {
      statements: statements.length,
      p50: percentile(totals, 50),
      p99: percentile(totals, 99),
      each: statements.map((s, i) => ({
        text: s.text.replace(/\s+/g, ' ').trim(),
        p50: percentile(
          passes.map((pass) => pass[i]!),
          50,
        ),
      })),
    }
  } finally {
    await client.end()
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}
