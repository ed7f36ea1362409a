import { performance } from 'node:perf_hooks'

export type Progress = {
  /** Starts a step; `total` (rows expected) gives a bar when known. */
  step(label: string, total?: number): void
  /** Rows written so far in the current step. */
  add(rows: number): void
  /** Ends the current step with its final count. */
  done(): void
  summary(): { label: string; rows: number; ms: number }[]
}

const width = 24

/**
 * One line on stderr: step, rows, rows/s, elapsed. On a terminal the line is redrawn in place;
 * otherwise (CI, a pipe, a log file) one plain line is written per step and every few seconds.
 */
export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  options: { quiet?: boolean } = {},
): Progress {
  const tty = Boolean(stream.isTTY)
  const started = performance.now()
  const steps: { label: string; rows: number; ms: number }[] = []
  let label = ''
  let total: number | undefined
  let rows = 0
  let stepStarted = started
  let lastPrinted = 0

  const line = () => {
    const now = performance.now()
    const seconds = (now - stepStarted) / 1000
    const rate = seconds > 0 ? Math.round(rows / seconds) : 0
    const bar = total ? ` [${'#'.repeat(Math.min(width, Math.round((rows / total) * width))).padEnd(width, '.')}]` : ''
    return `${label.padEnd(34)}${bar} ${rows.toLocaleString('en-GB').padStart(11)} rows ${rate.toLocaleString('en-GB').padStart(9)} rows/s ${seconds.toFixed(1).padStart(6)} s  (total ${((now - started) / 1000).toFixed(0)} s)`
  }
  const print = (final: boolean) => {
    if (options.quiet) return
    const now = performance.now()
    if (tty) {
      stream.write(`\r\x1b[K${line()}${final ? '\n' : ''}`)
    } else if (final || now - lastPrinted > 5000) {
      stream.write(`${line()}\n`)
      lastPrinted = now
    }
  }

  return {
    step(next, expected) {
      label = next
      total = expected
      rows = 0
      stepStarted = performance.now()
      lastPrinted = stepStarted
      print(false)
    },
    add(count) {
      rows += count
      print(false)
    },
    done() {
      print(true)
      steps.push({ label, rows, ms: performance.now() - stepStarted })
    },
    summary: () => steps,
  }
}
