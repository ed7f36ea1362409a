import type { Kysely } from 'kysely'
import type { ContactOutcome, Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { todayInLondon } from '../../domain/time.ts'
import type { Window } from '../../domain/window.ts'
import { recordAudit, recordListConsulted, recordPersonViewed, type Actor } from '../audit/auditRepository.ts'
import { activeCodes, allCodes, isActiveCode } from '../reference/referenceRepository.ts'
import { isLeadOfficerIn, leadOfficers } from '../users/leadOfficersRepository.ts'
import { findPersonInAreas } from '../people/peopleRepository.ts'
import * as repo from './caseworkRepository.ts'
import { writeOnce } from '../idempotency/writeOnce.ts'
import { done, invalidResult, notFoundResult, staleResult, type WriteResult } from '../../domain/writeResult.ts'

export type CaseworkService = ReturnType<typeof createCaseworkService>

/** Contacts and actions: the day-to-day record of working with a person. */
export function createCaseworkService(db: Kysely<Database>) {
  /**
   * A record about a person in the user's areas, written with its collection audit row, once per
   * form key: a repeat of the same form gets its success again and writes nothing.
   */
  async function createFor(
    user: SessionUser,
    personId: string,
    actor: Actor,
    event: string,
    entityType: string,
    insert: (trx: Kysely<Database>) => Promise<string>,
  ): Promise<WriteResult> {
    return writeOnce(db, actor, async (trx): Promise<WriteResult> => {
      if (!(await findPersonInAreas(trx, personId, user.visibleAreaIds))) return notFoundResult
      const id = await insert(trx)
      await recordAudit(trx, actor, { category: 'collection', event, entityType, entityId: id, personId })
      return done(id)
    })
  }

  async function recordContact(
    user: SessionUser,
    personId: string,
    input: { contactDate: string; contactType: string; pathway: string; note: string; outcome: ContactOutcome },
    actor: Actor,
  ): Promise<WriteResult> {
    if (!(await isActiveCode(db, 'contact_type', input.contactType)))
      return invalidResult('contactType', 'Select a contact type')
    return createFor(user, personId, actor, 'contact.recorded', 'contact', (trx) =>
      repo.insertContact(trx, { personId, ...input, recordedBy: user.id }),
    )
  }

  async function addAction(
    user: SessionUser,
    personId: string,
    input: { description: string; ownerId: string; dueDate: string; pathway: string },
    actor: Actor,
  ): Promise<WriteResult> {
    if (!(await isLeadOfficerIn(db, user.visibleAreaIds, input.ownerId)))
      return invalidResult('ownerId', 'Select who owns the action')
    return createFor(user, personId, actor, 'action.created', 'action', (trx) =>
      repo.insertAction(trx, { personId, ...input, createdBy: user.id }),
    )
  }

  async function completeAction(
    user: SessionUser,
    actionId: string,
    version: number,
    actor: Actor,
  ): Promise<WriteResult> {
    return db.transaction().execute(async (trx): Promise<WriteResult> => {
      const action = await repo.findAction(trx, actionId, user.visibleAreaIds)
      if (!action) return notFoundResult
      if (!(await repo.completeActionIfVersion(trx, actionId, version, todayInLondon()))) return staleResult
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: 'action.completed',
        entityType: 'action',
        entityId: actionId,
        personId: action.person_id,
      })
      return done(actionId)
    })
  }

  /**
   * One page of a person's contact history, as the person page's scope and purpose rules allow,
   * and its consultation logged: the rows shown name the person.
   */
  async function contactHistory(
    user: SessionUser,
    personId: string,
    filters: { type?: string; from?: string; to?: string; text?: string },
    window: Window,
    actor: Actor,
    purpose: string | undefined,
  ) {
    const person = await findPersonInAreas(db, personId, user.visibleAreaIds)
    if (!person) return { kind: 'notFound' as const }
    if (person.restricted && !purpose) return { kind: 'needsPurpose' as const }
    const rows = await repo.contactHistory(db, personId, filters, window)
    // A page past the end (a link kept while the filters changed) shows no one: nothing to log.
    if (rows.length === 0 && window.offset > 0) return { kind: 'pastEnd' as const }
    await recordPersonViewed(db, actor, personId, purpose, { page: 'contacts' })
    return { kind: 'found' as const, person, rows }
  }

  async function myActions(user: SessionUser, actor: Actor, dueOn?: string) {
    const actions = await repo.openActionsOwnedBy(db, user.id, user.visibleAreaIds, 200, dueOn)
    await recordListConsulted(db, actor, 'actions.listed', [...new Set(actions.map((a) => a.person_id))])
    return actions
  }

  return {
    recordContact,
    addAction,
    completeAction,
    myActions,
    contactHistory,
    contactTypes: () => activeCodes(db, 'contact_type'),
    allContactTypes: () => allCodes(db, 'contact_type'),
    /** A person in the user's areas, for a page refused before it reads anything (its hook logs the consultation). */
    personInScope: (user: SessionUser, personId: string) => findPersonInAreas(db, personId, user.visibleAreaIds),
    owners: (user: SessionUser) => leadOfficers(db, user.visibleAreaIds),
  }
}
