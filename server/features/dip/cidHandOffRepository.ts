import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { historyValues, stillOn, type HistoryEvent } from './dipFailureRepository.ts'

// The writes by which a DIP failure hands off to CID, and by which its CID entries follow what
// happens to the failure. They live with the failure, so that DIP never imports the CID feature
// (which reads and decides its entries, and depends on DIP).

type Db = Kysely<Database>

/**
 * The selection rule (server/domain/REFERENCE.md; dip/RULES.md): an open wanted status from an s12/s14 failure, AND a
 * current violent or weapons marker (person_has_violence_marker), AND the failure not yet time-barred. Eligible failures without an
 * entry become system proposals; idempotent, and safe to run from several instances at once.
 */
export async function proposeEligible(db: Db, today: string): Promise<number> {
  const result = await sql<{ n: number }>`
    with eligible as (
      select f.id as failure_id, f.person_id, f.section,
             (select string_agg(t.label, ' and ' order by t.sort_order)
                from person_marker m join marker_type t on t.code = m.marker_code
               where m.person_id = f.person_id and m.ended_on is null
                 and m.marker_code in ('violent', 'weapons')) as markers
        from dip_failure f
       where ${stillOn('f', 'wanted', today)}
         and person_has_violence_marker(f.person_id)
         and not exists (select 1 from cid_entry e where e.failure_id = f.id)
    ), proposed as (
      insert into cid_entry (failure_id, person_id, source, reason)
      select failure_id, person_id, 'system',
             'Wanted for an ' || section || ' DIP failure, with a current ' || lower(markers) || ' marker'
        from eligible
      on conflict (failure_id) do nothing
      returning id
    ), events as (
      insert into cid_entry_event (entry_id, kind, event_date, note)
      select id, 'proposed', ${today}::date, 'Proposed by the system' from proposed
      returning 1
    )
    select count(*)::int as n from events`.execute(db)
  return result.rows[0]?.n ?? 0
}

export async function insertEntryEvent(db: Db, event: HistoryEvent & { entryId: string }) {
  await db
    .insertInto('cid_entry_event')
    .values({ entry_id: event.entryId, ...historyValues(event) })
    .execute()
}

/**
 * When an outcome is recorded on the DIP failure itself (by an officer, not through CID), a CID
 * entry for it follows, so it neither stays on the list nor strands there. Same transaction.
 */
export async function followFailureOutcome(
  db: Db,
  failure: {
    id: string
    outcome: 'arrested' | 'charged' | 'summonsed' | 'no_further_action' | 'withdrawn'
    eventDate: string
    reference: string | null
    recordedBy: string
  },
): Promise<number> {
  const moved = await db
    .updateTable('cid_entry')
    .set({ status: failure.outcome, version: sql`version + 1` })
    .where('failure_id', '=', failure.id)
    .where('status', 'in', ['proposed', 'countersigned', 'suspended', 'arrested'])
    .returning('id')
    .execute()
  for (const entry of moved) {
    await insertEntryEvent(db, {
      entryId: entry.id,
      kind: failure.outcome,
      eventDate: failure.eventDate,
      reference: failure.reference,
      note: 'Recorded on the DIP failure',
      recordedBy: failure.recordedBy,
    })
  }
  return moved.length
}

/**
 * The failure behind an entry stopped being wanted for a reason that is not an outcome (its
 * statement was withdrawn): proposed and countersigned entries are suspended, off the CID list,
 * and wait for a supervisor to countersign them again or reject them. Same transaction.
 */
export async function suspendEntriesOf(
  db: Db,
  failureId: string,
  eventDate: string,
  note: string,
  recordedBy: string,
): Promise<number> {
  const moved = await db
    .updateTable('cid_entry')
    .set({ status: 'suspended', version: sql`version + 1` })
    .where('failure_id', '=', failureId)
    .where('status', 'in', ['proposed', 'countersigned'])
    .returning('id')
    .execute()
  for (const entry of moved)
    await insertEntryEvent(db, { entryId: entry.id, kind: 'suspended', eventDate, note, recordedBy })
  return moved.length
}
