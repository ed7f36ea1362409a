import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'

type Db = Kysely<Database>

export async function insertContact(
  db: Db,
  contact: {
    personId: string
    contactDate: string
    contactType: string
    pathway: string
    note: string
    recordedBy: string
  },
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
  action: {
    personId: string
    description: string
    ownerId: string
    dueDate: string
    pathway: string
    createdBy: string
  },
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
    .select([
      'x.id',
      'x.description',
      'x.due_date',
      'x.pathway',
      'x.version',
      'p.id as person_id',
      'p.surname',
      'p.forenames',
    ])
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

export async function completeActionIfVersion(
  db: Db,
  id: string,
  version: number,
  completedOn: string,
): Promise<boolean> {
  const result = await db
    .updateTable('action')
    .set({ status: 'done', completed_on: completedOn, version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'open')
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}
