import { sql, type Kysely } from 'kysely'
import type { Database } from '../types.ts'
import { proposeEligible } from '../../server/features/cid/cidRepository.ts'

/**
 * The CID list on a fresh start: the system’s proposals from the demo DIP failures, all but the
 * latest countersigned by the supervisor (that one waits in the supervisor’s queue).
 */
export async function seedDemoCid(db: Kysely<Database>, options: { today: string }): Promise<{ countersigned: number }> {
  const supervisor = await db.selectFrom('app_user').select('id').where('username', '=', 'supervisor').executeTakeFirstOrThrow()
  await proposeEligible(db, options.today)
  const proposals = await db.selectFrom('cid_entry').select('id').where('status', '=', 'proposed').orderBy('proposed_at').orderBy('id').execute()
  const toSign = proposals.slice(0, Math.max(0, proposals.length - 1)).map((p) => p.id)
  if (toSign.length === 0) return { countersigned: 0 }
  const rationale = 'Violent offender wanted on warrant-equivalent circulation; arrest needed before the time bar. Countersigned at the daily management meeting.'
  await db
    .updateTable('cid_entry')
    .set({ status: 'countersigned', decided_by: supervisor.id, decided_at: sql`now()`, rationale, version: sql`version + 1` })
    .where('id', 'in', toSign)
    .execute()
  await db
    .insertInto('cid_entry_event')
    .values(toSign.map((entryId) => ({ entry_id: entryId, kind: 'countersigned', event_date: options.today, note: rationale, recorded_by: supervisor.id })))
    .execute()
  return { countersigned: toSign.length }
}
