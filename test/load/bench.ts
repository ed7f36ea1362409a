/**
 * The pages people use most, under load, at a given volume on the machine's PostgreSQL:
 *
 *   npm run bench -- --people 10000|100000 [--seconds 15] [--connections 10] [--rebuild] [--only person,search] [--statements]
 *
 * Builds (or reuses) cohort_bench_<people> with the volume generator, starts the app as
 * `npm run start:prod` does (the build, NODE_ENV=production, in a process of its own; dist/ is
 * built first if missing or stale) and a bare Express process
 * beside it, signs in one session per connection, and loads each page with autocannon for the
 * given time, after reading the database into the file cache and a short warm-up. Then it
 * captures the statements each page sends from one real request and replays them back to back
 * (the database's floor). Prints, for each page, requests/s, p50, p99 and errors, beside bare
 * Express's and the floor's; with --statements, also each captured statement's own median time.
 * Figures only: no assertions.
 */
import os from 'node:os'
import { sql } from 'kysely'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startAppProcess } from '../faults/support/appProcess.ts'
import { Browser } from '../faults/support/http.ts'
import { testSessionSecret } from '../helpers/constants.ts'
import { databaseUrl, loadAverage } from './benchSupport.ts'
import { ensureBenchDatabase, openAsOwner, prewarm, volumes } from './benchDatabase.ts'
import { benchPages, prepareFixtures, type BenchPage } from './benchPages.ts'
import { runLoad, type LoadResult } from './loadRun.ts'
import { floorOf, startCaptureApp, type Floor } from './sqlFloor.ts'

type Args = {
  people: number
  seconds: number
  connections: number
  rebuild: boolean
  only: string[] | undefined
  statements: boolean
}

function parseArgs(argv: string[]): Args {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const whole = (name: string, fallback: number) => {
    const raw = value(name)
    const n = raw === undefined ? fallback : Number(raw)
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number above 0`)
    return n
  }
  return {
    people: whole('people', 10_000),
    seconds: whole('seconds', 15),
    connections: whole('connections', 10),
    rebuild: argv.includes('--rebuild'),
    only: value('only')?.split(','),
    statements: argv.includes('--statements'),
  }
}

const warmUpSeconds = 3

const root = fileURLToPath(new URL('../..', import.meta.url))

async function startBareExpress(): Promise<{ baseUrl: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/load/bareExpress.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString())
      if (match?.[1]) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`bare Express exited with ${code}`)))
  })
  return { baseUrl: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') }
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '—')
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—')
const pad = (s: string, n: number) => s.padStart(n)

function row(label: string, r: LoadResult, floor?: Floor, bare?: LoadResult): string {
  const cells = [label.padEnd(26), pad(f0(r.rps), 7), pad(f0(r.p50), 6), pad(f0(r.p99), 6), pad(String(r.errors), 6)]
  if (floor)
    cells.push(
      pad(`${floor.statements}`, 5),
      pad(f1(floor.p50), 7),
      pad(f1(floor.p99), 7),
      pad(`${f1(r.p50 / floor.p50)}×`, 8),
    )
  else cells.push(pad('', 5), pad('', 7), pad('', 7), pad('', 8))
  if (bare) cells.push(pad(`${f1((100 * r.rps) / bare.rps)}%`, 8), pad(`${f1(r.p99 / bare.p99)}×`, 8))
  return cells.join(' ')
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const name = await ensureBenchDatabase(args.people, args.rebuild)
  const url = databaseUrl(name)
  const owner = await openAsOwner(name)
  const pages = benchPages.filter((p) => !args.only || args.only.includes(p.name))
  let fixtures
  try {
    const counts = await volumes(owner)
    const version = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(owner.db)
    console.log(
      `\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${version.rows[0]?.v}`,
    )
    console.log(
      `Database ${name}: ${Object.entries(counts)
        .map(([k, v]) => `${Number(v).toLocaleString('en-GB')} ${k}`)
        .join(', ')}`,
    )
    // Enough for the warm-up and the run at several hundred writes a second.
    fixtures = await prepareFixtures(owner.db, (args.seconds + warmUpSeconds) * 600)
  } finally {
    await owner.close()
  }

  const bare = await startBareExpress()
  const app = await startAppProcess(url, {
    NODE_ENV: 'production',
    SECURE_COOKIES: 'false',
    LOG_LEVEL: 'warn',
    SESSION_SECRET: testSessionSecret,
    SEED_DEMO: 'false',
    DB_POOL_MAX: '10',
  })
  const results = new Map<string, LoadResult>()
  let bareResult: LoadResult
  try {
    console.log(
      `\nLoad: ${args.connections} connections, each its own signed-in session, ${args.seconds} s per page after a ${warmUpSeconds} s warm-up (${loadAverage()})`,
    )
    await runLoad(
      bare.baseUrl,
      new Array<string>(args.connections).fill(''),
      { next: () => ({ path: '/' }) },
      warmUpSeconds,
    )
    bareResult = await runLoad(
      bare.baseUrl,
      Array(args.connections).fill(''),
      { next: () => ({ path: '/' }) },
      args.seconds,
    )
    console.log(
      `  ${'bare Express'.padEnd(26)} ${f0(bareResult.rps)} req/s, p50 ${f0(bareResult.p50)} ms, p99 ${f0(bareResult.p99)} ms, ${bareResult.errors} errors`,
    )
    let toldNoPrewarm = false
    for (const page of pages) {
      if (!(await prewarm(name)) && !toldNoPrewarm) {
        console.log('  (pg_prewarm is not installed: the database is not read into the cache before each page)')
        toldNoPrewarm = true
      }
      const sessions = await signInMany(app.baseUrl, page, fixtures, page.connections ?? args.connections)
      const target = page.target(
        fixtures,
        sessions.map((s) => s.csrf),
      )
      await runLoad(
        app.baseUrl,
        sessions.map((s) => s.cookie),
        target,
        warmUpSeconds,
      )
      const result = await runLoad(
        app.baseUrl,
        sessions.map((s) => s.cookie),
        target,
        args.seconds,
      )
      results.set(page.name, result)
      const unexpected = Object.entries(result.statuses).filter(([status]) => status !== String(page.status))
      console.log(
        `  ${page.label.padEnd(26)} ${f0(result.rps)} req/s, p50 ${f0(result.p50)} ms, p99 ${f0(result.p99)} ms, ${result.errors} errors${unexpected.length ? ` (statuses ${JSON.stringify(result.statuses)})` : ''} (${loadAverage()})`,
      )
    }
  } finally {
    await app.stop()
    bare.stop()
  }

  console.log(
    '\nThe database floor: each page’s statements, captured from one request, replayed back to back (30 runs, rolled back)',
  )
  const capture = await startCaptureApp(url)
  const floors = new Map<string, Floor>()
  try {
    for (const page of pages) {
      const [session] = await signInMany(capture.baseUrl, page, fixtures, 1)
      const target = page.target(fixtures, [session!.csrf])
      const send = async () => {
        const { path, body } = target.next(0)
        const reply =
          body === undefined
            ? await session!.get(path)
            : await session!.request({ method: 'POST', path, form: Object.fromEntries(new URLSearchParams(body)) })
        if (reply.status !== page.status)
          throw new Error(`${page.label} answered ${reply.status ?? reply.error} when captured`)
      }
      // One request first, as under load: the report's figures are then in report_cache (except for the page that asks for a new period each time).
      await send()
      let statements = await capture.capture(send)
      // A page that must do its work (the report worked out) is asked again, for its next period, if
      // this request found it done; a floor taken from the wrong work would be no floor at all.
      for (let attempt = 1; page.notTheWork?.(statements); attempt += 1) {
        if (attempt === 5)
          throw new Error(
            `${page.label}: five captured requests in a row were not its work (${page.notTheWork(statements)})`,
          )
        statements = await capture.capture(send)
      }
      const floor = await floorOf(url, statements)
      floors.set(page.name, floor)
      if (args.statements) {
        console.log(`  ${page.label}:`)
        for (const s of floor.each) console.log(`    ${f1(s.p50).padStart(6)} ms  ${s.text.slice(0, 110)}`)
      }
    }
  } finally {
    await capture.close()
  }

  console.log(
    `\nResults at ${args.people.toLocaleString('en-GB')} people (times in ms; the floor is the page's SQL alone; ratios: page p50 to floor p50, page req/s as a share of bare Express's, page p99 to bare Express's)`,
  )
  console.log(
    [
      'page'.padEnd(26),
      pad('req/s', 7),
      pad('p50', 6),
      pad('p99', 6),
      pad('errors', 6),
      pad('stmts', 5),
      pad('SQL p50', 7),
      pad('SQL p99', 7),
      pad('×SQL', 8),
      pad('of bare', 8),
      pad('p99×bare', 8),
    ].join(' '),
  )
  console.log(row('bare Express (ceiling)', bareResult))
  for (const page of pages) console.log(row(page.label, results.get(page.name)!, floors.get(page.name), bareResult))
}

async function signInMany(
  baseUrl: string,
  page: BenchPage,
  fixtures: Awaited<ReturnType<typeof prepareFixtures>>,
  count: number,
): Promise<Browser[]> {
  const users = fixtures.users[page.role]
  if (!users.length) throw new Error(`No ${page.role} user to sign in as`)
  const sessions: Browser[] = []
  for (let i = 0; i < count; i++) sessions.push(await Browser.signIn(baseUrl, users[i % users.length]!))
  return sessions
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
