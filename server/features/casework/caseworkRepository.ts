import { sql, type Kysely } from 'kysely'
import type { ContactOutcome, Database } from '../../../db/types.ts'
import type { Window } from '../../domain/window.ts'
import { personLinkColumns } from '../people/personColumns.ts'
import { statusStillIn, updateIfVersion } from '../../queries/updateIfVersion.ts'
import { userNameOf } from '../../queries/userName.ts'

type Db = Kysely<Database>

export async function insertContact(
  db: Db,
  contact: {
    personId: string
    contactDate: string
    contactType: string
    pathway: string
    note: string
    outcome: ContactOutcome
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
      outcome: contact.outcome,
      recorded_by: contact.recordedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * A person's contacts, newest first, with what each row shows. The id breaks ties, so that a page
 * of the history never repeats or skips a contact. contact_person_idx (person_id, contact_date
 * desc, recorded_at desc) reads them in this order.
 */
function contactsOf(db: Db, personId: string) {
  return db
    .selectFrom('contact as c')
    .innerJoin('contact_type as t', 't.code', 'c.contact_type')
    .select((eb) => [
      'c.id',
      'c.contact_date',
      't.label as type_label',
      'c.pathway',
      'c.outcome',
      'c.note',
      userNameOf(eb.ref('c.recorded_by')).as('recorded_by_name'),
    ])
    .where('c.person_id', '=', personId)
    .orderBy('c.contact_date', 'desc')
    .orderBy('c.recorded_at', 'desc')
    .orderBy('c.id', 'desc')
}

/**
 * The person page's latest contacts, each carrying how many the person has in all: the link to
 * the history says so without a statement of its own (the page reads its panels in one).
 */
export function recentContactsQuery(db: Db, personId: string, limit: number) {
  return contactsOf(db, personId)
    .select(sql<number>`(count(*) over ())::int`.as('total_contacts'))
    .limit(limit)
}

/** `%`, `_` and `\` stand for themselves in the words searched for, not for LIKE's wildcards. */
const likePattern = (words: string) => `%${words.replace(/[\\%_]/g, '\\$&')}%`

/**
 * One page of a person's contact history, filtered, each row carrying how many match in all.
 * Bounded by the person: the filters and the text search read only their contacts.
 */
export function contactHistory(
  db: Db,
  personId: string,
  filters: { type?: string; from?: string; to?: string; text?: string },
  window: Window,
) {
  let query = contactsOf(db, personId).select(sql<number>`(count(*) over ())::int`.as('total_rows'))
  if (filters.type) query = query.where('c.contact_type', '=', filters.type)
  if (filters.from) query = query.where('c.contact_date', '>=', filters.from)
  if (filters.to) query = query.where('c.contact_date', '<=', filters.to)
  if (filters.text) query = query.where('c.note', 'ilike', likePattern(filters.text))
  return query.limit(window.limit).offset(window.offset).execute()
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

/** My open actions, overdue first (the earliest due date is the most overdue); with `dueOn`, those due that day only. */
export function openActionsOwnedBy(db: Db, userId: string, areaIds: readonly string[], limit: number, dueOn?: string) {
  if (areaIds.length === 0) return Promise.resolve([])
  const query = db
    .selectFrom('action as x')
    .innerJoin('person as p', 'p.id', 'x.person_id')
    .select(['x.id', 'x.description', 'x.due_date', 'x.pathway', 'x.version', ...personLinkColumns])
    .where('x.owner_id', '=', userId)
    .where('x.status', '=', 'open')
    .where('p.area_id', 'in', [...areaIds])
  return (dueOn === undefined ? query : query.where('x.due_date', '=', dueOn))
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

export const completeActionIfVersion = (db: Db, id: string, version: number, completedOn: string) =>
  updateIfVersion(db, 'action', { id, version }, { status: 'done', completed_on: completedOn }, statusStillIn(['open']))
