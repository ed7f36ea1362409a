import type { Kysely } from 'kysely'
import type { CidStatus, Database, FailureStatus } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { todayInLondon } from '../../domain/time.ts'
import { done, invalidResult, notFoundResult, staleResult, type WriteResult } from '../../domain/writeResult.ts'
import { listConsulted, recordAudit, recordViewed, type Actor } from '../audit/auditRepository.ts'
import { findFailureInAreas, insertFailureEvent, setFailureStateIfVersion } from '../dip/dipRepository.ts'
import { chargeTimeBarProblem } from '../dip/dipRules.ts'
import type { HistoryEvent } from '../dip/dipFailureRepository.ts'
import { insertEntryEvent } from '../dip/cidHandOffRepository.ts'
import { descriptionOf, photoOf } from '../people/descriptionRepository.ts'
import { insertMarker } from '../people/peopleRepository.ts'
import * as repo from './cidRepository.ts'
import type { Window } from '../../domain/window.ts'

/** Thrown inside a transaction to roll back everything it wrote and answer with a result instead. */
class RollBack extends Error {
  constructor(readonly result: WriteResult) {
    super('rolled back')
  }
}

function rolledBack(run: Promise<WriteResult>): Promise<WriteResult> {
  return run.catch((error: unknown) => {
    if (error instanceof RollBack) return error.result
    throw error
  })
}

/**
 * A decision or outcome on a CID entry: it goes into the entry's history and into the audit log,
 * as an alteration named after it, together.
 */
async function recordEntryMove(
  trx: Kysely<Database>,
  actor: Actor,
  entryId: string,
  personId: string,
  event: HistoryEvent,
): Promise<void> {
  await insertEntryEvent(trx, { entryId, ...event })
  await recordAudit(trx, actor, {
    category: 'alteration',
    event: `cid_entry.${event.kind}`,
    entityType: 'cid_entry',
    entityId: entryId,
    personId,
  })
}

export type ProposalInput = {
  reason: string
  /** The id of a current violent or weapons marker to cite, or 'new' to add one in this step. */
  marker: string
  newMarker: { code: 'violent' | 'weapons'; startDate: string; source: string }
}

export type CidOutcome = 'not_found' | 'arrested' | 'charged' | 'summonsed' | 'no_further_action' | 'withdrawn'

/** From which entry status each outcome may be recorded; not_found is an attempt and changes nothing else. */
const outcomeFrom: Record<CidOutcome, readonly CidStatus[]> = {
  not_found: ['countersigned'],
  arrested: ['countersigned'],
  charged: ['arrested'],
  summonsed: ['arrested'],
  no_further_action: ['arrested'],
  withdrawn: ['countersigned', 'arrested'],
}
const failureFrom: Record<Exclude<CidOutcome, 'not_found'>, readonly FailureStatus[]> = {
  arrested: ['wanted'],
  charged: ['arrested'],
  summonsed: ['arrested'],
  no_further_action: ['arrested'],
  withdrawn: ['open', 'wanted', 'arrested'],
}

export type CidService = ReturnType<typeof createCidService>

export function createCidService(db: Kysely<Database>, clock: () => Date = () => new Date()) {
  const today = () => todayInLondon(clock())

  // Reads write nothing (server/decisions/0110): the list, sheets and queue work the time bar out
  // as they read, and the scheduled sweep (dip/dipSweep.ts) closes failures and makes proposals.

  /** CID's list: a disclosure to CID each time it is seen. */
  async function list(
    user: SessionUser,
    filters: repo.CidFilters,
    actor: Actor,
    purpose: 'viewed' | 'exported',
    window?: Window,
  ) {
    const rows = await repo.cidList(db, user.visibleAreaIds, filters, today(), undefined, window)
    await recordAudit(db, actor, {
      category: 'disclosure',
      event: purpose === 'viewed' ? 'cid_list.viewed' : 'cid_list.exported',
      recipients: 'CID',
      detail: { filters, personIds: rows.map((r) => r.person_id) },
    })
    return rows
  }

  /** One entry's sheet; `printed` is false when it is shown again around a refused outcome form, which prints nothing. */
  async function briefing(user: SessionUser, entryId: string, actor: Actor, printed = true) {
    const [row] = await repo.cidList(db, user.visibleAreaIds, {}, today(), entryId)
    if (!row) return undefined
    // Each printing is a disclosure to CID, and the audit row is its one record: a GET adds no history row.
    if (printed)
      await recordAudit(db, actor, {
        category: 'disclosure',
        event: 'cid_briefing.printed',
        entityType: 'cid_entry',
        entityId: entryId,
        personId: row.person_id,
        recipients: 'CID',
      })
    const [details, description, events] = await Promise.all([
      repo.briefingDetails(db, entryId, today()),
      descriptionOf(db, row.person_id),
      repo.entryEventsOf(db, entryId),
    ])
    return { row, details, description, events }
  }

  async function queue(user: SessionUser, actor: Actor, toCloseOnly = false) {
    const all = await repo.supervisorQueue(db, user.visibleAreaIds, today())
    // Only the rows shown are consulted: the time-barred section alone names no one else.
    const rows = toCloseOnly ? all.filter((r) => r.status === 'countersigned' || r.status === 'arrested') : all
    return listConsulted(db, actor, 'cid_proposals.listed', rows, (r) => r.person_id)
  }

  /**
   * A manual proposal cites the current violent or weapons marker that makes the person violent,
   * or adds one in the same step with its source: no one reaches the CID list without one.
   */
  async function propose(
    user: SessionUser,
    failureId: string,
    input: ProposalInput,
    actor: Actor,
  ): Promise<WriteResult> {
    const run = db.transaction().execute(async (trx): Promise<WriteResult> => {
      // As of today: a failure past its time bar is time-barred here, closed by the sweep or not.
      const failure = await findFailureInAreas(trx, failureId, user.visibleAreaIds, today())
      if (!failure) return notFoundResult
      if (failure.status !== 'wanted')
        return invalidResult('reason', 'Only a failure circulated as wanted can be handed to CID')
      let citedMarkerId: string
      if (input.marker === 'new') {
        if (input.newMarker.startDate > today())
          return invalidResult('newMarkerStart', 'The marker’s start date must be today or in the past')
        citedMarkerId = await insertMarker(
          trx,
          failure.person_id,
          {
            markerCode: input.newMarker.code,
            startDate: input.newMarker.startDate,
            reviewDate: null,
            note: input.newMarker.source,
          },
          user.id,
        )
        await recordAudit(trx, actor, {
          category: 'collection',
          event: 'person.marker_added',
          entityType: 'person',
          entityId: failure.person_id,
          personId: failure.person_id,
        })
      } else {
        const current = await repo.violenceMarkersOf(trx, failure.person_id)
        if (!current.some((m) => m.id === input.marker))
          return invalidResult('marker', 'Select a current violent or weapons marker of this person, or add one')
        citedMarkerId = input.marker
      }
      const id = await repo.insertManualEntry(trx, {
        failureId,
        personId: failure.person_id,
        reason: input.reason,
        proposedBy: user.id,
        citedMarkerId,
      })
      // The marker may have been added above: undo it with the refusal.
      if (!id)
        throw new RollBack(invalidResult('reason', 'This failure is already with CID or awaiting countersignature'))
      await insertEntryEvent(trx, {
        entryId: id,
        kind: 'proposed',
        eventDate: today(),
        note: input.reason,
        recordedBy: user.id,
      })
      await recordAudit(trx, actor, {
        category: 'collection',
        event: 'cid_entry.proposed',
        entityType: 'cid_entry',
        entityId: id,
        personId: failure.person_id,
      })
      return done(failure.person_id)
    })
    return rolledBack(run)
  }

  async function decide(
    user: SessionUser,
    entryId: string,
    decision: 'countersigned' | 'rejected' | 'closed',
    text: string,
    version: number,
    actor: Actor,
  ): Promise<WriteResult> {
    return db.transaction().execute(async (trx): Promise<WriteResult> => {
      const entry = await repo.findEntryInAreas(trx, entryId, user.visibleAreaIds, today())
      if (!entry) return notFoundResult
      if (decision === 'countersigned') {
        const problem = await countersignProblem(trx, user, entry)
        if (problem) return invalidResult('rationale', problem)
      }
      // Closing records the entry as time-barred: only true once the failure's time bar has passed.
      if (decision === 'closed' && entry.failure_status !== 'time_barred' && entry.time_bar_date >= today()) {
        return invalidResult('rationale', 'The failure is not time-barred yet: the entry stays on the CID list')
      }
      const from: readonly CidStatus[] =
        decision === 'closed' ? ['countersigned', 'proposed', 'suspended', 'arrested'] : ['proposed', 'suspended']
      const changes =
        decision === 'closed'
          ? { status: 'time_barred' as const, decided_by: user.id, decided_at: clock(), rationale: text }
          : { status: decision, decided_by: user.id, decided_at: clock(), rationale: text }
      if (!(await repo.setEntryStatusIfVersion(trx, entryId, version, from, changes))) return staleResult
      await recordEntryMove(trx, actor, entryId, entry.person_id, {
        kind: decision,
        eventDate: today(),
        note: text,
        recordedBy: user.id,
      })
      return done(entry.person_id)
    })
  }

  /** CID's outcome moves the entry and, for arrests and charges, the DIP failure with it, together. */
  async function recordOutcome(
    user: SessionUser,
    entryId: string,
    input: { outcome: CidOutcome; outcomeOn: string; reference: string | null; note: string | null; version: number },
    actor: Actor,
  ): Promise<WriteResult> {
    if (input.outcome === 'arrested' && !input.reference)
      return invalidResult('reference', 'Enter the custody number of the arrest')
    const run = db.transaction().execute(async (trx): Promise<WriteResult> => {
      const entry = await repo.findEntryInAreas(trx, entryId, user.visibleAreaIds, today())
      if (!entry) return notFoundResult
      if (!outcomeFrom[input.outcome].includes(entry.status))
        return invalidResult('outcome', `Not possible while the entry is ${entry.status.replace(/_/g, ' ')}`)
      if (input.outcomeOn < entry.failure_date)
        return invalidResult('outcomeOn', 'The date must be on or after the failure')
      const outOfTime = chargeTimeBarProblem(input.outcome, input.outcomeOn, entry.time_bar_date)
      if (outOfTime) return invalidResult('outcomeOn', outOfTime)
      // The same outcome goes into the entry's history and, where it moves the failure, the failure's.
      const outcome = {
        eventDate: input.outcomeOn,
        reference: input.reference,
        note: input.note,
        recordedBy: user.id,
      }
      if (input.outcome !== 'not_found') {
        if (!failureFrom[input.outcome].includes(entry.failure_status))
          return invalidResult('outcome', `The DIP failure is ${entry.failure_status.replace(/_/g, ' ')}`)
        if (
          !(await repo.setEntryStatusIfVersion(trx, entryId, input.version, outcomeFrom[input.outcome], {
            status: input.outcome,
          }))
        )
          return staleResult
        // The entry has already moved: a failure changed meanwhile must undo that too.
        if (
          !(await setFailureStateIfVersion(trx, entry.failure_id, entry.failure_version, failureFrom[input.outcome], {
            status: input.outcome,
          }))
        )
          throw new RollBack(staleResult)
        await insertFailureEvent(trx, { failureId: entry.failure_id, kind: input.outcome, ...outcome })
      } else if (
        !(await repo.setEntryStatusIfVersion(trx, entryId, input.version, ['countersigned'], {
          status: 'countersigned',
        }))
      ) {
        return staleResult
      }
      await recordEntryMove(trx, actor, entryId, entry.person_id, { kind: input.outcome, ...outcome })
      return done(entryId)
    })
    return rolledBack(run)
  }

  /**
   * The two-person rule and the selection rule, checked again at the moment of countersigning:
   * the supervisor neither proposed the hand-off nor circulated the failure, the failure is still
   * wanted and in time, and the person is violent now. The database refuses the same.
   */
  async function countersignProblem(
    trx: Kysely<Database>,
    user: SessionUser,
    entry: NonNullable<Awaited<ReturnType<typeof repo.findEntryInAreas>>>,
  ): Promise<string | undefined> {
    if (entry.proposed_by === user.id)
      return 'You proposed this hand-off: another supervisor must countersign it (two-person rule)'
    if (entry.circulated_by === user.id)
      return 'You circulated this failure as wanted: another supervisor must countersign it (two-person rule)'
    if (entry.failure_status !== 'wanted' || entry.time_bar_date < today())
      return 'The failure is no longer wanted or is time-barred: reject or close the proposal instead'
    if (!(await repo.hasViolenceMarker(trx, entry.person_id)))
      return 'The person no longer has a current violent or weapons marker: reject the proposal'
    return undefined
  }

  /** The failure a manual proposal is about; a consultation when it is first shown. */
  async function failureForProposal(user: SessionUser, failureId: string, actor: Actor, log: boolean) {
    const found = await findFailureInAreas(db, failureId, user.visibleAreaIds, today())
    const failure = log ? await recordViewed(db, actor, found, 'failure.viewed', 'dip_failure', failureId) : found
    if (!failure) return undefined
    return { ...failure, violenceMarkers: await repo.violenceMarkersOf(db, failure.person_id) }
  }

  /**
   * The custody photograph on a briefing sheet: only for an entry CID may see (the same test as the
   * sheet), and a disclosure to CID each time it is fetched.
   */
  async function briefingPhoto(user: SessionUser, entryId: string, actor: Actor) {
    const [row] = await repo.cidList(db, user.visibleAreaIds, {}, today(), entryId)
    if (!row) return undefined
    const photo = await photoOf(db, row.person_id)
    if (!photo) return undefined
    await recordAudit(db, actor, {
      category: 'disclosure',
      event: 'cid_briefing.photo_viewed',
      entityType: 'cid_entry',
      entityId: entryId,
      personId: row.person_id,
      recipients: 'CID',
    })
    return photo.image
  }

  return { list, briefing, briefingPhoto, queue, propose, decide, recordOutcome, failureForProposal, today }
}
