import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'

type Db = Kysely<Database>

export type RetentionRules = { reviewYears: number; reviewYearsNeverAdopted: number }

/**
 * A person's review date: the latest retain decision's date if there is one; otherwise the
 * last event on the record plus the period for people adopted onto a cohort, or the shorter
 * one for people never adopted (local rules, from configuration).
 */
function reviewDateSql(rules: RetentionRules) {
  return sql<string>`coalesce(
    (select d.next_review_on from retention_decision d where d.person_id = p.id order by d.decided_at desc limit 1),
    (greatest(
       p.updated_at::date,
       (select max(c.contact_date) from contact c where c.person_id = p.id),
       (select max((t.sample_taken_at at time zone 'Europe/London')::date) from drug_test t where t.person_id = p.id),
       (select max(f.failure_date) from dip_failure f where f.person_id = p.id),
       (select max(e.event_date) from membership_event e join cohort_membership m on m.id = e.membership_id where m.person_id = p.id)
     ) + make_interval(years => case when exists (select 1 from cohort_membership m where m.person_id = p.id)
                                     then ${rules.reviewYears}::int else ${rules.reviewYearsNeverAdopted}::int end))::date
  )`
}

export function reviewQueue(db: Db, areaIds: readonly string[], rules: RetentionRules, today: string, limit: number) {
  if (areaIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('person as p')
    .innerJoin('area as a', 'a.id', 'p.area_id')
    .select(['p.id', 'p.surname', 'p.forenames', 'p.date_of_birth', 'p.pnc_id', 'a.name as area_name', reviewDateSql(rules).as('review_on')])
    .where('p.area_id', 'in', [...areaIds])
    .where(reviewDateSql(rules), '<=', today)
    .orderBy('review_on')
    .limit(limit)
    .execute()
}

export function reviewDateOf(db: Db, personId: string, rules: RetentionRules) {
  return db.selectFrom('person as p').select(reviewDateSql(rules).as('review_on')).where('p.id', '=', personId).executeTakeFirst()
}

export function decisionsOf(db: Db, personId: string) {
  return db
    .selectFrom('retention_decision as d')
    .leftJoin('app_user as u', 'u.id', 'd.decided_by')
    .select(['d.decision', 'd.reason', 'd.next_review_on', 'd.decided_at', 'u.display_name as decided_by_name'])
    .where('d.person_id', '=', personId)
    .orderBy('d.decided_at', 'desc')
    .execute()
}

export async function insertDecision(db: Db, decision: { personId: string; decision: 'retain' | 'dispose'; reason: string; nextReviewOn: string | null; decidedBy: string }) {
  await db
    .insertInto('retention_decision')
    .values({ person_id: decision.personId, decision: decision.decision, reason: decision.reason, next_review_on: decision.nextReviewOn, decided_by: decision.decidedBy })
    .execute()
}

/** Every table that holds a person's data, for the subject access pack (and to prove disposal leaves none). */
export const personTables = [
  ['person_alias', 'person_id'],
  ['person_marker', 'person_id'],
  ['referral', 'person_id'],
  ['cohort_membership', 'person_id'],
  ['contact', 'person_id'],
  ['action', 'person_id'],
  ['drug_test', 'person_id'],
  ['required_assessment', 'person_id'],
  ['appointment', 'person_id'],
  ['dip_failure', 'person_id'],
  ['partner_link', 'person_id'],
  ['cid_entry', 'person_id'],
] as const

/** Erases the person: every row of theirs goes with the person row (the foreign keys cascade). */
export async function deletePerson(db: Db, personId: string): Promise<boolean> {
  const result = await db.deleteFrom('person').where('id', '=', personId).executeTakeFirst()
  return result.numDeletedRows === 1n
}
