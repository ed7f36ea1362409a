import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { personIdentityColumns } from '../people/personColumns.ts'
import { sealAuditLog } from '../audit/auditRepository.ts'
import { userNameOf } from '../../queries/userName.ts'

type Db = Kysely<Database>

export type RetentionRules = { reviewYears: number; reviewYearsNeverAdopted: number }

const londonDay = (column: string) => sql.raw(`(${column} at time zone 'Europe/London')::date`)

/**
 * A person's review date: the latest retain decision's date if there is one; otherwise the
 * last event on the record plus the period for people adopted onto a cohort, or the shorter
 * one for people never adopted (local rules, from configuration). Every kind of event counts:
 * a referral, partner case, action, appointment or CID entry last month is a live record.
 * Each is one lookup on an index that leads with the person's id.
 */
function reviewDateSql(rules: RetentionRules) {
  return sql<string>`coalesce(
    (select d.next_review_on from retention_decision d where d.person_id = p.id order by d.decided_at desc limit 1),
    (greatest(
       p.updated_at::date,
       (select max(c.contact_date) from contact c where c.person_id = p.id),
       (select max(${londonDay('t.sample_taken_at')}) from drug_test t where t.person_id = p.id),
       (select max(f.failure_date) from dip_failure f where f.person_id = p.id),
       (select max(e.event_date) from membership_event e join cohort_membership m on m.id = e.membership_id where m.person_id = p.id),
       (select max(greatest(${londonDay('r.referred_at')}, ${londonDay('r.decided_at')})) from referral r where r.person_id = p.id),
       (select max(greatest(l.opened_on, l.closed_on, ${londonDay('l.created_at')})) from partner_link l where l.person_id = p.id),
       (select max(${londonDay('x.changed_at')}) from partner_link_change x join partner_link l on l.id = x.link_id where l.person_id = p.id),
       (select max(greatest(${londonDay('a.created_at')}, a.completed_on)) from action a where a.person_id = p.id),
       (select max(${londonDay('a.scheduled_at')}) from appointment a where a.person_id = p.id),
       (select max(greatest(${londonDay('e.proposed_at')}, ${londonDay('e.decided_at')})) from cid_entry e where e.person_id = p.id)
     ) + make_interval(years => case when exists (select 1 from cohort_membership m where m.person_id = p.id)
                                     then ${rules.reviewYears}::int else ${rules.reviewYearsNeverAdopted}::int end))::date
  )`
}

/**
 * Who can be due for review at all: a person with a decision (its date stands), or one whose own
 * record was last changed at least the shorter period ago, since every review date without a
 * decision is at least that long after it (a week's margin for leap days and time zones). The
 * review date itself reads a dozen tables a person; this reads two indexes, so the queue reads
 * the few candidates, not every person of the areas.
 */
function mayBeDue(areaIds: readonly string[], rules: RetentionRules, today: string) {
  const shorter = Math.min(rules.reviewYears, rules.reviewYearsNeverAdopted)
  return sql<boolean>`p.id in (
    select c.id from person c
     where c.area_id = any(${sql.val([...areaIds])}::uuid[]) and c.combined_into is null
       and c.updated_at < (${today}::date + 7 - make_interval(years => ${shorter}::int))::date
    union all
    select d.person_id from retention_decision d)`
}

export function reviewQueue(db: Db, areaIds: readonly string[], rules: RetentionRules, today: string, limit: number) {
  if (areaIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('person as p')
    .innerJoin('area as a', 'a.id', 'p.area_id')
    .select(['p.id', ...personIdentityColumns, 'a.name as area_name', reviewDateSql(rules).as('review_on')])
    .where('p.area_id', 'in', [...areaIds])
    .where('p.combined_into', 'is', null)
    .where(mayBeDue(areaIds, rules, today))
    .where(reviewDateSql(rules), '<=', today)
    .orderBy('review_on')
    .limit(limit)
    .execute()
}

export function reviewDateOf(db: Db, personId: string, rules: RetentionRules) {
  return db
    .selectFrom('person as p')
    .select(reviewDateSql(rules).as('review_on'))
    .where('p.id', '=', personId)
    .executeTakeFirst()
}

export function decisionsOf(db: Db, personId: string) {
  return db
    .selectFrom('retention_decision as d')
    .select((eb) => [
      'd.decision',
      'd.reason',
      'd.next_review_on',
      'd.decided_at',
      userNameOf(eb.ref('d.decided_by')).as('decided_by_name'),
    ])
    .where('d.person_id', '=', personId)
    .orderBy('d.decided_at', 'desc')
    .execute()
}

export async function insertDecision(
  db: Db,
  decision: {
    personId: string
    decision: 'retain' | 'dispose'
    reason: string
    nextReviewOn: string | null
    decidedBy: string
  },
) {
  await db
    .insertInto('retention_decision')
    .values({
      person_id: decision.personId,
      decision: decision.decision,
      reason: decision.reason,
      next_review_on: decision.nextReviewOn,
      decided_by: decision.decidedBy,
    })
    .execute()
}

/**
 * Earlier decisions outlive the person they were about: their facts stay (what, when, by whom,
 * the next review), their words go with the record, since a reason may name or describe the person.
 */
export async function eraseEarlierReasons(db: Db, personId: string) {
  await db
    .updateTable('retention_decision')
    .set({ reason: 'Reason erased with the record' })
    .where('person_id', '=', personId)
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

/** How many rows of each table a person has, for the erasure's audit row. */
export async function rowCountsOf(db: Db, personId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const [table, column] of personTables) {
    const row = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}
      where ${sql.ref(column)} = ${personId}`.execute(db)
    counts[table] = row.rows[0]?.n ?? 0
  }
  return counts
}

/** Tables that hold a person's rows through a parent row: the table, its parent, the column naming the parent. */
const personChildTables = [
  ['membership_event', 'cohort_membership', 'membership_id'],
  ['drug_test_confirmation', 'drug_test', 'drug_test_id'],
  ['appointment_change', 'appointment', 'appointment_id'],
  ['attendance', 'appointment', 'appointment_id'],
  ['dip_failure_event', 'dip_failure', 'failure_id'],
  ['partner_link_change', 'partner_link', 'link_id'],
  ['cid_entry_event', 'cid_entry', 'entry_id'],
] as const

type Rows = Record<string, unknown>[]

/** Everything held about a person, table by table, for a subject access request or a disclosure pack. */
export async function heldAbout(db: Db, personId: string): Promise<Record<string, Rows>> {
  const sections: Record<string, Rows> = {}
  const read = async (label: string, query: ReturnType<typeof sql<Record<string, unknown>>>) => {
    sections[label] = (await query.execute(db)).rows
  }
  for (const [table, column] of personTables) {
    await read(table, sql`select * from ${sql.table(table)} where ${sql.ref(column)} = ${personId}`)
  }
  for (const [table, parent, column] of personChildTables) {
    await read(
      table,
      sql`select c.* from ${sql.table(table)} c join ${sql.table(parent)} p on p.id = ${sql.ref(`c.${column}`)}
           where p.person_id = ${personId}`,
    )
  }
  // The photograph's record, not its bytes: the pack notes that one is held (it can be sent apart).
  await read(
    'person_photo',
    sql`select id, person_id, width, height, octet_length(image) as bytes, uploaded_by, uploaded_at from person_photo where person_id = ${personId}`,
  )
  await read('retention_decision', sql`select * from retention_decision where person_id = ${personId}`)
  await read(
    'person_combination',
    sql`select * from person_combination where survivor_id = ${personId} or merged_id = ${personId} order by combined_at`,
  )
  // The log covers the records combined into this one too: what was seen of them is this person's.
  // Sealed first, so the latest consultations are in it.
  await sealAuditLog(db)
  await read(
    'access_log',
    sql`select occurred_at, category, event, actor_username, purpose, recipients from audit_event
         where person_id = ${personId}
            or person_id in (select merged_id from person_combination where survivor_id = ${personId} and reversed_at is null)
         order by id`,
  )
  return sections
}

/** Erases the person: every row of theirs goes with the person row (the foreign keys cascade). */
export async function deletePerson(db: Db, personId: string): Promise<boolean> {
  const result = await db.deleteFrom('person').where('id', '=', personId).executeTakeFirst()
  return result.numDeletedRows === 1n
}
