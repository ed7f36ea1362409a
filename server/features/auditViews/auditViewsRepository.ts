import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { AuditCategory, Database } from '../../../db/types.ts'

type Db = Kysely<Database>

export type AuditFilters = {
  from?: string | null | undefined
  to?: string | null | undefined
  category?: AuditCategory | undefined
}

const columns = [
  'a.id',
  'a.occurred_at',
  'a.category',
  'a.event',
  'a.actor_user_id',
  'a.actor_username',
  'a.entity_type',
  'a.entity_id',
  'a.person_id',
  'a.purpose',
  'a.recipients',
  'a.request_id',
  'a.client_request_id',
  'a.ip',
] as const

/**
 * Whose rows: a person's (the route has checked that the person is in the reader's areas), or
 * a user's as the reader may see them: rows naming no person, and rows naming a person in the
 * reader's areas. A row about anyone else (another borough, or a record since erased, whose area
 * is no longer known) is left out, not blanked: its purpose and recipients name that person too.
 */
export type AuditSubject = { personId: string } | { actorUserId: string; readerAreaIds: readonly string[] }

const areaList = (areaIds: readonly string[]) => sql`${sql.val([...areaIds])}::uuid[]`

// For a page of rows, one primary-key probe per row read.
const personInAreas = (areaIds: readonly string[]) =>
  sql<boolean>`(a.person_id is null or exists (select 1 from person p where p.id = a.person_id and p.area_id = any(${areaList(areaIds)})))`

// For counting a period's rows, one hash of the reader's people, built once (a hashed subplan).
const personAmong = (areaIds: readonly string[]) =>
  sql<boolean>`(a.person_id is null or a.person_id in (select p.id from person p where p.area_id = any(${areaList(areaIds)})))`

/** The rows' London days from and to, inclusive, as conditions on the log's time. */
function withinDays(alias: 'a' | 'b', { from, to }: AuditFilters): RawBuilder<boolean>[] {
  const time = sql.ref(`${alias}.occurred_at`)
  return [
    ...(from ? [sql<boolean>`${time} >= (${from}::date)::timestamp at time zone 'Europe/London'`] : []),
    ...(to ? [sql<boolean>`${time} < ((${to}::date + 1)::timestamp at time zone 'Europe/London')`] : []),
  ]
}

/**
 * Audit rows newest first, by keyset on id (the chain order), so a page is an index range scan
 * whatever the size of the log: by person (audit_event_person_idx) or by actor (audit_event_actor_idx;
 * within dates, audit_event_actor_time_idx). The one query behind both a page and its CSV: the
 * page passes a keyset and its size, the CSV only its cap, so the two cannot be scoped apart.
 */
export function auditRows(
  db: Db,
  by: AuditSubject,
  filters: AuditFilters,
  page: { beforeId?: number | undefined; limit: number },
) {
  let query = db.selectFrom('audit_event as a').select(columns)
  query =
    'personId' in by
      ? query.where('a.person_id', '=', by.personId)
      : query.where('a.actor_user_id', '=', by.actorUserId).where(personInAreas(by.readerAreaIds))
  if (filters.category) query = query.where('a.category', '=', filters.category)
  for (const condition of withinDays('a', filters)) query = query.where(condition)
  if (page.beforeId !== undefined) query = query.where('a.id', '<', page.beforeId)
  if ('actorUserId' in by && (filters.from || filters.to)) {
    // A busy user's rows within dates: left to itself the planner walks the log backwards by id
    // from the newest row, filtering on the time (a second at 10,000,000 rows for a period months
    // back). The lowest and highest ids of their rows in the period come from
    // audit_event_actor_time_idx alone; every row the filters keep lies between them, so the
    // bound changes no answer and the scan starts where the period does. (b.id + 0 keeps the
    // planner from answering min and max by that same backward walk.)
    const bound = (fn: 'min' | 'max') => {
      let period = db
        .selectFrom('audit_event as b')
        .select(sql<number>`${sql.raw(fn)}(b.id + 0)`.as('id'))
        .where('b.actor_user_id', '=', by.actorUserId)
      for (const condition of withinDays('b', filters)) period = period.where(condition)
      return period
    }
    query = query.where('a.id', '>=', bound('min')).where('a.id', '<=', bound('max'))
  }
  return query.orderBy('a.id', 'desc').limit(page.limit).execute()
}

export type AuditRow = Awaited<ReturnType<typeof auditRows>>[number]

/** A user's activity counted by day and kind: the overview before the rows, over the same rows the reader may see. */
export function activityByDay(
  db: Db,
  by: { actorUserId: string; readerAreaIds: readonly string[] },
  filters: AuditFilters,
) {
  let query = db
    .selectFrom('audit_event as a')
    .select([
      // A date cast, not to_char: the same 'YYYY-MM-DD' (dates come back as text) at a fraction of the cost per row.
      sql<string>`(a.occurred_at at time zone 'Europe/London')::date`.as('day'),
      'a.category',
      sql<number>`count(*)::int`.as('n'),
    ])
    .where('a.actor_user_id', '=', by.actorUserId)
    .where(personAmong(by.readerAreaIds))
  for (const condition of withinDays('a', filters)) query = query.where(condition)
  return query.groupBy(['day', 'a.category']).orderBy('day', 'desc').limit(2000).execute()
}

/** Names for the people in a page of audit rows, in the reader's areas only (disposed people have none). */
export function namesOf(db: Db, personIds: readonly string[], areaIds: readonly string[]) {
  if (personIds.length === 0 || areaIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('person')
    .select(['id', 'surname', 'forenames'])
    .where('id', 'in', [...personIds])
    .where('area_id', 'in', [...areaIds])
    .execute()
}
