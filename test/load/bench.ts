/**
 * The pages people use most, under load, at a given volume on the machine's PostgreSQL, each
 * against the floor its own SQL sets:
 *
 *   npm run bench -- --people 10000|100000 [--seconds 15] [--connections 10] [--rebuild]
 *     [--only person,search] [--statements] [--json FILE] [--captures 40] [--floor-writes 2000]
 *     [--profile DIR]
 *
 * Builds (or reuses) cohort_bench_<people> with the volume generator, starts the app as
 * `npm run start:prod` does (the build, NODE_ENV=production, in a process of its own; dist/ is
 * built first if missing or stale) and a bare Express process beside it (a reference), signs in
 * one session per connection, and loads each page with autocannon for the given time, after
 * reading the database into the file cache and a short warm-up. Then it captures the statements
 * of many real requests of each page and replays them from as many connections, for as long (the
 * floor: see sqlFloor.ts). Prints, for each page, requests/s, p50, p99 and errors beside the
 * floor's, and the page's throughput and p99 as a share and a multiple of the floor's; with
 * --statements, also each statement's own median time; with --json, writes every figure to FILE
 * (benchTable.ts prints it as a Markdown table); with --profile, the app writes a CPU profile of
 * everything it did under load to DIR when it stops. Figures only: no assertions.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startAppProcess } from '../faults/support/appProcess.ts'
import { Browser } from '../faults/support/http.ts'
import { testSessionSecret } from '../helpers/constants.ts'
import { databaseUrl, loadAverage } from './benchSupport.ts'
import { ensureBenchDatabase, openAsOwner, prewarm, volumes } from './benchDatabase.ts'
import { benchPages, prepareFixtures, type BenchPage, type Fixtures } from './benchPages.ts'
import {
  meetsTargets,
  p99Cell,
  p99Target,
  percentile,
  ratiosOf,
  throughputCell,
  throughputTarget,
  type LoadAverages,
  type PageFigures,
  type RunFigures,
  type Timing,
} from './benchFigures.ts'
import { runLoad, type LoadResult } from './loadRun.ts'
import { concurrentFloor, startCaptureApp, statementMedians, type CapturedRequest, type FloorRun } from './sqlFloor.ts'

type Args = {
  people: number
  seconds: number
  connections: number
  rebuild: boolean
  only: string[] | undefined
  statements: boolean
  json: string | undefined
  /** Requests of each read page captured for its floor to cycle through. */
  captures: number
  /** Writes captured for the write's floor, each replayed once. */
  floorWrites: number
  /** Where the app writes a V8 CPU profile of the whole load (Chrome DevTools opens it). */
  profile: string | undefined
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
    json: value('json'),
    captures: whole('captures', 40),
    floorWrites: whole('floor-writes', 2000),
    profile: value('profile'),
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

const columns: [string, number][] = [
  ['page', -26],
  ['req/s', 7],
  ['p50', 6],
  ['p99', 6],
  ['errors', 6],
  ['stmts', 5],
  ['floor/s', 7],
  ['fl p50', 6],
  ['fl p99', 6],
  ['fl err', 6],
  ['÷ floor', 9],
  ['p99÷fl', 8],
]
const line = (cells: string[]) =>
  cells.map((cell, i) => (columns[i]![1] < 0 ? cell.padEnd(-columns[i]![1]) : pad(cell, columns[i]![1]))).join(' ')

function row(page: PageFigures): string {
  return line([
    page.label,
    f0(page.rps),
    f0(page.p50),
    f0(page.p99),
    String(page.errors),
    String(page.statements),
    f0(page.floor.rps),
    f1(page.floor.p50),
    f1(page.floor.p99),
    String(page.floor.errors),
    throughputCell(page.ratios),
    p99Cell(page.ratios),
  ])
}

type PageLoad = { result: LoadResult; connections: number; loadAverage: LoadAverages }
type PageFloor = FloorRun & { statements: number; each?: { text: string; p50: number }[] }

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const name = await ensureBenchDatabase(args.people, args.rebuild)
  const url = databaseUrl(name)
  const owner = await openAsOwner(name)
  const pages = benchPages.filter((p) => !args.only || args.only.includes(p.name))
  let fixtures: Fixtures
  let counts: Record<string, number>
  let postgres: string
  try {
    counts = await volumes(owner)
    const version = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(owner.db)
    postgres = version.rows[0]?.v ?? 'unknown'
    console.log(
      `\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${postgres}`,
    )
    console.log(
      `Database ${name}: ${Object.entries(counts)
        .map(([k, v]) => `${Number(v).toLocaleString('en-GB')} ${k}`)
        .join(', ')}`,
    )
    // Enough for the warm-up and the run at several hundred writes a second, and the floor's captures.
    fixtures = await prepareFixtures(owner.db, (args.seconds + warmUpSeconds) * 600 + args.floorWrites + 10)
    // Earlier runs' writes leave table pages that autovacuum (decision 0133) marks all-visible
    // again soon after; until then the index-only counts fetch them. Each run starts from the
    // vacuumed database a build leaves, so runs compare.
    const vacuumStarted = Date.now()
    await sql`vacuum (analyze)`.execute(owner.db)
    console.log(`Vacuumed in ${((Date.now() - vacuumStarted) / 1000).toFixed(0)} s`)
  } finally {
    await owner.close()
  }

  const { bare: bareResult, loads } = await loadPages(args, name, url, pages, fixtures)
  const floors = await measureFloors(args, url, pages, fixtures)

  const figures = pages.map((page) => pageFigures(page, loads.get(page.name)!, floors.get(page.name)!, args.seconds))
  printResults(args, bareResult, pages, figures, floors)
  if (args.json) {
    const run: RunFigures = {
      date: new Date().toISOString(),
      commit: gitCommit(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      },
      versions: { node: process.version, postgres, app: appVersion() },
      volume: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])),
      people: args.people,
      connections: args.connections,
      seconds: args.seconds,
      bareExpress: timingOf(bareResult),
      pages: figures,
    }
    writeFileSync(args.json, `${JSON.stringify(run, null, 2)}\n`)
    console.log(
      `\nFigures written to ${args.json} (npx tsx test/load/benchTable.ts ${args.json} prints them as Markdown)`,
    )
  }
}

const timingOf = (r: Timing): Timing => ({ requests: r.requests, rps: r.rps, p50: r.p50, p99: r.p99, errors: r.errors })

function pageFigures(page: BenchPage, load: PageLoad, floor: PageFloor, seconds: number): PageFigures {
  const ratios = ratiosOf(load.result, floor)
  return {
    name: page.name,
    label: page.label,
    connections: load.connections,
    seconds,
    ...timingOf(load.result),
    statuses: load.result.statuses,
    statements: floor.statements,
    floor: {
      ...timingOf(floor),
      seconds: floor.seconds,
      captured: floor.captured,
      loadAverage: floor.loadAverage,
    },
    ratios,
    meetsTargets: meetsTargets(ratios).both,
    loadAverage: load.loadAverage,
  }
}

function printResults(
  args: Args,
  bare: LoadResult,
  pages: BenchPage[],
  figures: PageFigures[],
  floors: Map<string, PageFloor>,
): void {
  if (args.statements)
    for (const page of pages) {
      console.log(`\n  ${page.label}, each statement's median (one captured request, 30 serial passes, rolled back):`)
      for (const s of floors.get(page.name)!.each ?? [])
        console.log(`    ${f1(s.p50).padStart(6)} ms  ${s.text.slice(0, 110)}`)
    }
  console.log(
    `\nResults at ${args.people.toLocaleString('en-GB')} people (times in ms; the floor is the page's SQL alone, replayed from as many connections; ` +
      `targets: req/s ≥ ${100 * throughputTarget}% of the floor's, p99 ≤ ${p99Target}× the floor's, ✗ where missed)`,
  )
  console.log(line(columns.map(([heading]) => heading)))
  const bareCells = [f0(bare.rps), f0(bare.p50), f0(bare.p99), String(bare.errors)]
  console.log(line(['bare Express (reference)', ...bareCells, ...Array<string>(7).fill('')]))
  for (const page of figures) console.log(row(page))
  for (const page of pages) {
    const floor = floors.get(page.name)!
    if (floor.errors)
      console.log(`  ${page.label}: the floor's replay failed ${floor.errors} times: ${floor.firstErrors.join('; ')}`)
  }
}

/** Bare Express, then each page under load from the built app. */
async function loadPages(
  args: Args,
  name: string,
  url: string,
  pages: BenchPage[],
  fixtures: Fixtures,
): Promise<{ bare: LoadResult; loads: Map<string, PageLoad> }> {
  const bare = await startBareExpress()
  const app = await startAppProcess(
    url,
    {
      NODE_ENV: 'production',
      SECURE_COOKIES: 'false',
      LOG_LEVEL: 'warn',
      SESSION_SECRET: testSessionSecret,
      SEED_DEMO: 'false',
      DB_POOL_MAX: '10',
    },
    args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`] : [],
  )
  const loads = new Map<string, PageLoad>()
  try {
    console.log(
      `\nLoad: ${args.connections} connections, each its own signed-in session, ${args.seconds} s per page after a ${warmUpSeconds} s warm-up (${loadAverage()})`,
    )
    const anyone = Array<string>(args.connections).fill('')
    await runLoad(bare.baseUrl, anyone, { next: () => ({ path: '/' }) }, warmUpSeconds)
    const bareResult = await runLoad(bare.baseUrl, anyone, { next: () => ({ path: '/' }) }, args.seconds)
    console.log(
      `  ${'bare Express'.padEnd(26)} ${f0(bareResult.rps)} req/s, p50 ${f0(bareResult.p50)} ms, p99 ${f0(bareResult.p99)} ms, ${bareResult.errors} errors`,
    )
    let toldNoPrewarm = false
    for (const page of pages) {
      if (!(await prewarm(name)) && !toldNoPrewarm) {
        console.log('  (pg_prewarm is not installed: the database is not read into the cache before each page)')
        toldNoPrewarm = true
      }
      const connections = page.connections ?? args.connections
      const sessions = await signInMany(app.baseUrl, page, fixtures, connections)
      const cookies = sessions.map((s) => s.cookie)
      const target = page.target(
        fixtures,
        sessions.map((s) => s.csrf),
      )
      const before = os.loadavg()
      await runLoad(app.baseUrl, cookies, target, warmUpSeconds)
      const result = await runLoad(app.baseUrl, cookies, target, args.seconds)
      loads.set(page.name, { result, connections, loadAverage: { before, after: os.loadavg() } })
      const unexpected = Object.entries(result.statuses).filter(([status]) => status !== String(page.status))
      console.log(
        `  ${page.label.padEnd(26)} ${f0(result.rps)} req/s, p50 ${f0(result.p50)} ms, p99 ${f0(result.p99)} ms, ${result.errors} errors${unexpected.length ? ` (statuses ${JSON.stringify(result.statuses)})` : ''} (${loadAverage()})`,
      )
    }
    return { bare: bareResult, loads }
  } finally {
    await app.stop()
    bare.stop()
  }
}

/**
 * Captures each page's requests from an app in this process (signed in as the page's load signs
 * in, asking for what its load asks for), then replays them as the floor. Every capture comes
 * first, so that the audit sealer, which runs while the floors replay as it runs beside the app,
 * is never recorded.
 */
async function measureFloors(
  args: Args,
  url: string,
  pages: BenchPage[],
  fixtures: Fixtures,
): Promise<Map<string, PageFloor>> {
  console.log(
    `\nThe floor: each page's statements, captured from ${args.captures} requests (the write: ${args.floorWrites}), replayed from as many connections as its load, each request a transaction that commits`,
  )
  const capture = await startCaptureApp(url)
  const captured = new Map<string, CapturedRequest[]>()
  const floors = new Map<string, PageFloor>()
  try {
    const sessionsByRole = new Map<string, Browser[]>()
    for (const page of pages) {
      const connections = page.connections ?? args.connections
      const sessions =
        sessionsByRole.get(page.role) ?? (await signInMany(capture.baseUrl, page, fixtures, args.connections))
      sessionsByRole.set(page.role, sessions)
      const started = performance.now()
      captured.set(page.name, await captureRequests(capture, page, fixtures, sessions.slice(0, connections), args))
      console.log(
        `  ${page.label.padEnd(26)} ${captured.get(page.name)!.length} requests captured in ${f1((performance.now() - started) / 1000)} s`,
      )
    }
    const stopSealing = capture.startSealing()
    try {
      for (const page of pages) {
        const requests = captured.get(page.name)!
        // As before each page's load: the floor reads from the same cache the page did.
        await prewarm(databaseNameOf(url))
        // Rolled back, so before the floor commits the write's captured requests.
        const each = args.statements ? await statementMedians(url, requests[0]!) : undefined
        const floor = await concurrentFloor(url, requests, {
          connections: page.connections ?? args.connections,
          seconds: args.seconds,
          warmUpSeconds,
          once: page.writes === true,
        })
        const statements = percentile(
          requests.map((r) => r.length),
          50,
        )
        floors.set(page.name, { ...floor, statements, ...(each ? { each } : {}) })
        console.log(
          `  ${page.label.padEnd(26)} ${f0(floor.rps)} req/s, p50 ${f1(floor.p50)} ms, p99 ${f1(floor.p99)} ms, ${floor.errors} errors, ${floor.requests} requests in ${f1(floor.seconds)} s (${loadAverage()})`,
        )
      }
    } finally {
      await stopSealing()
    }
  } finally {
    await capture.close()
  }
  return floors
}

const databaseNameOf = (url: string) => new URL(url).pathname.slice(1)

/**
 * The statements of many requests of the page, each asking for what the page's load would ask
 * for next, from each of the sessions in turn. A write's requests are each a distinct
 * appointment, captured with their commit rolled back so that the floor can record each once.
 */
async function captureRequests(
  capture: Awaited<ReturnType<typeof startCaptureApp>>,
  page: BenchPage,
  fixtures: Fixtures,
  sessions: Browser[],
  args: Args,
): Promise<CapturedRequest[]> {
  const target = page.target(
    fixtures,
    sessions.map((s) => s.csrf),
  )
  let i = 0
  const send = async () => {
    const session = i++ % sessions.length
    const { path, body } = target.next(session)
    const browser = sessions[session]!
    const reply =
      body === undefined
        ? await browser.get(path)
        : await browser.request({ method: 'POST', path, form: Object.fromEntries(new URLSearchParams(body)) })
    if (reply.status !== page.status)
      throw new Error(`${page.label} answered ${reply.status ?? reply.error} when captured`)
  }
  // One request first, as under load: the report's figures are then in report_cache (except for
  // the page that asks for a new period each time).
  if (!page.writes) await send()
  const requests: CapturedRequest[] = []
  const count = page.writes ? args.floorWrites : args.captures
  let notTheWork = 0
  while (requests.length < count) {
    const { statements, failed } = await capture.capture(send, page.writes === true)
    if (failed) throw new Error(`${page.label}: ${failed} statements failed when captured`)
    // A page that must do its work (the report worked out) is asked again if this request found
    // it done; a floor taken from the wrong work would be no floor at all.
    const why = page.notTheWork?.(statements)
    if (why) {
      if (++notTheWork === 5)
        throw new Error(`${page.label}: five captured requests in a row were not its work (${why})`)
      continue
    }
    notTheWork = 0
    requests.push(statements)
  }
  return requests
}

async function signInMany(baseUrl: string, page: BenchPage, fixtures: Fixtures, count: number): Promise<Browser[]> {
  const users = fixtures.users[page.role]
  if (!users.length) throw new Error(`No ${page.role} user to sign in as`)
  const sessions: Browser[] = []
  for (let i = 0; i < count; i++) sessions.push(await Browser.signIn(baseUrl, users[i % users.length]!))
  return sessions
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
  } catch {
    return undefined
  }
}

function appVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
