import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely'
import pg from 'pg'
import type { Database } from '../../db/types.ts'

/** Shared by the benchmarks: a scratch database on the machine's PostgreSQL, timings and plans. */
export const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export async function admin<T extends pg.QueryResultRow = pg.QueryResultRow>(statement: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return (await client.query<T>(statement)).rows
  } finally {
    await client.end()
  }
}

export async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const result = await work()
  console.log(`  ${label.padEnd(58)} ${(performance.now() - started).toFixed(0).padStart(7)} ms`)
  return result
}

export function loadAverage(): string {
  const [one, five] = os.loadavg()
  return `load average ${one?.toFixed(1)} / ${five?.toFixed(1)} on ${os.cpus().length} CPUs`
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

export class ServerTime {
  constructor(readonly ms: number) {}
}

/** Runs `work` once to warm the cache, then `runs` times; `work` may report the server's own time instead of the wall clock. */
export async function timeRuns(
  label: string,
  runs: number,
  work: () => Promise<unknown>,
): Promise<{ p50: number; p95: number }> {
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
  const p50 = percentile(times, 50)
  const p95 = percentile(times, 95)
  console.log(
    `  ${label.padEnd(48)} p50 ${f(p50)} ms   p95 ${f(p95)} ms   max ${f(times[times.length - 1] ?? Number.NaN)} ms   (${runs} runs)`,
  )
  return { p50, p95 }
}

/** The SQL and parameters Kysely sends for a repository call, captured from its query log. */
export async function capture(pool: pg.Pool, call: (db: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery> {
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

/** The server's own execution time of a read-only query, without the client, the network or parsing rows. */
export async function executionTime(pool: pg.Pool, query: CompiledQuery): Promise<ServerTime> {
  const result = await pool.query<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(
    `explain (analyze, timing off, format json) ${query.sql}`,
    [...query.parameters],
  )
  return new ServerTime(result.rows[0]?.['QUERY PLAN'][0]['Execution Time'] ?? Number.NaN)
}

/** EXPLAIN (ANALYZE, BUFFERS) in a transaction that is rolled back, so a query that writes leaves nothing. */
export async function explain(pool: pg.Pool, query: CompiledQuery): Promise<string> {
  const client = await pool.connect()
  try {
    await client.query('begin')
    const result = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${query.sql}`, [
      ...query.parameters,
    ])
    await client.query('rollback')
    return result.rows.map((r) => r['QUERY PLAN']).join('\n')
  } finally {
    client.release()
  }
}
