import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { todayInLondon } from '../../domain/time.ts'
import { done, invalidResult, notFoundResult, type WriteResult } from '../../domain/writeResult.ts'
import { listConsulted, recordAudit, type Actor } from '../audit/auditRepository.ts'
import { findPersonInAreas } from '../people/peopleRepository.ts'
import * as repo from './retentionRepository.ts'
import { disposalProblem } from './retentionRules.ts'

export type RetentionService = ReturnType<typeof createRetentionService>

export function createRetentionService(
  db: Kysely<Database>,
  rules: repo.RetentionRules,
  clock: () => Date = () => new Date(),
) {
  /**
   * One transaction about a person, refused as not found unless the person is in the user's
   * areas (their row locked, so the record cannot change under the decision), or as invalid with
   * the refusal `check` gives.
   */
  function writeAbout(
    user: SessionUser,
    personId: string,
    write: (trx: Transaction<Database>) => Promise<void>,
    check: (trx: Transaction<Database>) => Promise<string | undefined> = () => Promise.resolve(undefined),
  ) {
    return db.transaction().execute(async (trx): Promise<WriteResult> => {
      if (!(await findPersonInAreas(trx, personId, user.visibleAreaIds))) return notFoundResult
      await trx.selectFrom('person').select('id').where('id', '=', personId).forUpdate().execute()
      const refused = await check(trx)
      if (refused) return invalidResult('decision', refused)
      await write(trx)
      return done(personId)
    })
  }

  async function queue(user: SessionUser, actor: Actor) {
    const rows = await repo.reviewQueue(db, user.visibleAreaIds, rules, todayInLondon(clock()), 200)
    return listConsulted(db, actor, 'retention_queue.listed', rows, (r) => r.id)
  }

  async function reviewPage(user: SessionUser, personId: string, actor: Actor) {
    const person = await findPersonInAreas(db, personId, user.visibleAreaIds)
    if (!person) return undefined
    const [review, decisions] = [await repo.reviewDateOf(db, personId, rules), await repo.decisionsOf(db, personId)]
    await recordAudit(db, actor, {
      category: 'consultation',
      event: 'retention.review_opened',
      entityType: 'person',
      entityId: personId,
      personId,
    })
    return { person, reviewOn: review?.review_on ?? null, lastOn: review?.last_on ?? null, decisions }
  }

  async function retain(
    user: SessionUser,
    personId: string,
    reason: string,
    nextReviewOn: string,
    actor: Actor,
  ): Promise<WriteResult> {
    return writeAbout(user, personId, async (trx) => {
      await repo.insertDecision(trx, { personId, decision: 'retain', reason, nextReviewOn, decidedBy: user.id })
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: 'retention.retained',
        entityType: 'person',
        entityId: personId,
        personId,
        detail: { nextReviewOn },
      })
    })
  }

  /**
   * Disposal (MoPI): the person and every row of theirs are deleted in one transaction. The
   * audit log keeps its rows (metadata: ids, times, actions) and gains an erasure row; the
   * decision is kept with the person's id only, and earlier decisions lose their reasons.
   */
  async function dispose(user: SessionUser, personId: string, reason: string, actor: Actor): Promise<WriteResult> {
    // The one gate to erasure: due for review, and kept the minimum period (retentionRules.ts).
    const check = async (trx: Transaction<Database>) =>
      disposalProblem(await repo.disposalBasisOf(trx, personId, rules), todayInLondon(clock()))
    return writeAbout(
      user,
      personId,
      async (trx) => {
        const counts = await repo.rowCountsOf(trx, personId)
        await repo.deletePerson(trx, personId)
        await repo.eraseEarlierReasons(trx, personId)
        await repo.insertDecision(trx, {
          personId,
          decision: 'dispose',
          reason,
          nextReviewOn: null,
          decidedBy: user.id,
        })
        await recordAudit(trx, actor, {
          category: 'erasure',
          event: 'person.disposed',
          entityType: 'person',
          entityId: personId,
          personId,
          detail: { rowsErased: counts },
        })
      },
      check,
    )
  }

  /** Everything held about a person, for a subject access request or a disclosure pack. */
  async function subjectAccess(user: SessionUser, personId: string, actor: Actor, format: 'html' | 'json') {
    const person = await findPersonInAreas(db, personId, user.visibleAreaIds)
    if (!person) return undefined
    const sections = await repo.heldAbout(db, personId)
    await recordAudit(db, actor, {
      category: 'disclosure',
      event: 'subject_access.exported',
      entityType: 'person',
      entityId: personId,
      personId,
      recipients: 'Subject access request',
      detail: { format },
    })
    return { person, sections }
  }

  return { queue, reviewPage, retain, dispose, subjectAccess }
}
