import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { Logger } from '../../logger.ts'
import { sealAuditLog } from './auditRepository.ts'

export type AuditSealer = { stop(): Promise<void> }

/**
 * Seals the audit log in the background: every intervalMs, the rows committed since the last
 * batch join the chain together, under one lock and one flush. Every instance runs one; when two
 * try at once, one seals and the other returns at once. Nothing here is state: the rows wait in
 * the database, so a crashed instance's rows are sealed by whichever instance comes next.
 * stop() lets a batch in hand finish and seals once more, so a clean shutdown leaves none waiting.
 */
export function startAuditSealer(db: Kysely<Database>, options: { intervalMs: number; logger: Logger }): AuditSealer {
  const { intervalMs, logger } = options
  let timer: NodeJS.Timeout | undefined
  let batch: Promise<void> = Promise.resolve()
  let stopped = false
  let failing = false

  const schedule = () => {
    if (stopped) return
    timer = setTimeout(tick, intervalMs)
    timer.unref()
  }
  const tick = () => {
    batch = sealAuditLog(db, { wait: false }).then(
      () => {
        if (failing) logger.info('audit sealing has resumed')
        failing = false
      },
      (error: unknown) => {
        // Said once per outage, not five times a second: the rows are safe where they wait.
        if (!failing) logger.warn({ err: error }, 'audit sealing failed; the rows wait in audit_pending and will be sealed when it succeeds')
        failing = true
      },
    )
    void batch.then(schedule)
  }
  schedule()

  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await batch
      await sealAuditLog(db).catch((error: unknown) => logger.warn({ err: error }, 'could not seal the audit log at shutdown; the next instance will'))
    },
  }
}
