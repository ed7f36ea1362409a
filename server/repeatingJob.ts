import { todayInLondon } from './domain/time.ts'
import type { Logger } from './logger.ts'

export type RepeatingJob = { stop(): Promise<void> }

/**
 * Runs a background job now (or after one interval), then every intervalMs after each run ends,
 * so runs never overlap. A failure is logged once per outage, not at every run, and its recovery
 * once. The timer is unref'd, so it never keeps a process alive; stop() lets a run in hand
 * finish, then runs `atStop` if given (a last seal or checkpoint at shutdown).
 */
export function startRepeatingJob(options: {
  name: string
  intervalMs: number
  logger: Logger
  run: () => Promise<void>
  /** What the warning says happens meanwhile (e.g. "the rows wait in audit_pending"). */
  meanwhile: string
  runAtStart?: boolean
  atStop?: () => Promise<void>
}): RepeatingJob {
  const { name, intervalMs, logger, run, meanwhile } = options
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let stopped = false
  let failing = false

  const schedule = () => {
    if (stopped) return
    timer = setTimeout(tick, intervalMs)
    timer.unref()
  }
  const tick = () => {
    running = run().then(
      () => {
        if (failing) logger.info(`${name} has resumed`)
        failing = false
      },
      (error: unknown) => {
        if (!failing) logger.warn({ err: error }, `${name} failed; ${meanwhile}`)
        failing = true
      },
    )
    void running.then(schedule)
  }
  if (options.runAtStart === false) schedule()
  else tick()

  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
      if (options.atStop)
        await options
          .atStop()
          .catch((error: unknown) => logger.warn({ err: error }, `${name}: the last run at shutdown failed`))
    },
  }
}

/**
 * A job that writes down state following from the date (a time bar passed, an action fallen
 * overdue): startRepeatingJob, with each run given the day in London by `clock`.
 */
export function startDatedJob(options: {
  name: string
  intervalMs: number
  logger: Logger
  meanwhile: string
  clock?: () => Date
  run: (today: string) => Promise<void>
}): RepeatingJob {
  const { clock = () => new Date(), run, ...job } = options
  return startRepeatingJob({ ...job, run: () => run(todayInLondon(clock())) })
}
