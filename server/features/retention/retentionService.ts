import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { todayInLondon } from '../../domain/time.ts'
import { done, notFoundResult, type WriteResult } from '../../domain/writeResult.ts'
import { recordAudit, sealAuditLog, type Actor } from '../audit/auditRepository.ts'
import { findPersonInAreas } from '../people/peopleRepository.ts'
import * as repo from './retentionRepository.ts'

export type RetentionService = ReturnType<typeof createRetentionService>

export function createRetentionService(db: Kysely<Database>, rules: repo.RetentionRules) {
  async function queue(user: SessionUser, actor: Actor) {
    const rows = await repo.reviewQueue(db, user.visibleAreaIds, rules, todayInLondon(), 200)
    if (rows.length > 0) {
      await recordAudit(db, actor, {
        category: 'consultation',
        event: 'retention_queue.listed',
        detail: { personIds: rows.map((r) => r.id) },
      })
    }
    return rows
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
    return { person, reviewOn: review?.review_on ?? null, decisions }
  }

  async function retain(
    user: SessionUser,
    personId: string,
    reason: string,
    nextReviewOn: string,
    actor: Actor,
  ): Promise<WriteResult> {
    return db.transaction().execute(async (trx) => {
      if (!(await findPersonInAreas(trx, personId, user.visibleAreaIds))) return notFoundResult
      await repo.insertDecision(trx, { personId, decision: 'retain', reason, nextReviewOn, decidedBy: user.id })
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: 'retention.retained',
        entityType: 'person',
        entityId: personId,
        personId,
        detail: { nextReviewOn },
      })
      return done(personId)
    })
  }

  /**
   * Disposal (MoPI): the person and every row of theirs are deleted in one transaction. The
   * audit log keeps its rows (metadata: ids, times, actions) and gains an erasure row; the
   * decision is kept with the person's id only, and earlier decisions lose their reasons.
   */
  async function dispose(user: SessionUser, personId: string, reason: string, actor: Actor): Promise<WriteResult> {
    return db.transaction().execute(async (trx) => {
      if (!(await findPersonInAreas(trx, personId, user.visibleAreaIds))) return notFoundResult
      const counts: Record<string, number> = {}
      for (const [table, column] of repo.personTables) {
        const row = await sql<{
          n: number
        }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)} = ${personId}`.execute(trx)
        counts[table] = row.rows[0]?.n ?? 0
      }
      await repo.deletePerson(trx, personId)
      await repo.eraseEarlierReasons(trx, personId)
      await repo.insertDecision(trx, { personId, decision: 'dispose', reason, nextReviewOn: null, decidedBy: user.id })
      await recordAudit(trx, actor, {
        category: 'erasure',
        event: 'person.disposed',
        entityType: 'person',
        entityId: personId,
        personId,
        detail: { rowsErased: counts },
      })
      return done(personId)
    })
  }

  /** Everything held about a person, for a subject access request or a disclosure pack. */
  async function subjectAccess(user: SessionUser, personId: string, actor: Actor, format: 'html' | 'json') {
    const person = await findPersonInAreas(db, personId, user.visibleAreaIds)
    if (!person) return undefined
    const sections: Record<string, unknown[]> = {}
    for (const [table, column] of repo.personTables) {
      const rows = await sql<
        Record<string, unknown>
      >`select * from ${sql.table(table)} where ${sql.ref(column)} = ${personId}`.execute(db)
      sections[table] = rows.rows
    }
    const related = async (label: string, query: ReturnType<typeof sql<Record<string, unknown>>>) => {
      sections[label] = (await query.execute(db)).rows
    }
    await related(
      'membership_event',
      sql`select e.* from membership_event e join cohort_membership m on m.id = e.membership_id where m.person_id = ${personId}`,
    )
    await related(
      'drug_test_confirmation',
      sql`select c.* from drug_test_confirmation c join drug_test t on t.id = c.drug_test_id where t.person_id = ${personId}`,
    )
    await related(
      'appointment_change',
      sql`select c.* from appointment_change c join appointment a on a.id = c.appointment_id where a.person_id = ${personId}`,
    )
    await related(
      'attendance',
      sql`select at.* from attendance at join appointment a on a.id = at.appointment_id where a.person_id = ${personId}`,
    )
    await related(
      'dip_failure_event',
      sql`select e.* from dip_failure_event e join dip_failure f on f.id = e.failure_id where f.person_id = ${personId}`,
    )
    await related(
      'partner_link_change',
      sql`select c.* from partner_link_change c join partner_link l on l.id = c.link_id where l.person_id = ${personId}`,
    )
    await related(
      'cid_entry_event',
      sql`select e.* from cid_entry_event e join cid_entry c on c.id = e.entry_id where c.person_id = ${personId}`,
    )
    // The photograph's record, not its bytes: the pack notes that one is held (it can be sent apart).
    await related(
      'person_photo',
      sql`select id, person_id, width, height, octet_length(image) as bytes, uploaded_by, uploaded_at from person_photo where person_id = ${personId}`,
    )
    await related('retention_decision', sql`select * from retention_decision where person_id = ${personId}`)
    await related(
      'person_combination',
      sql`select * from person_combination where survivor_id = ${personId} or merged_id = ${personId} order by combined_at`,
    )
    // The log covers the records combined into this one too: what was seen of them is this person's.
    // Sealed first, so the latest consultations are in it.
    await sealAuditLog(db)
    await related(
      'access_log',
      sql`select occurred_at, category, event, actor_username, purpose, recipients from audit_event
           where person_id = ${personId}
              or person_id in (select merged_id from person_combination where survivor_id = ${personId} and reversed_at is null)
           order by id`,
    )
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
