import path from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './types.ts'
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts'

export type DbOptions = {
  databaseUrl: string | undefined
  dataDir: string
  poolMax: number
  connectTimeoutMs: number
  statementTimeoutMs: number
  /** Tests: an in-memory embedded database, empty or started from this dump. */
  inMemory?: boolean
  embeddedDump?: Blob
  onPoolError?: (error: Error) => void
}

export type DbHandle = {
  db: Kysely<Database>
  pool: pg.Pool
  kind: 'postgres' | 'embedded'
  /** Where the data lives, for the startup log (no credentials). */
  description: string
  embedded?: EmbeddedPostgres
  close(): Promise<void>
}

let typeParsersSet = false
function setTypeParsers(): void {
  if (typeParsersSet) return
  typeParsersSet = true
  // A DATE is a calendar day, not an instant: keep it as 'YYYY-MM-DD' so no time zone shifts it.
  pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)
  // Counts and sums come back as int8; the volumes here fit a JS number.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
}

export async function createDb(options: DbOptions): Promise<DbHandle> {
  setTypeParsers()
  let embedded: EmbeddedPostgres | undefined
  let connectionString = options.databaseUrl
  if (!connectionString) {
    embedded = await startEmbeddedPostgres({
      ...(options.inMemory || options.embeddedDump
        ? options.embeddedDump
          ? { loadDataDir: options.embeddedDump }
          : {}
        : { dataDir: path.join(options.dataDir, 'pglite') }),
      // The pool, plus the session store and a spare for a CLI.
      maxConnections: options.poolMax + 4,
    })
    connectionString = embedded.url
  }

  const pool = new pg.Pool({
    connectionString,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    query_timeout: options.statementTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: 'cohort',
  })
  // An idle client that loses its server emits here; without a listener it would crash the process.
  pool.on('error', (error) => options.onPoolError?.(error))
  // The pool listens only to idle clients. A checked-out client between two statements (inside a
  // transaction, say) that is told "terminating connection" by a stopping server emits 'error'
  // with nobody listening, and that crashed the process: every client listens for its whole life.
  // Its next statement then fails (a 503) and the pool drops it on release.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onPoolError?.(error))
  })

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  const description = embedded
    ? options.inMemory || options.embeddedDump
      ? 'embedded PGlite (in memory)'
      : `embedded PGlite in ${path.join(options.dataDir, 'pglite')}`
    : `PostgreSQL at ${redactUrl(connectionString)}`

  return {
    db,
    pool,
    kind: embedded ? 'embedded' : 'postgres',
    description,
    ...(embedded ? { embedded } : {}),
    async close() {
      await db.destroy()
      await embedded?.stop()
    },
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return `${parsed.host}${parsed.pathname}`
  } catch {
    return '(unparseable URL)'
  }
}
