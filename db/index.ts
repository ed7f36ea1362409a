import path from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Database } from './types.ts'
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts'
import { poolPreparingMarkedStatements } from './preparedStatements.ts'

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
  /**
   * The role every pooled connection acts as (SET ROLE on connect): the app's own, which owns
   * nothing and may only append to the audit log. Unset: the login user's own rights.
   */
  role?: string
  /** The owner's login for asOwner (migrations); defaults to databaseUrl's login. */
  ownerUrl?: string | undefined
}

/** The role the migrations grant to; the app and its tests act as it. */
export const appRole = 'cohort_app'

export type DbHandle = {
  db: Kysely<Database>
  pool: pg.Pool
  kind: 'postgres' | 'embedded'
  /** Where the data lives, for the startup log (no credentials). */
  description: string
  embedded?: EmbeddedPostgres
  /** Runs work on one short-lived connection with the login user's own rights (migrations). */
  asOwner<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>
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
    ...(options.role ? { Client: clientActingAs(options.role) } : {}),
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

  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: embedded ? pool : poolPreparingMarkedStatements(pool) }),
  })
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
    async asOwner(work) {
      const owner = new Kysely<Database>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({
            connectionString: options.ownerUrl ?? connectionString,
            max: 1,
            connectionTimeoutMillis: options.connectTimeoutMs,
            application_name: 'cohort-owner',
          }),
        }),
      })
      // The embedded server has one backend session behind all its sockets, so a role set by
      // the app's pool is this connection's role too: step out of it, and back in after.
      const sharedSession = embedded !== undefined && options.role !== undefined
      try {
        if (sharedSession) await sql`reset role`.execute(owner)
        return await work(owner)
      } finally {
        if (sharedSession) await sql`set role ${sql.id(options.role!)}`.execute(owner)
        await owner.destroy()
      }
    },
    async close() {
      await db.destroy()
      await embedded?.stop()
    },
  }
}

/**
 * A pg client that takes on the role before the pool hands it out, so no query runs with the
 * login user's rights. SET ROLE rather than a startup option: the embedded server ignores those.
 * A failure (no such role) fails the connection, not open.
 */
function clientActingAs(role: string): typeof pg.Client {
  // JIT compilation off as well: the app's statements are short, and for the report's larger
  // aggregates compiling cost more than it saved (about 200 ms a query at 100,000 people).
  const setRole = `set role ${pg.escapeIdentifier(role)}; set jit = off`
  type Callback = ((err: Error) => void) | ((err: null, client: pg.Client) => void)
  return class RoleClient extends pg.Client {
    override connect(): Promise<pg.Client>
    override connect(callback: Callback): void
    override connect(callback?: Callback): Promise<pg.Client> | void {
      const ready = super.connect().then(async () => {
        await this.query(setRole)
        return this
      })
      if (!callback) return ready
      const done = callback as (err: Error | null, client?: pg.Client) => void
      ready.then(
        (client) => done(null, client),
        (error: Error) => done(error),
      )
    }
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
