import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { Logger } from '../../logger.ts'
import { startDatedJob, type RepeatingJob } from '../../repeatingJob.ts'
import { proposeEligible } from './cidHandOffRepository.ts'
import { closeTimeBarredFailures } from './dipFailureRepository.ts'

/** One key for the sweep's lock, so that two instances never sweep at the same moment. */
const sweepLock = 7461000110

export type SweepResult = { closed: number; proposed: number }

/**
 * The state that follows from the clock, written down (server/decisions/0110): failures the reads
 * already show as time-barred are closed, with history and audit rows, and wanted failures of
 * violent people become system proposals for CID. Pages never wait for it: they work the time bar
 * out as they read. Idempotent; when another instance holds the lock, this one does nothing.
 */
export async function sweepDip(db: Kysely<Database>, today: string): Promise<SweepResult> {
  return db.transaction().execute(async (trx) => {
    const locked = await sql<{ got: boolean }>`select pg_try_advisory_xact_lock(${sweepLock}) as got`.execute(trx)
    if (!locked.rows[0]?.got) return { closed: 0, proposed: 0 }
    // Closed first: a failure past its time bar is never proposed.
    const closed = await closeTimeBarredFailures(trx, today)
    const proposed = await proposeEligible(trx, today)
    return { closed, proposed }
  })
}

export type DipSweep = RepeatingJob

/**
 * Runs sweepDip at once and then every intervalMs, in every instance (the lock makes that safe).
 * stop() lets a sweep in hand finish; the next start carries on where it left off.
 */
export function startDipSweep(
  db: Kysely<Database>,
  options: { intervalMs: number; logger: Logger; clock?: () => Date },
): DipSweep {
  return startDatedJob({
    ...options,
    name: 'the DIP sweep',
    // Meanwhile the pages stay right, since they work the time bar out themselves.
    meanwhile: 'the pages still show what is time-barred; will retry',
    run: async (today) => {
      const { closed, proposed } = await sweepDip(db, today)
      if (closed > 0 || proposed > 0)
        options.logger.info({ closed, proposed }, 'DIP sweep: closed time-barred failures, proposed hand-offs to CID')
    },
  })
}
