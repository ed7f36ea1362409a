import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { movedReferences } from './personReferences.ts'
import { userNameOf } from '../../queries/userName.ts'

type Db = Kysely<Database>

/** How long a combination can be reversed (the 30 days of issue 7), counted by the database's clock. */
export const reversibleDays = 30
const reversibleUntil = sql<Date>`combined_at + make_interval(days => ${reversibleDays})`

/** A record by PNC ID, CRO number or id, in the user's areas and not itself combined away. */
export function findRecordBy(db: Db, areaIds: readonly string[], field: 'pnc_id' | 'cro_number' | 'id', value: string) {
  if (areaIds.length === 0) return Promise.resolve(undefined)
  return db
    .selectFrom('person')
    .select('id')
    .where(field, '=', value)
    .where('combined_into', 'is', null)
    .where('area_id', 'in', [...areaIds])
    .executeTakeFirst()
}

/** Locks both records (in id order, so two combinations of the same pair cannot deadlock). */
export async function lockPeople(db: Db, ids: readonly string[]) {
  return db
    .selectFrom('person')
    .select(['id', 'version', 'combined_into', 'restricted', 'pnc_id', 'cro_number', 'surname', 'forenames'])
    .where('id', 'in', [...ids])
    .orderBy('id')
    .forUpdate()
    .execute()
}

/** Programmes on which both records have a membership that has not ended. */
export async function sharedOpenProgrammes(db: Db, a: string, b: string) {
  const rows = await db
    .selectFrom('cohort_membership as x')
    .innerJoin('cohort_membership as y', (join) => join.onRef('y.programme', '=', 'x.programme'))
    .select('x.programme')
    .where('x.person_id', '=', a)
    .where('y.person_id', '=', b)
    .where('x.status', '<>', 'ended')
    .where('y.status', '<>', 'ended')
    .execute()
  return rows.map((r) => r.programme)
}

/**
 * Different IOM cohorts (Fixed, Flex, Free) that the two records are each on now: combined, the
 * person would be on two at once, which the one-IOM-cohort rule (and its unique index) refuses.
 */
export async function differentOpenIomCohorts(db: Db, a: string, b: string) {
  return db
    .selectFrom('cohort_membership as x')
    .innerJoin('cohort_membership as y', (join) => join.onRef('y.programme', '<>', 'x.programme'))
    .select(['x.programme as kept', 'y.programme as other'])
    .where('x.person_id', '=', a)
    .where('y.person_id', '=', b)
    .where('x.status', '<>', 'ended')
    .where('y.status', '<>', 'ended')
    .where('x.programme', '<>', 'dip')
    .where('y.programme', '<>', 'dip')
    .execute()
}

/** Partner cases (agency and reference) that both records are linked to. */
export async function sharedPartnerCases(db: Db, a: string, b: string) {
  return db
    .selectFrom('partner_link as x')
    .innerJoin('partner_link as y', (join) =>
      join.onRef('y.agency', '=', 'x.agency').on(sql<boolean>`lower(y.reference) = lower(x.reference)`),
    )
    .select(['x.agency', 'x.reference'])
    .where('x.person_id', '=', a)
    .where('y.person_id', '=', b)
    .execute()
}

/** Combinations into this record that can still be reversed. */
export async function reversibleInto(db: Db, survivorId: string) {
  return db
    .selectFrom('person_combination')
    .select('id')
    .where('survivor_id', '=', survivorId)
    .where('reversed_at', 'is', null)
    .where(reversibleUntil, '>', sql<Date>`now()`)
    .execute()
}

/** How many rows of each kind a record holds: one query, for the side-by-side check. */
export async function rowCountsOf(db: Db, personId: string): Promise<Record<string, number>> {
  const counts = movedReferences.map(
    ({ table, column }) =>
      sql`(select count(*) from ${sql.table(table)} where ${sql.ref(column)} = ${personId})::int as ${sql.ref(table)}`,
  )
  const result = await sql<Record<string, number>>`select ${sql.join(counts)}`.execute(db)
  return result.rows[0] ?? {}
}

export async function insertCombination(
  db: Db,
  values: { survivorId: string; mergedId: string; reason: string; userId: string },
) {
  const row = await db
    .insertInto('person_combination')
    .values({
      survivor_id: values.survivorId,
      merged_id: values.mergedId,
      reason: values.reason,
      combined_by: values.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function recordFieldChange(
  db: Db,
  combinationId: string,
  personId: string,
  column: string,
  oldValue: string | null,
  newValue: string | null,
) {
  await db
    .insertInto('person_combination_change')
    .values({
      combination_id: combinationId,
      change: 'field',
      table_name: 'person',
      row_id: personId,
      column_name: column,
      old_value: oldValue,
      new_value: newValue,
    })
    .execute()
}

/** The combinations a record took part in, either way round, newest first, with both names. */
export function combinationsOf(db: Db, personId: string) {
  return db
    .selectFrom('person_combination as c')
    .innerJoin('person as s', 's.id', 'c.survivor_id')
    .innerJoin('person as m', 'm.id', 'c.merged_id')
    .select((eb) => [
      'c.id',
      'c.survivor_id',
      'c.merged_id',
      'c.reason',
      'c.combined_at',
      'c.reversed_at',
      'c.reversal_reason',
      'c.version',
      's.surname as survivor_surname',
      's.forenames as survivor_forenames',
      'm.surname as merged_surname',
      'm.forenames as merged_forenames',
      'm.date_of_birth as merged_date_of_birth',
      userNameOf(eb.ref('c.combined_by')).as('combined_by_name'),
      userNameOf(eb.ref('c.reversed_by')).as('reversed_by_name'),
      reversibleUntil.as('reversible_until'),
      sql<boolean>`c.reversed_at is null and ${reversibleUntil} > now()`.as('reversible'),
    ])
    .where((eb) => eb.or([eb('c.survivor_id', '=', personId), eb('c.merged_id', '=', personId)]))
    .orderBy('c.combined_at', 'desc')
    .execute()
}

export type CombinationRow = Awaited<ReturnType<typeof combinationsOf>>[number]

export function lockCombination(db: Db, id: string) {
  return db
    .selectFrom('person_combination')
    .select([
      'id',
      'survivor_id',
      'merged_id',
      'version',
      'reversed_at',
      sql<boolean>`${reversibleUntil} > now()`.as('within_window'),
    ])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
}

export function changesOf(db: Db, combinationId: string) {
  return db.selectFrom('person_combination_change').selectAll().where('combination_id', '=', combinationId).execute()
}

/**
 * Marks the merged record as combined into the survivor (or, with null, no longer combined), and
 * changes both records' versions: a form open on either is then stale.
 */
export async function setCombinedInto(db: Db, survivorId: string, mergedId: string, combinedInto: string | null) {
  await db
    .updateTable('person')
    .set({ combined_into: combinedInto, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', mergedId)
    .execute()
  await db
    .updateTable('person')
    .set({ version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', survivorId)
    .execute()
}
