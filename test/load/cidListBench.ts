/**
 * The CID list at East Area volume: the volume generator's population of 100,000 people (about
 * a million appointments, tens of thousands of DIP failures, wanted ones among them, warning
 * markers and countersigned CID entries). Times cidList (the one query behind /cid, its CSV
 * export and the briefing sheet) and proposeEligible, and prints the list's plan. Figures only, no assertions.
 *
 *   npm run bench:cid            builds cohort_bench_cid on the machine's PostgreSQL, then drops it
 *   npm run bench:cid -- --keep  leaves the database for a closer look
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely'
import pg from 'pg'
import { createDb } from '../../db/index.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { seedDemo } from '../../db/seed/demo.ts'
import { generateVolume } from '../../db/seed/volume/index.ts'
import type { Database } from '../../db/types.ts'
import { cidList, proposeEligible } from '../../server/features/cid/cidRepository.ts'
import { findActiveSessionUser } from '../../server/features/users/usersRepository.ts'
import { todayInLondon } from '../../server/http/dates.ts'

const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const databaseName = 'cohort_bench_cid'
const keep = process.argv.includes('--keep')
const runs = 50

const people = 100_000

type Db = Kysely<Database>

function benchUrl(): string {
  const url = new URL(adminUrl)
  url.pathname = `/${databaseName}`
  return url.toString()
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const result = await work()
  console.log(`  ${label.padEnd(58)} ${(performance.now() - started).toFixed(0).padStart(7)} ms`)
  return result
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

/** Runs `work` once to warm the cache, then `runs` times; `work` may report the server's own time instead of the wall clock. */
async function timeRuns(label: string, work: () => Promise<unknown>): Promise<void> {
  await work()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const result = await work()
    const elapsed = performance.now() - started
    times.push(result instanceof ServerTime ? result.ms : elapsed)
  }
  times.sort((a, b) => a - b)
  const f = (n: number) => n.toFixed(1).padStart(7)
  console.log(`  ${label.padEnd(40)} p50 ${f(percentile(times, 50))} ms   p95 ${f(percentile(times, 95))} ms   max ${f(times[times.length - 1] ?? Number.NaN)} ms   (${runs} runs)`)
}

/** The SQL and parameters Kysely sends for a repository call, captured from its query log. */
async function capture(pool: pg.Pool, call: (db: Db) => Promise<unknown>): Promise<CompiledQuery> {
  let last: CompiledQuery | undefined
  const logged = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') last = event.query
    },
  })
  await call(logged)
  if (!last) throw new Error('No query was logged')
  return last
}

class ServerTime {
  constructor(readonly ms: number) {}
}

/** The server's own execution time of a read-only query, without the client, the network or parsing rows. */
async function executionTime(pool: pg.Pool, query: CompiledQuery): Promise<ServerTime> {
  const result = await pool.query<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(`explain (analyze, timing off, format json) ${query.sql}`, [...query.parameters])
  return new ServerTime(result.rows[0]?.['QUERY PLAN'][0]['Execution Time'] ?? Number.NaN)
}

async function explain(pool: pg.Pool, query: CompiledQuery): Promise<string> {
  const client = await pool.connect()
  try {
    // proposeEligible writes; its plan is taken in a transaction that is rolled back.
    await client.query('begin')
    const result = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${query.sql}`, [...query.parameters])
    await client.query('rollback')
    return result.rows.map((r) => r['QUERY PLAN']).join('\n')
  } finally {
    client.release()
  }
}

async function main(): Promise<void> {
  const today = todayInLondon()
  console.log(`CID list benchmark on ${databaseName} (today ${today})`)
  await admin(`drop database if exists ${databaseName} with (force)`)
  await admin(`create database ${databaseName}`)
  const handle = await createDb({ databaseUrl: benchUrl(), dataDir: '', poolMax: 4, connectTimeoutMs: 5000, statementTimeoutMs: 900_000 })
  try {
    console.log('\nBuilding the data')
    await step('migrations', () => migrateToLatest(handle.db))
    await step('demo users and caseload', () => seedDemo(handle.db, { password: 'cohort-demo' }))
    await step(`volume generator (${people.toLocaleString('en-GB')} people)`, () => generateVolume(handle.db, { people, password: 'cohort-demo' }))

    const counts = await sql<Record<string, number>>`
      select (select count(*) from person) as people,
             (select count(*) from appointment) as appointments,
             (select count(*) from dip_failure) as failures,
             (select count(*) from dip_failure where status = 'wanted') as wanted,
             (select count(*) from person_marker) as markers,
             (select count(*) from person_marker where ended_on is null and marker_code in ('violent', 'weapons')) as current_violence_markers,
             (select count(*) from cid_entry where status = 'countersigned') as countersigned`.execute(handle.db)
    console.log('\nVolumes')
    for (const [name, value] of Object.entries(counts.rows[0] ?? {})) console.log(`  ${name.padEnd(26)} ${Number(value).toLocaleString('en-GB').padStart(10)}`)

    const cid = await handle.db.selectFrom('app_user').select('id').where('username', '=', 'cid').executeTakeFirstOrThrow()
    const user = await findActiveSessionUser(handle.db, cid.id)
    if (!user) throw new Error('The cid demo user is missing')
    const rows = await cidList(handle.db, user.visibleAreaIds, {}, today)
    console.log(`\nThe cid user's list: ${rows.length} people from ${user.visibleAreaIds.length} areas`)

    const listQuery = await capture(handle.pool, (db) => cidList(db, user.visibleAreaIds, {}, today))
    const [load1, load5] = os.loadavg()
    console.log(`\nTimings (load average ${load1?.toFixed(1)} / ${load5?.toFixed(1)} on ${os.cpus().length} CPUs)`)
    await timeRuns('cidList (whole list)', () => cidList(handle.db, user.visibleAreaIds, {}, today))
    await timeRuns('cidList, in the server only', () => executionTime(handle.pool, listQuery))
    await timeRuns('cidList (time bar within 30 days)', () => cidList(handle.db, user.visibleAreaIds, { maxDaysToTimeBar: 30 }, today))
    await timeRuns('cidList (one entry: the briefing sheet)', () => cidList(handle.db, user.visibleAreaIds, {}, today, rows[0]?.id))
    const first = await step('proposeEligible, first run (proposes the rest)', () => proposeEligible(handle.db, today))
    console.log(`  (${first} new proposals)`)
    await timeRuns('proposeEligible (nothing new to propose)', () => proposeEligible(handle.db, today))

    console.log('\nThe list query')
    console.log(listQuery.sql.replace(/\n\s*\n/g, '\n'))
    console.log(`parameters: ${JSON.stringify(listQuery.parameters)}`)
    console.log('\nEXPLAIN (ANALYZE, BUFFERS) of the list query')
    console.log(await explain(handle.pool, listQuery))
    console.log('\nEXPLAIN (ANALYZE, BUFFERS) of proposeEligible (rolled back)')
    console.log(await explain(handle.pool, await capture(handle.pool, (db) => proposeEligible(db, today))))
  } finally {
    await handle.close()
    if (keep) console.log(`\nKept ${databaseName} (--keep)`)
    else await admin(`drop database if exists ${databaseName} with (force)`)
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
