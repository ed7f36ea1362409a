import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely'
import type { Database, RetentionBasisTable } from '../../../db/types.ts'
import { personIdentityColumns } from '../people/personColumns.ts'
import { sealAuditLog } from '../audit/auditRepository.ts'
import { userNameOf } from '../../queries/userName.ts'
import { eachAreasFirst, inAreas } from '../../queries/areas.ts'

type Db = Kysely<Database>

export type RetentionRules = { reviewYears: number; reviewYearsNeverAdopted: number }

/**
 * A person's review date: the latest retain decision's date if there is one; otherwise the last
 * event on the record plus the period for people adopted onto a cohort, or the shorter one for
 * people never adopted (local rules, from configuration). What counts as an event, and which
 * decision is the latest, is the database's retention_basis_of (migration 20261206T0100), kept
 * per person in retention_basis as the record changes (server/decisions/0124).
 */
function reviewOnSql(rules: RetentionRules) {
  return sql<string>`coalesce(b.decided_review_on, (b.last_on + make_interval(years =>
    case when b.adopted then ${rules.reviewYears}::int else ${rules.reviewYearsNeverAdopted}::int end))::date)`
}

/**
 * Due for review on `today`, as three ranges of the basis, one index each (decision 0130): decided
 * reviews by their date, and the undecided by their last event, the adopted and the never-adopted
 * apart since each has its own period. A range's bound is a day later than `today` less the period
 * (the 29th of February plus whole years may fall on the 28th); within it, the last event plus
 * the range's period (the rule of reviewOnSql for that range) decides.
 */
function dueRanges(rules: RetentionRules, today: string) {
  const undecided = (who: RawBuilder<boolean>, years: number) => ({
    where: sql<boolean>`b.decided_review_on is null and ${who}
      and b.last_on <= (${today}::date - make_interval(years => ${years}::int))::date + 1
      and (b.last_on + make_interval(years => ${years}::int))::date <= ${today}::date`,
    order: sql`b.last_on, b.person_id`,
  })
  return [
    {
      where: sql<boolean>`b.decided_review_on is not null and b.decided_review_on <= ${today}::date`,
      order: sql`b.decided_review_on, b.person_id`,
    },
    undecided(sql`b.adopted`, rules.reviewYears),
    undecided(sql`not b.adopted`, rules.reviewYearsNeverAdopted),
  ]
}

/**
 * The list's order: review date, then the date it runs from, then the person. Within each range
 * that is the order of the range's index (the review date never falls as its basis rises), so
 * each range is read in order only up to a page's end and the three are merged.
 */
const dueOrder = (rules: RetentionRules) =>
  sql`${reviewOnSql(rules)}, coalesce(b.decided_review_on, b.last_on), b.person_id`

/** The basis rows due, each range of each area read in order only up to `upTo`: a FROM item for `.as('b')`. */
function dueFirst(areaIds: readonly string[], rules: RetentionRules, today: string, upTo: number) {
  const reads = dueRanges(rules, today).map(
    (range) => sql`select b.* from ${eachAreasFirst(areaIds, 'retention_basis', 'b', range.where, range.order, upTo)}`,
  )
  return sql<Selectable<RetentionBasisTable>>`(${sql.join(reads, sql` union all `)})`
}

/**
 * The people due for review, earliest first, as a task list source reads them (see taskPage):
 * the basis alone, so that counting them reads no person (a combined record has no basis row).
 * Counted range by range, each from its index's entries alone.
 */
export function reviewsDueSource(areaIds: readonly string[], rules: RetentionRules, today: string) {
  const ranges = dueRanges(rules, today)
  const counts = ranges.map(
    (range) => sql`(select count(*) from retention_basis b where ${inAreas('b', areaIds)} and ${range.where})`,
  )
  const area = sql`join area a on a.id = b.area_id`
  return {
    from: sql`retention_basis b ${area}`,
    where: sql`${inAreas('b', areaIds)} and (${sql.join(
      ranges.map((range) => sql`(${range.where})`),
      sql` or `,
    )})`,
    total: sql.join(counts, sql` + `),
    pageFrom: (upTo: number) => sql`${dueFirst(areaIds, rules, today, upTo)} b ${area}`,
    select: sql`b.person_id as id, b.person_id, ${reviewOnSql(rules)}::text as since, ${reviewOnSql(rules)}::text as due, a.name as detail`,
    order: dueOrder(rules),
  }
}

/** The first `limit` people due for review, earliest first, each named. */
export function reviewQueue(db: Db, areaIds: readonly string[], rules: RetentionRules, today: string, limit: number) {
  if (areaIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom(dueFirst(areaIds, rules, today, limit).as('b'))
    .innerJoin('person as p', 'p.id', 'b.person_id')
    .innerJoin('area as a', 'a.id', 'b.area_id')
    .select(['p.id', ...personIdentityColumns, 'a.name as area_name', reviewOnSql(rules).as('review_on')])
    .orderBy(dueOrder(rules))
    .limit(limit)
    .execute()
}

/**
 * A person's review date and last event as the rule works them out now, from the case tables
 * themselves (retention_basis_of), not from the kept basis: what a disposal is decided on.
 */
export function disposalBasisOf(db: Db, personId: string, rules: RetentionRules) {
  return sql<{ review_on: string; last_on: string }>`
    select ${reviewOnSql(rules)}::text as review_on, b.last_on::text as last_on
      from retention_basis_of(array[${personId}]::uuid[]) b`
    .execute(db)
    .then((result) => result.rows[0])
}

export function reviewDateOf(db: Db, personId: string, rules: RetentionRules) {
  return db
    .selectFrom('retention_basis as b')
    .select([reviewOnSql(rules).as('review_on'), sql<string>`b.last_on::text`.as('last_on')])
    .where('b.person_id', '=', personId)
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
