// The load benchmark's figures: percentiles, each page against its floor, the targets, the JSON
// file a run writes and the Markdown table benchTable.ts prints from it. No I/O here.

/** A page's throughput is at least this share of its floor's... */
export const throughputTarget = 0.7
/** ...and its p99 at most this multiple of its floor's. */
export const p99Target = 1.5

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

export type Timing = { requests: number; rps: number; p50: number; p99: number; errors: number }

export type FloorFigures = Timing & {
  /** Seconds the timed replay ran: less than the page's when the write's captured requests ran out first. */
  seconds: number
  /** Distinct requests captured and cycled through. */
  captured: number
  loadAverage: LoadAverages
}

/** One-, five- and fifteen-minute load averages, as os.loadavg() gives them. */
export type LoadAverages = { before: number[]; after: number[] }

export type Ratios = {
  /** Page req/s ÷ floor req/s. */
  throughput: number
  /** Page p99 ÷ floor p99. */
  p99: number
}

export type PageFigures = Timing & {
  name: string
  label: string
  connections: number
  seconds: number
  statuses: Record<string, number>
  /** Statements in one request (the median over the captured requests). */
  statements: number
  floor: FloorFigures
  ratios: Ratios
  meetsTargets: boolean
  loadAverage: LoadAverages
}

export type RunFigures = {
  date: string
  commit: string | undefined
  machine: { cpus: number; model: string; memoryGiB: number }
  versions: { node: string; postgres: string; app: string }
  volume: Record<string, number>
  people: number
  connections: number
  seconds: number
  bareExpress: Timing
  pages: PageFigures[]
}

export function ratiosOf(page: Timing, floor: Timing): Ratios {
  return { throughput: page.rps / floor.rps, p99: page.p99 / floor.p99 }
}

export function meetsTargets(ratios: Ratios): { throughput: boolean; p99: boolean; both: boolean } {
  const throughput = ratios.throughput >= throughputTarget
  const p99 = ratios.p99 <= p99Target
  return { throughput, p99, both: throughput && p99 }
}

const whole = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-GB') : '—')
const tenths = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—')
const miss = (cell: string, met: boolean) => (met ? cell : `${cell} ✗`)

export const throughputCell = (ratios: Ratios) =>
  miss(`${whole(100 * ratios.throughput)}%`, meetsTargets(ratios).throughput)
export const p99Cell = (ratios: Ratios) => miss(`${tenths(ratios.p99)}×`, meetsTargets(ratios).p99)

function describeRun(run: RunFigures): string {
  // The one-minute figure, before and after each page's load.
  const loads = run.pages
    .flatMap((p) => [p.loadAverage.before[0], p.loadAverage.after[0]])
    .filter((n): n is number => n !== undefined)
  const load = loads.length ? `, load average ${tenths(Math.min(...loads))} to ${tenths(Math.max(...loads))}` : ''
  return (
    `${whole(run.volume.people ?? run.people)} people, ${run.date.slice(0, 10)}, commit ${run.commit?.slice(0, 7) ?? 'unknown'}: ` +
    `${run.machine.cpus} × ${run.machine.model}, Node ${run.versions.node}, PostgreSQL ${run.versions.postgres.split(' ')[0]}, ` +
    `${run.connections} connections, ${run.seconds} s a page${load}`
  )
}

/**
 * The run's figures as a Markdown table (times in ms); given a second run of the same pages (a
 * larger population, say), a last column with each page's p99 growth from the first to the second.
 */
export function markdownTable(run: RunFigures, other?: RunFigures): string {
  const headings = [
    'page',
    'req/s',
    'p50',
    'p99',
    'errors',
    'statements',
    'floor req/s',
    'floor p99',
    'throughput ÷ floor',
    'p99 ÷ floor',
  ]
  if (other) headings.push(`p99 growth to ${whole(other.volume.people ?? other.people)} people`)
  const lines = [
    `${describeRun(run)}${other ? `; then ${describeRun(other)}` : ''}. Targets: throughput ≥ ${100 * throughputTarget}% of the floor's, p99 ≤ ${p99Target}× the floor's (✗: missed).`,
    '',
    `| ${headings.join(' | ')} |`,
    `|${headings.map(() => '---').join('|')}|`,
    `| bare Express (reference) | ${whole(run.bareExpress.rps)} | ${whole(run.bareExpress.p50)} | ${whole(run.bareExpress.p99)} | ${run.bareExpress.errors} |${' |'.repeat(headings.length - 5)}`,
  ]
  for (const page of run.pages) {
    const cells = [
      page.label,
      whole(page.rps),
      whole(page.p50),
      whole(page.p99),
      page.floor.errors ? `${page.errors} (floor ${page.floor.errors})` : String(page.errors),
      String(page.statements),
      whole(page.floor.rps),
      tenths(page.floor.p99),
      throughputCell(page.ratios),
      p99Cell(page.ratios),
    ]
    if (other) {
      const then = other.pages.find((p) => p.name === page.name)
      cells.push(then ? `${(then.p99 / page.p99).toFixed(2)}×` : '—')
    }
    lines.push(`| ${cells.join(' | ')} |`)
  }
  return lines.join('\n')
}
