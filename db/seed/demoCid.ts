import { sql, type Kysely } from 'kysely'
import type { Database } from '../types.ts'
import { proposeEligible } from '../../server/features/dip/cidHandOffRepository.ts'

/**
 * The CID list on a fresh start: the system’s proposals from the demo DIP failures, all but the
 * latest countersigned by the supervisor (that one waits in the supervisor’s queue).
 */
export async function seedDemoCid(
  db: Kysely<Database>,
  options: { today: string },
): Promise<{ countersigned: number }> {
  const supervisor = await db
    .selectFrom('app_user')
    .select('id')
    .where('username', '=', 'supervisor')
    .executeTakeFirstOrThrow()
  await proposeEligible(db, options.today)
  const proposals = await db
    .selectFrom('cid_entry')
    .select('id')
    .where('status', '=', 'proposed')
    .orderBy('proposed_at')
    .orderBy('id')
    .execute()
  const toSign = proposals.slice(0, Math.max(0, proposals.length - 1)).map((p) => p.id)
  if (toSign.length === 0) return { countersigned: 0 }
  const rationale =
    'Violent offender wanted on warrant-equivalent circulation; arrest needed before the time bar. Countersigned at the daily management meeting.'
  await db
    .updateTable('cid_entry')
    .set({
      status: 'countersigned',
      decided_by: supervisor.id,
      decided_at: sql`now()`,
      rationale,
      version: sql`version + 1`,
    })
    .where('id', 'in', toSign)
    .execute()
  await db
    .insertInto('cid_entry_event')
    .values(
      toSign.map((entryId) => ({
        entry_id: entryId,
        kind: 'countersigned',
        event_date: options.today,
        note: rationale,
        recorded_by: supervisor.id,
      })),
    )
    .execute()
  // One person's last violence marker has since ended: their entry is suspended from the list (by
  // the database's own rule), waiting in the supervisor's queue.
  const [latest] = await db
    .selectFrom('cid_entry as e')
    .innerJoin('dip_failure as f', 'f.id', 'e.failure_id')
    .select('e.person_id')
    .where('e.status', '=', 'countersigned')
    .orderBy('f.time_bar_date', 'desc')
    .limit(1)
    .execute()
  if (latest && toSign.length > 2) {
    const iom = await db.selectFrom('app_user').select('id').where('username', '=', 'iom').executeTakeFirstOrThrow()
    await db
      .updateTable('person_marker')
      .set({ ended_on: options.today, ended_by: iom.id })
      .where('person_id', '=', latest.person_id)
      .where('marker_code', 'in', ['violent', 'weapons'])
      .where('ended_on', 'is', null)
      .execute()
  }
  return { countersigned: toSign.length }
}
