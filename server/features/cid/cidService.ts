import type { Kysely } from 'kysely'
import type { CidStatus, Database, FailureStatus } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { todayInLondon } from '../../http/dates.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import { closeTimeBarredFailures, findFailureInAreas, insertFailureEvent, setFailureStateIfVersion } from '../dip/dipRepository.ts'
import * as repo from './cidRepository.ts'
import type { Window } from '../../http/paging.ts'

export type CidResult =
  | { ok: true; id: string }
  | { ok: false; kind: 'notFound' }
  | { ok: false; kind: 'stale' }
  | { ok: false; kind: 'invalid'; field: string; message: string }

const invalid = (field: string, message: string) => ({ ok: false as const, kind: 'invalid' as const, field, message })
const notFound = { ok: false as const, kind: 'notFound' as const }
const stale = { ok: false as const, kind: 'stale' as const }

/** Thrown inside a transaction to roll back everything it wrote and answer with a result instead. */
class RollBack extends Error {
  constructor(readonly result: CidResult) {
    super('rolled back')
  }
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

  /** Brings the supervisor's queue up to date: time-barred failures closed, newly eligible failures proposed. */
  async function refresh() {
    await closeTimeBarredFailures(db, today())
    return repo.proposeEligible(db, today())
  }

  /**
   * CID's list and sheets show countersigned entries only, which a new proposal cannot change:
   * they close what the time bar has passed (a cheap update when there is none) and leave
   * proposing to the supervisor's queue, where proposals are decided.
   */
  const closeTimeBarred = () => closeTimeBarredFailures(db, today())

  /** CID's list: a disclosure to CID each time it is seen. */
  async function list(user: SessionUser, filters: repo.CidFilters, actor: Actor, purpose: 'viewed' | 'exported', window?: Window) {
    await closeTimeBarred()
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
    await closeTimeBarred()
    const [row] = await repo.cidList(db, user.visibleAreaIds, {}, today(), entryId)
    if (!row) return undefined
    if (printed) await db.transaction().execute(async (trx) => {
      await repo.insertEntryEvent(trx, { entryId, kind: 'briefing_printed', eventDate: today(), recordedBy: user.id })
      await recordAudit(trx, actor, { category: 'disclosure', event: 'cid_briefing.printed', entityType: 'cid_entry', entityId: entryId, personId: row.person_id, recipients: 'CID' })
    })
    return { row, events: await repo.entryEventsOf(db, entryId) }
  }

  async function queue(user: SessionUser, actor: Actor) {
    await refresh()
    const rows = await repo.supervisorQueue(db, user.visibleAreaIds, today())
    if (rows.length > 0) {
      await recordAudit(db, actor, { category: 'consultation', event: 'cid_proposals.listed', detail: { personIds: rows.map((r) => r.person_id) } })
    }
    return rows
  }

  async function propose(user: SessionUser, failureId: string, reason: string, actor: Actor): Promise<CidResult> {
    await closeTimeBarredFailures(db, today())
    return db.transaction().execute(async (trx): Promise<CidResult> => {
      const failure = await findFailureInAreas(trx, failureId, user.visibleAreaIds)
      if (!failure) return notFound
      if (failure.status !== 'wanted') return invalid('reason', 'Only a failure circulated as wanted can be handed to CID')
      const id = await repo.insertManualEntry(trx, { failureId, personId: failure.person_id, reason, proposedBy: user.id })
      if (!id) return invalid('reason', 'This failure is already with CID or awaiting countersignature')
      await repo.insertEntryEvent(trx, { entryId: id, kind: 'proposed', eventDate: today(), note: reason, recordedBy: user.id })
      await recordAudit(trx, actor, { category: 'collection', event: 'cid_entry.proposed', entityType: 'cid_entry', entityId: id, personId: failure.person_id })
      return { ok: true, id: failure.person_id }
    })
  }

  async function decide(user: SessionUser, entryId: string, decision: 'countersigned' | 'rejected' | 'closed', text: string, version: number, actor: Actor): Promise<CidResult> {
    return db.transaction().execute(async (trx): Promise<CidResult> => {
      const entry = await repo.findEntryInAreas(trx, entryId, user.visibleAreaIds)
      if (!entry) return notFound
      if (decision === 'countersigned' && (entry.failure_status !== 'wanted' || entry.time_bar_date < today())) {
        return invalid('rationale', 'The failure is no longer wanted or is time-barred: reject or close the proposal instead')
      }
      // Closing records the entry as time-barred: only true once the failure's time bar has passed.
      if (decision === 'closed' && entry.failure_status !== 'time_barred' && entry.time_bar_date >= today()) {
        return invalid('rationale', 'The failure is not time-barred yet: the entry stays on the CID list')
      }
      const from: readonly CidStatus[] = decision === 'closed' ? ['countersigned', 'proposed'] : ['proposed']
      const changes = decision === 'closed'
        ? { status: 'time_barred' as const, decided_by: user.id, decided_at: clock(), rationale: text }
        : { status: decision, decided_by: user.id, decided_at: clock(), rationale: text }
      if (!(await repo.setEntryStatusIfVersion(trx, entryId, version, from, changes))) return stale
      await repo.insertEntryEvent(trx, { entryId, kind: decision, eventDate: today(), note: text, recordedBy: user.id })
      await recordAudit(trx, actor, { category: 'alteration', event: `cid_entry.${decision}`, entityType: 'cid_entry', entityId: entryId, personId: entry.person_id })
      return { ok: true, id: entry.person_id }
    })
  }

  /** CID's outcome moves the entry and, for arrests and charges, the DIP failure with it, together. */
  async function recordOutcome(
    user: SessionUser,
    entryId: string,
    input: { outcome: CidOutcome; outcomeOn: string; reference: string | null; note: string | null; version: number },
    actor: Actor,
  ): Promise<CidResult> {
    if (input.outcome === 'arrested' && !input.reference) return invalid('reference', 'Enter the custody number of the arrest')
    const run = db.transaction().execute(async (trx): Promise<CidResult> => {
      const entry = await repo.findEntryInAreas(trx, entryId, user.visibleAreaIds)
      if (!entry) return notFound
      if (!outcomeFrom[input.outcome].includes(entry.status)) return invalid('outcome', `Not possible while the entry is ${entry.status.replace(/_/g, ' ')}`)
      if (input.outcomeOn < entry.failure_date) return invalid('outcomeOn', 'The date must be on or after the failure')
      if (input.outcome !== 'not_found') {
        if (!failureFrom[input.outcome].includes(entry.failure_status)) return invalid('outcome', `The DIP failure is ${entry.failure_status.replace(/_/g, ' ')}`)
        if (!(await repo.setEntryStatusIfVersion(trx, entryId, input.version, outcomeFrom[input.outcome], { status: input.outcome }))) return stale
        // The entry has already moved: a failure changed meanwhile must undo that too.
        if (!(await setFailureStateIfVersion(trx, entry.failure_id, entry.failure_version, failureFrom[input.outcome], { status: input.outcome }))) throw new RollBack(stale)
        await insertFailureEvent(trx, { failureId: entry.failure_id, kind: input.outcome, eventDate: input.outcomeOn, reference: input.reference, note: input.note, recordedBy: user.id })
      } else if (!(await repo.setEntryStatusIfVersion(trx, entryId, input.version, ['countersigned'], { status: 'countersigned' }))) {
        return stale
      }
      await repo.insertEntryEvent(trx, { entryId, kind: input.outcome, eventDate: input.outcomeOn, reference: input.reference, note: input.note, recordedBy: user.id })
      await recordAudit(trx, actor, { category: 'alteration', event: `cid_entry.${input.outcome}`, entityType: 'cid_entry', entityId: entryId, personId: entry.person_id })
      return { ok: true, id: entryId }
    })
    return run.catch((error: unknown) => {
      if (error instanceof RollBack) return error.result
      throw error
    })
  }

  /** The failure a manual proposal is about; a consultation when it is first shown. */
  async function failureForProposal(user: SessionUser, failureId: string, actor: Actor, log: boolean) {
    const failure = await findFailureInAreas(db, failureId, user.visibleAreaIds)
    if (failure && log) {
      await recordAudit(db, actor, { category: 'consultation', event: 'failure.viewed', entityType: 'dip_failure', entityId: failureId, personId: failure.person_id })
    }
    return failure
  }

  return { refresh, list, briefing, queue, propose, decide, recordOutcome, failureForProposal, today }
}
