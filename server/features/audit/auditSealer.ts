import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { Logger } from '../../logger.ts'
import { startRepeatingJob, type RepeatingJob } from '../../repeatingJob.ts'
import { sealAuditLog } from './auditRepository.ts'

export type AuditSealer = RepeatingJob

/**
 * Seals the audit log in the background: every intervalMs, the rows committed since the last
 * batch join the chain together, under one lock and one flush. Every instance runs one; when two
 * try at once, one seals and the other returns at once. Nothing here is state: the rows wait in
 * the database, so a crashed instance's rows are sealed by whichever instance comes next.
 * stop() lets a batch in hand finish and seals once more, so a clean shutdown leaves none waiting.
 */
export function startAuditSealer(db: Kysely<Database>, options: { intervalMs: number; logger: Logger }): AuditSealer {
  return startRepeatingJob({
    name: 'audit sealing',
    intervalMs: options.intervalMs,
    logger: options.logger,
    runAtStart: false,
    meanwhile: 'the rows wait in audit_pending and will be sealed when it succeeds',
    run: async () => {
      await sealAuditLog(db, { wait: false })
    },
    atStop: async () => {
      await sealAuditLog(db)
    },
  })
}
