import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { todayInLondon } from '../../domain/time.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import { activeCodes } from '../reference/referenceRepository.ts'
import { leadOfficers } from '../users/leadOfficersRepository.ts'
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
    input: { contactDate: string; contactType: string; pathway: string; note: string },
    actor: Actor,
  ): Promise<WriteResult> {
    const types = await activeCodes(db, 'contact_type')
    if (!types.some((t) => t.code === input.contactType)) return invalidResult('contactType', 'Select a contact type')
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
    const owners = await leadOfficers(db, user.visibleAreaIds)
    if (!owners.some((o) => o.id === input.ownerId)) return invalidResult('ownerId', 'Select who owns the action')
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

  async function myActions(user: SessionUser, actor: Actor) {
    const actions = await repo.openActionsOwnedBy(db, user.id, user.visibleAreaIds, 200)
    if (actions.length > 0) {
      await recordAudit(db, actor, {
        category: 'consultation',
        event: 'actions.listed',
        detail: { personIds: [...new Set(actions.map((a) => a.person_id))] },
      })
    }
    return actions
  }

  return {
    recordContact,
    addAction,
    completeAction,
    myActions,
    contactTypes: () => activeCodes(db, 'contact_type'),
    owners: (user: SessionUser) => leadOfficers(db, user.visibleAreaIds),
  }
}
