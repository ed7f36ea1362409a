import { sql, type Kysely } from 'kysely'
import { compiledOnce } from '../../../db/compiledOnce.ts'
import type { Database } from '../../../db/types.ts'

type Db = Kysely<Database>

export async function insertContact(
  db: Db,
  contact: { personId: string; contactDate: string; contactType: string; pathway: string; note: string; recordedBy: string },
): Promise<string> {
  const row = await db
    .insertInto('contact')
    .values({
      person_id: contact.personId,
      contact_date: contact.contactDate,
      contact_type: contact.contactType,
      pathway: contact.pathway,
      note: contact.note,
      recorded_by: contact.recordedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function insertAction(
  db: Db,
  action: { personId: string; description: string; ownerId: string; dueDate: string; pathway: string; createdBy: string },
): Promise<string> {
  const row = await db
    .insertInto('action')
    .values({
      person_id: action.personId,
      description: action.description,
      owner_id: action.ownerId,
      due_date: action.dueDate,
      pathway: action.pathway,
      created_by: action.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** My open actions, overdue first (the earliest due date is the most overdue). */
export function openActionsOwnedBy(db: Db, userId: string, areaIds: readonly string[], limit: number) {
  if (areaIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('action as x')
    .innerJoin('person as p', 'p.id', 'x.person_id')
    .select(['x.id', 'x.description', 'x.due_date', 'x.pathway', 'x.version', 'p.id as person_id', 'p.surname', 'p.forenames'])
    .where('x.owner_id', '=', userId)
    .where('x.status', '=', 'open')
    .where('p.area_id', 'in', [...areaIds])
    .orderBy('x.due_date')
    .orderBy('x.created_at')
    .limit(limit)
    .execute()
}

export function findAction(db: Db, id: string, areaIds: readonly string[]) {
  if (areaIds.length === 0) return Promise.resolve(undefined)
  return db
    .selectFrom('action as x')
    .innerJoin('person as p', 'p.id', 'x.person_id')
    .select(['x.id', 'x.person_id', 'x.owner_id', 'x.status', 'x.version'])
    .where('x.id', '=', id)
    .where('p.area_id', 'in', [...areaIds])
    .executeTakeFirst()
}

export async function completeActionIfVersion(db: Db, id: string, version: number, completedOn: string): Promise<boolean> {
  const result = await db
    .updateTable('action')
    .set({ status: 'done', completed_on: completedOn, version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'open')
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function activeCodes(db: Db, table: 'contact_type' | 'marker_type' | 'deselection_reason' | 'referral_source') {
  return db.selectFrom(table).select(['code', 'label']).where('active', '=', true).orderBy('sort_order').execute()
}

const wardsStatement = compiledOnce({ areaIds: [] as readonly string[], onDate: '' }, (db, { areaIds, onDate }) =>
  db
    .selectFrom('ward as w')
    .innerJoin('area as a', 'a.id', 'w.borough_id')
    .select(['w.id', 'w.name', 'a.name as borough_name', 'w.valid_from', 'w.valid_to'])
    .where(sql<boolean>`w.borough_id = any(${sql.val([...areaIds])}::uuid[])`)
    .where('w.valid_from', '<=', onDate)
    .where((eb) => eb.or([eb('w.valid_to', 'is', null), eb('w.valid_to', '>=', onDate)]))
    .orderBy('a.name')
    .orderBy('w.name'),
)

/** The wards of the given boroughs on a day. Every list with a ward filter asks, so compiled once. */
export async function wardsOfAreas(db: Db, areaIds: readonly string[], onDate: string) {
  if (areaIds.length === 0) return []
  return (await db.executeQuery(wardsStatement(db, { areaIds, onDate }))).rows
}

const boroughsStatement = compiledOnce({ areaIds: [] as readonly string[] }, (db, { areaIds }) =>
  db
    .selectFrom('area')
    .select(['id', 'name'])
    .where('kind', '=', 'borough')
    .where(sql<boolean>`id = any(${sql.val([...areaIds])}::uuid[])`)
    .orderBy('name'),
)

export async function boroughsIn(db: Db, areaIds: readonly string[]) {
  if (areaIds.length === 0) return []
  return (await db.executeQuery(boroughsStatement(db, { areaIds }))).rows
}
