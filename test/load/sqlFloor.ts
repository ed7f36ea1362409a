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
export type Floor = { statements: number; p50: number; p99: number }

const control = /^\s*(begin|commit|rollback|savepoint|release|set role|reset role|start transaction)\b/i
let recording: Statement[] | undefined
let patched = false

/** Records what every pg client in this process sends while `recording` is set. */
function patchClient(): void {
  if (patched) return
  patched = true
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

export type CaptureApp = { baseUrl: string; handle: DbHandle; capture(request: () => Promise<unknown>): Promise<Statement[]>; close(): Promise<void> }

/** The app as `npm start` assembles it, in this process, on the benchmark's database, as the app role. */
export async function startCaptureApp(databaseUrl: string): Promise<CaptureApp> {
  patchClient()
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, SECURE_COOKIES: 'false', SIGN_IN_RATE_LIMIT: '1000', LOG_LEVEL: 'silent' })
  const handle = await createDb({ databaseUrl, dataDir: '', poolMax: 4, connectTimeoutMs: 5000, statementTimeoutMs: 60_000, role: appRole })
  const services = createServices(handle.db, config)
  const app = createApp({ config, db: handle.db, pool: handle.pool, databaseKind: 'postgres', services, logger: createLogger('silent'), sessionSecret: testSessionSecret })
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

/** Each statement's own median time over `runs` replays (rolled back), to see where a page's floor goes. */
export async function statementTimes(databaseUrl: string, statements: Statement[], runs = 30): Promise<{ text: string; p50: number }[]> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query(`set role ${appRole}; set jit = off`)
    const times = statements.map(() => [] as number[])
    for (let run = 0; run <= runs; run++) {
      await client.query('begin')
      for (const [i, s] of statements.entries()) {
        const started = performance.now()
        await client.query(s.text, s.values)
        if (run > 0) times[i]!.push(performance.now() - started)
      }
      await client.query('rollback')
    }
    return statements.map((s, i) => {
      const sorted = times[i]!.sort((a, b) => a - b)
      return { text: s.text.replace(/\s+/g, ' ').trim(), p50: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN }
    })
  } finally {
    await client.end()
  }
}

/** Replays the statements back to back `runs` times (after one warm-up), each pass rolled back: the sum of their round trips. */
export async function floorOf(databaseUrl: string, statements: Statement[], runs = 30): Promise<Floor> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    // As the app's pool connects (db/index.ts): its role, and no JIT.
    await client.query(`set role ${appRole}; set jit = off`)
    const times: number[] = []
    for (let run = 0; run <= runs; run++) {
      await client.query('begin')
      const started = performance.now()
      for (const s of statements) await client.query(s.text, s.values)
      const elapsed = performance.now() - started
      await client.query('rollback')
      if (run > 0) times.push(elapsed)
    }
    times.sort((a, b) => a - b)
    const at = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? Number.NaN
    return { statements: statements.length, p50: at(50), p99: at(99) }
  } finally {
    await client.end()
  }
}
