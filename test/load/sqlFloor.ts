import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { appRole, createDb, type DbHandle } from '../../db/index.ts'
import { createApp } from '../../server/app.ts'
import { loadConfig } from '../../server/config.ts'
import { startAuditSealer } from '../../server/features/audit/auditSealer.ts'
import { createLogger } from '../../server/logger.ts'
import { createServices } from '../../server/services.ts'
import { testSessionSecret } from '../helpers/constants.ts'
import { percentile, type FloorFigures } from './benchFigures.ts'
import { ReplayValues, statementName, type Row } from './replayValues.ts'

// The database's floor under each page: the statements real requests send (session, user, the
// page's own queries, its audit row), captured from an app in this process, then replayed from as
// many connections as the page's load had, each request in a transaction of its own that commits,
// each statement prepared by name. It is the most requests a second any app could get from the
// page's SQL on this machine; what lies between it and the page is Node: Express, EJS, the pool,
// the network and their share of the same cores.

export type CapturedStatement = { text: string; values: unknown[]; rows: Row[]; failed?: boolean }
/** One request's statements, in the order they were sent, with what each returned. */
export type CapturedRequest = CapturedStatement[]

const control = /^\s*(begin|commit|rollback|savepoint|release|set role|reset role|start transaction)\b/i
const commit = /^\s*commit\b/i
let recording: CapturedStatement[] | undefined
let rollingBack = false
let inFlight = 0
let patched = false

type QueryConfig = { text: string; values?: unknown[] }
const isConfig = (value: unknown): value is QueryConfig =>
  typeof value === 'object' && value !== null && 'text' in value && typeof value.text === 'string'
const isThenable = (value: unknown): value is Promise<pg.QueryResult> =>
  typeof value === 'object' && value !== null && 'then' in value

/**
 * Records what every pg client in this process sends while `recording` is set, and what it
 * returns. While a write is captured its COMMIT is sent as ROLLBACK: the appointment stays
 * unrecorded, so that the captured request can be replayed, for real, once.
 */
function patchClient(): void {
  if (patched) return
  patched = true
  // Kept to be called with the client as `this` (original.apply below).
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = pg.Client.prototype.query
  const patchedQuery = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args
    const text = typeof first === 'string' ? first : isConfig(first) ? first.text : undefined
    if (recording && rollingBack && text !== undefined && commit.test(text)) return rollBackInstead(this, args)
    const result = (original as (...a: unknown[]) => unknown).apply(this, args)
    if (!recording || text === undefined || !isThenable(result)) return result
    inFlight++
    const values =
      typeof first === 'string' ? (Array.isArray(second) ? second : []) : ((first as QueryConfig).values ?? [])
    const statement: CapturedStatement = { text, values: [...(values as unknown[])], rows: [] }
    if (!control.test(text)) recording.push(statement)
    result.then(
      (answer) => {
        inFlight--
        statement.rows = Array.isArray(answer) ? [] : (answer.rows as Row[])
      },
      () => {
        inFlight--
        statement.failed = true
      },
    )
    return result
  }
  // The driver takes a ROLLBACK tag from COMMIT for an aborted transaction and throws: this one
  // is told COMMIT, as it would have been.
  const rollBackInstead = async (client: pg.Client, args: unknown[]) => {
    const first = args[0]
    args[0] = typeof first === 'string' ? 'rollback' : { ...(first as QueryConfig), text: 'rollback' }
    const answer = await ((original as (...a: unknown[]) => unknown).apply(client, args) as Promise<pg.QueryResult>)
    return Object.assign(answer, { command: 'COMMIT' })
  }
  pg.Client.prototype.query = patchedQuery as typeof pg.Client.prototype.query
}

/** Until no recorded statement is waiting for its answer (the session store's touch runs as the response ends). */
async function settled(): Promise<void> {
  do {
    await new Promise((resolve) => setTimeout(resolve, 1))
  } while (inFlight > 0)
}

export type CaptureApp = {
  baseUrl: string
  handle: DbHandle
  /** The statements `request` sends; `write` rolls its commits back. Statements that failed are left out (and counted). */
  capture(request: () => Promise<unknown>, write: boolean): Promise<{ statements: CapturedRequest; failed: number }>
  /** Seals audit rows in the background, as the app does, while the floors replay; returns its stop. */
  startSealing(): () => Promise<void>
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
  const logger = createLogger('silent')
  const app = createApp({
    config,
    db: handle.db,
    pool: handle.pool,
    databaseKind: 'postgres',
    services,
    logger,
    sessionSecret: testSessionSecret,
  })
  const server: Server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    handle,
    async capture(request, write) {
      const statements: CapturedStatement[] = []
      recording = statements
      rollingBack = write
      try {
        await request()
        await settled()
      } finally {
        recording = undefined
        rollingBack = false
      }
      const kept = statements.filter((s) => !s.failed)
      return { statements: kept, failed: statements.length - kept.length }
    },
    startSealing() {
      const sealer = startAuditSealer(handle.db, { intervalMs: 200, logger })
      return () => sealer.stop()
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await handle.close()
    },
  }
}

/** A connection as the app's pool makes one (db/index.ts): its role, and no JIT. */
async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'cohort-floor' })
  await client.connect()
  await client.query(`set role ${pg.escapeIdentifier(appRole)}; set jit = off`)
  return client
}

/**
 * One captured request in a transaction of its own, each statement by its prepared name, each
 * parameter that an earlier statement returned in the capture replaced by what it returned now.
 * `times`, if given, gets each statement's own time.
 */
async function replay(
  client: pg.Client,
  request: CapturedRequest,
  end: 'commit' | 'rollback',
  times?: number[],
): Promise<void> {
  const values = new ReplayValues()
  await client.query('begin')
  try {
    for (const statement of request) {
      const started = performance.now()
      const answer = await client.query<Row>({
        name: statementName(statement.text),
        text: statement.text,
        values: values.substitute(statement.values),
      })
      times?.push(performance.now() - started)
      values.learn(statement.rows, answer.rows)
    }
    await client.query(end)
  } catch (error) {
    await client.query('rollback').catch(() => undefined)
    throw error
  }
}

export type FloorRun = FloorFigures & { firstErrors: string[] }

/**
 * The floor: `connections` connections each taking the next captured request in turn, for a
 * warm-up and then `seconds`, each request timed from its BEGIN to its COMMIT.
 *
 * A write (`once`) cannot be committed twice (its appointment would be recorded already): its
 * warm-up replays the captured writes rolled back, and its timed run commits each captured write
 * once and stops when they run out, its rate taken over the time it ran. The benchmark captures
 * enough writes (--floor-writes) for a few seconds of that.
 */
export async function concurrentFloor(
  databaseUrl: string,
  requests: CapturedRequest[],
  options: { connections: number; seconds: number; warmUpSeconds: number; once: boolean },
): Promise<FloorRun> {
  const clients = await Promise.all(Array.from({ length: options.connections }, () => connect(databaseUrl)))
  const firstErrors: string[] = []
  let errors = 0
  const failed = (error: unknown) => {
    errors++
    if (firstErrors.length < 3) firstErrors.push(error instanceof Error ? error.message : String(error))
  }
  try {
    let next = 0
    const drive = async (
      seconds: number,
      end: 'commit' | 'rollback',
      limit: number,
      latencies?: number[],
    ): Promise<number> => {
      const started = performance.now()
      const until = started + seconds * 1000
      let finishedAt = started
      await Promise.all(
        clients.map(async (client) => {
          while (performance.now() < until && next < limit) {
            const request = requests[next++ % requests.length]!
            const began = performance.now()
            try {
              await replay(client, request, end)
              latencies?.push(performance.now() - began)
            } catch (error) {
              failed(error)
            }
          }
          finishedAt = Math.max(finishedAt, performance.now())
        }),
      )
      return (finishedAt - started) / 1000
    }
    await drive(options.warmUpSeconds, options.once ? 'rollback' : 'commit', Number.POSITIVE_INFINITY)
    next = 0
    const latencies: number[] = []
    const before = os.loadavg()
    const seconds = await drive(
      options.seconds,
      'commit',
      options.once ? requests.length : Number.POSITIVE_INFINITY,
      latencies,
    )
    return {
      requests: latencies.length,
      rps: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      errors,
      seconds,
      captured: requests.length,
      loadAverage: { before, after: os.loadavg() },
      firstErrors,
    }
  } finally {
    await Promise.all(clients.map((client) => client.end()))
  }
}

/**
 * Each statement's own median over `runs` serial replays of one captured request on one
 * connection (after one unmeasured), each rolled back: where a page's floor goes.
 */
export async function statementMedians(
  databaseUrl: string,
  request: CapturedRequest,
  runs = 30,
): Promise<{ text: string; p50: number }[]> {
  const client = await connect(databaseUrl)
  try {
    const passes: number[][] = []
    for (let run = 0; run <= runs; run++) {
      const times: number[] = []
      await replay(client, request, 'rollback', times)
      if (run > 0) passes.push(times)
    }
    return request.map((s, i) => ({
      text: s.text.replace(/\s+/g, ' ').trim(),
      p50: percentile(
        passes.map((pass) => pass[i]!),
        50,
      ),
    }))
  } finally {
    await client.end()
  }
}
