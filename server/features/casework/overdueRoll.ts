import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { Logger } from '../../logger.ts'
import { startDatedJob, type RepeatingJob } from '../../repeatingJob.ts'

/**
 * Recounts, as of `today`, each officer's open actions due before it (decision 0131), where the
 * kept count is of an earlier day. Returns how many officers were recounted. Idempotent, and safe
 * in several instances at once: the database's owner_overdue_roll skips rows another holds.
 */
export async function rollOverdueActions(db: Kysely<Database>, today: string): Promise<number> {
  const result = await sql<{ rolled: number }>`select owner_overdue_roll(${today}::date) as rolled`.execute(db)
  return result.rows[0]?.rolled ?? 0
}

/**
 * Rolls the counts now and then every intervalMs, so that shortly after midnight they are of the
 * new day. Until a roll has run, the pages count the actions themselves: nothing waits on it.
 */
export function startOverdueRoll(
  db: Kysely<Database>,
  options: { intervalMs: number; logger: Logger; clock?: () => Date },
): RepeatingJob {
  return startDatedJob({
    ...options,
    name: 'the overdue actions roll',
    meanwhile: 'the team pages count overdue actions themselves; will retry',
    run: async (today) => {
      await rollOverdueActions(db, today)
    },
  })
}
