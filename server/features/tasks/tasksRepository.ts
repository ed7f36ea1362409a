import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { Window } from '../../domain/window.ts'
import { awaitingStatement, entryFailureStillOn, stillOn } from '../dip/dipFailureRepository.ts'
import { ledByReadOnce } from '../cohorts/cohortsRepository.ts'
import { eachAreasFirst, inAreas, personInAreas } from '../../queries/areas.ts'
import { keptCount } from '../../queries/openItemCounts.ts'

type Db = Kysely<Database>

/** One piece of waiting work as the list needs it: what, whom, since when, due when. */
export type TaskRow = {
  id: string
  person_id: string | null
  surname: string | null
  forenames: string | null
  /** The calendar day the work began to wait (yyyy-mm-dd). */
  since: string
  /** The day the law or the service wants it done by, if either sets one. */
  due: string | null
  detail: string | null
}

type Fragment = RawBuilder<unknown>

/**
 * One kind of waiting work as SQL: the tables its items are read from, the one condition that
 * makes an item wait (the user's areas included), what the list shows of each, and their order:
 * oldest first, the id last, so that every page follows on from the one before.
 */
export type TaskSource = {
  from: Fragment
  where: Fragment
  select: Fragment
  order: Fragment
  /**
   * How many items wait, from a count kept as they change, where the kind has one: the page is
   * then read in order up to its end, not counted through every item (decision 0127).
   */
  total?: Fragment
  /**
   * Where a kind's items lie in each borough's index in the list's order: its items as the page
   * reads them, each borough's read in order only up to the page's end (`upTo`) and merged
   * after, so a page costs its own length a borough. Without it the page sorts every item.
   */
  pageFrom?: (upTo: number) => Fragment
}

/** An item as its kind's condition reads it: the person is named afterwards, for the page's items only. */
export type TaskItem = Omit<TaskRow, 'surname' | 'forenames'>

/** A page of one kind's items and how many wait in all, counted over the same condition. */
export type TaskPage = { rows: TaskItem[]; total: number }

/**
 * A page of `source`'s items, oldest first, with the number of all its items: counted over the
 * same condition (or kept, where the kind keeps it) beside the page, in one statement, so the
 * figure and the list are one snapshot and cannot disagree. The count reads only what the
 * condition needs; what the list shows of an item is worked out for the page's items alone.
 */
export async function taskPage(db: Db, source: TaskSource | null, window: Window): Promise<TaskPage> {
  if (!source) return { rows: [], total: 0 }
  const total = source.total ?? sql`select count(*) from ${source.from} where ${source.where}`
  const result = await sql<Partial<TaskItem> & { total_rows: number }>`
    select k.total_rows, page.*
      from (select (${total})::int as total_rows) k
      left join lateral (
        select ${source.select}
          from ${source.pageFrom ? source.pageFrom(window.offset + window.limit) : source.from}
         where ${source.where}
         order by ${source.order}
         limit ${window.limit} offset ${window.offset}) page on true`.execute(db)
  // A page past the last has no item: the route answers it as not found.
  const rows = result.rows.flatMap(({ total_rows: _total, ...row }) => (row.id ? [row as TaskItem] : []))
  return { rows, total: result.rows[0]?.total_rows ?? 0 }
}

/** The names of the people the page's items are about, read once for the whole page. */
export async function namesOf(db: Db, items: readonly { person_id: string | null }[]) {
  const ids = [...new Set(items.flatMap((item) => (item.person_id ? [item.person_id] : [])))]
  if (ids.length === 0) return new Map<string, { surname: string; forenames: string }>()
  const rows = await db.selectFrom('person').select(['id', 'surname', 'forenames']).where('id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.id, { surname: r.surname, forenames: r.forenames }]))
}

// Each condition reads its items alone: appointments, failures, tests, referrals and CID entries
// carry their person's borough (server/decisions/0123), so counting every waiting item reads no
// person; actions and partner links look their person up by key. A user with no areas has no items.

/** A failure described by its section and day, as "S12 failure of 2026-11-02". */
const failureDetail = sql`upper(f.section::text) || ' failure of ' || f.failure_date::text`
/**
 * A CID entry's failure described, read by its key for the page's entries alone: the conditions
 * read the failure's state from the entry itself (decision 0128).
 */
const entryFailureDetail = sql`(select ${failureDetail} from dip_failure f where f.id = e.failure_id)`
const londonDay = (column: string) => sql.raw(`(${column} at time zone 'Europe/London')::date::text`)

/** The source, unless the user has no areas to read it in. */
const inSomeArea = (areaIds: readonly string[], source: TaskSource): TaskSource | null =>
  areaIds.length === 0 ? null : source

/**
 * A kind read a borough at a time in its list's `order`, from an index holding each borough's
 * items in that order (decisions 0129, 0134): `condition` is what makes an item wait, the
 * user's areas aside. The whole list is the same condition in the areas, sorted.
 */
const readByBorough = (
  areaIds: readonly string[],
  item: { table: keyof Database; alias: string; condition: Fragment; order: Fragment; select: Fragment },
): TaskSource => ({
  select: item.select,
  from: sql`${sql.table(item.table)} ${sql.id(item.alias)}`,
  where: sql`${item.condition} and ${inAreas(item.alias, areaIds)}`,
  order: item.order,
  pageFrom: (upTo) => eachAreasFirst(areaIds, item.table, item.alias, item.condition, item.order, upTo),
})

/**
 * Positive tests since `from` on which no requirement (RA1) has been imposed: the decision awaits.
 * Whether one was imposed is kept on the test by the database (decision 0129).
 */
export const positiveTestsWithoutAssessment = (areaIds: readonly string[], from: Date) =>
  inSomeArea(areaIds, {
    select: sql`t.id, t.person_id, ${londonDay('t.sample_taken_at')} as since, null as due,
      concat_ws(' and ', case when t.opiates = 'positive' then 'opiates' end,
                         case when t.cocaine = 'positive' then 'cocaine' end) as detail`,
    from: sql`drug_test t`,
    where: sql`t.sample_taken_at >= ${from} and not t.refused
      and (t.opiates = 'positive' or t.cocaine = 'positive')
      and not t.requirement_imposed and ${inAreas('t', areaIds)}`,
    order: sql`t.sample_taken_at, t.id`,
  })

/**
 * A day's appointments in the areas, and those still to record, as the report's day tally keeps
 * them at every commit (decision 0125): one row, read from a few tally rows a ward.
 */
export const appointmentDayCounts = (areaIds: readonly string[], day: string) =>
  sql`(select coalesce(sum(dt.appointments), 0)::int as appointments,
              coalesce(sum(dt.appointments_to_record), 0)::int as to_record
         from report_day_tally dt where ${inAreas('dt', areaIds)} and dt.day = ${day}::date)`

/** What the page shows of a kept appointment still to record (`r`), read by its key for the page's rows alone. */
const appointmentToRecordShown = sql`r.appointment_id as id,
  (select a.person_id from appointment a where a.id = r.appointment_id) as person_id,
  ${londonDay('r.scheduled_at')} as since, ${londonDay('r.scheduled_at')} as due,
  (select to_char(a.scheduled_at at time zone 'Europe/London', 'HH24:MI') || ', ' || a.place
     from appointment a where a.id = r.appointment_id) as detail`

/**
 * The day's [dayStart, dayEnd) appointments still open with no attendance recorded (RA3), in time
 * order. Which appointments are still to record is kept by the database, with their borough and
 * time (`appointment_to_record`, decision 0138), so a page reads its own length a borough however
 * much of the day is recorded; how many, from the day tally.
 */
export const appointmentsToRecord = (areaIds: readonly string[], today: string, dayStart: Date, dayEnd: Date) =>
  inSomeArea(areaIds, {
    total: sql`select d.to_record from ${appointmentDayCounts(areaIds, today)} d`,
    ...readByBorough(areaIds, {
      table: 'appointment_to_record',
      alias: 'r',
      condition: sql`r.scheduled_at >= ${dayStart} and r.scheduled_at < ${dayEnd}`,
      order: sql`r.scheduled_at, r.appointment_id`,
      select: appointmentToRecordShown,
    }),
  })

/**
 * Open failures with no statement produced yet: the DIP worker writes it. The condition of the
 * DIP failures list (`failuresAwaitingStatement`), with the row status first for its index, in
 * the order the statements fall due: the time bar, six months after the failure, so the oldest
 * first; each borough's read from the failures still in time (decision 0134). How many, from the
 * home page's kept count of the same condition (decision 0136).
 */
export const failuresAwaitingStatement = (areaIds: readonly string[], today: string) =>
  inSomeArea(areaIds, {
    total: keptCount('failure_awaiting_statement', areaIds, 'from', today),
    ...readByBorough(areaIds, {
      table: 'dip_failure',
      alias: 'f',
      condition: awaitingStatement('f', today),
      order: sql`f.time_bar_date, f.failure_date, f.id`,
      select: sql`f.id, f.person_id, f.failure_date::text as since,
        f.time_bar_date::text as due, upper(f.section::text) || ' failure' as detail`,
    }),
  })

/** Failures whose statement is produced and signed, not yet circulated as wanted (the police's step). */
export const statementsToCirculate = (areaIds: readonly string[], today: string) =>
  inSomeArea(areaIds, {
    select: sql`f.id, f.person_id, f.statement_produced_on::text as since,
      f.time_bar_date::text as due, ${failureDetail} as detail`,
    from: sql`dip_failure f`,
    where: sql`${stillOn('f', 'open', today)} and f.statement_produced_on is not null
      and ${inAreas('f', areaIds)}`,
    order: sql`f.statement_produced_on, f.id`,
  })

/**
 * A CID entry (alias `e`, its failure `f`) that `userId` may countersign: proposed by someone
 * else, for a failure still wanted. The home page's count uses it too, so it counts what this list shows.
 */
export const proposalToCountersign = (e: string, userId: string, today: string) =>
  sql<boolean>`(${sql.ref(`${e}.status`)} = 'proposed' and ${sql.ref(`${e}.proposed_by`)} is distinct from ${userId}::uuid
    and ${entryFailureStillOn(e, 'wanted', today)})`

/**
 * Proposals to hand a person to CID that someone other than `userId` made: theirs to countersign,
 * in the order they were made (decision 0134).
 */
export const proposalsToCountersign = (userId: string, areaIds: readonly string[], today: string) =>
  inSomeArea(
    areaIds,
    readByBorough(areaIds, {
      table: 'cid_entry',
      alias: 'e',
      condition: proposalToCountersign('e', userId, today),
      order: sql`e.proposed_at, e.id`,
      select: sql`e.id, e.person_id, ${londonDay('e.proposed_at')} as since,
        e.failure_time_bar_date::text as due, e.reason as detail`,
    }),
  )

/**
 * Entries suspended from the CID list, or rejected in the last 30 days while the failure is
 * still wanted: for every supervisor of the area, or (with `proposedBy`) the officer who proposed them.
 * The two are read apart, each from its own partial index (decision 0143): a suspended entry waits
 * from its latest suspension, read from its history; a rejected one from its decision (a
 * rejection is final, and `decided_at` is when it was made), so the boroughs' rejections of the
 * month are counted and sorted from the index alone.
 */
export function suspendedOrReturnedEntries(areaIds: readonly string[], today: string, proposedBy?: string) {
  const mine = proposedBy ? sql`and e.proposed_by = ${proposedBy}::uuid` : sql``
  const suspended = sql`e.status = 'suspended' ${mine} and ${inAreas('e', areaIds)}`
  const rejected = sql`e.status = 'rejected' and e.decided_at >= (${today}::date - 30)::timestamp at time zone 'Europe/London'
    and ${entryFailureStillOn('e', 'wanted', today)} ${mine} and ${inAreas('e', areaIds)}`
  return inSomeArea(areaIds, {
    select: sql`e.id, e.person_id, e.since, e.failure_time_bar_date::text as due, e.detail`,
    from: sql`(select e.id, e.person_id, e.failure_time_bar_date, 'suspended' as detail,
                      coalesce((select ${londonDay('max(ev.recorded_at)')} from cid_entry_event ev
                                 where ev.entry_id = e.id and ev.kind = 'suspended'),
                               ${londonDay('coalesce(e.decided_at, e.proposed_at)')}) as since
                 from cid_entry e where ${suspended}
               union all
               select e.id, e.person_id, e.failure_time_bar_date, 'rejected', ${londonDay('e.decided_at')}
                 from cid_entry e where ${rejected}) e`,
    where: sql`true`,
    order: sql`e.since, e.id`,
    total: sql`(select count(*) from cid_entry e where ${suspended}) + (select count(*) from cid_entry e where ${rejected})`,
  })
}

/** People on the CID list whose failure reaches its time bar within `days`: arrest before it is too late. */
export const wantedNearTimeBar = (areaIds: readonly string[], today: string, days: number) =>
  inSomeArea(areaIds, {
    select: sql`e.id, e.person_id, ${londonDay('e.decided_at')} as since,
      e.failure_time_bar_date::text as due, ${entryFailureDetail} as detail`,
    from: sql`cid_entry e`,
    where: sql`e.status = 'countersigned' and ${entryFailureStillOn('e', 'wanted', today)}
      and e.failure_time_bar_date <= ${today}::date + ${days}::int and ${inAreas('e', areaIds)}`,
    order: sql`e.decided_at, e.id`,
  })

/**
 * Referrals awaiting the panel's decision. The condition of the referrals list (`pendingReferrals`),
 * counted from the home page's kept count (decision 0136) and read a borough at a time.
 */
export const pendingReferrals = (areaIds: readonly string[], today: string) =>
  inSomeArea(areaIds, {
    total: keptCount('referral_pending', areaIds, 'from', today),
    ...readByBorough(areaIds, {
      table: 'referral',
      alias: 'r',
      condition: sql`r.status = 'pending'`,
      order: sql`r.referred_at, r.id`,
      select: sql`r.id, r.person_id, ${londonDay('r.referred_at')} as since,
        null as due, r.programme::text as detail`,
    }),
  })

/** Open actions `userId` owns, due before `today`, for people in their areas: the home page's overdue count. */
export const overdueActionsOwnedBy = (userId: string, areaIds: readonly string[], today: string) =>
  inSomeArea(areaIds, {
    select: sql`x.id, x.person_id, x.due_date::text as since,
      x.due_date::text as due, x.description as detail`,
    from: sql`action x`,
    where: sql`x.owner_id = ${userId}::uuid and x.status = 'open' and x.due_date < ${today}::date
      and ${personInAreas('x', areaIds)}`,
    order: sql`x.due_date, x.created_at, x.id`,
  })

/** Open partner case links whose sharing agreement ends within `days`: renew it or close the link. */
export const linksWithAgreementEnding = (areaIds: readonly string[], today: string, days: number) =>
  inSomeArea(areaIds, {
    select: sql`l.id, l.person_id, l.opened_on::text as since, ag.ends_on::text as due,
      upper(l.agency::text) || ' ' || l.reference || ' under ' || ag.name as detail`,
    from: sql`sharing_agreement ag
      join partner_link l on l.agreement_id = ag.id and l.status = 'open'`,
    where: sql`ag.ends_on >= ${today}::date and ag.ends_on <= ${today}::date + ${days}::int and ${personInAreas('l', areaIds)}`,
    order: sql`l.opened_on, l.id`,
  })

/** Sharing agreements in force that end within `days`: the administrator renews or lets them end. */
export const agreementsEnding = (today: string, days: number): TaskSource => ({
  select: sql`ag.id, null as person_id, ag.starts_on::text as since,
    ag.ends_on::text as due, ag.name as detail`,
  from: sql`sharing_agreement ag`,
  where: sql`ag.starts_on <= ${today}::date and ag.ends_on >= ${today}::date
    and ag.ends_on <= ${today}::date + ${days}::int`,
  order: sql`ag.starts_on, ag.id`,
})

/**
 * Arrested and not charged, within `days` of the time bar (MCA 1980 s127), for people `userId`
 * leads: the charge or summons must be laid by then. Since: the day of the arrest.
 */
export const arrestedNearTimeBar = (userId: string, areaIds: readonly string[], today: string, days: number) =>
  inSomeArea(areaIds, {
    select: sql`f.id, f.person_id,
      coalesce((select max(ev.event_date)::text from dip_failure_event ev where ev.failure_id = f.id and ev.kind = 'arrested'),
               f.failure_date::text) as since,
      f.time_bar_date::text as due, ${failureDetail} as detail`,
    from: sql`dip_failure f`,
    where: sql`${stillOn('f', 'arrested', today)}
      and f.time_bar_date <= ${today}::date + ${days}::int and ${inAreas('f', areaIds)}
      and ${ledByReadOnce('f.person_id', userId)}`,
    order: sql`since, f.id`,
  })
