import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { statusOn } from '../dip/dipFailureRepository.ts'
import { ledBy } from '../cohorts/cohortsRepository.ts'

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

// Each query starts from the partial or range index of its own test, so it reads the few waiting
// rows, then looks up their person for the area; each stops at `limit`.

const inAreas = (areaIds: readonly string[]) => sql`p.area_id = any(${sql.val([...areaIds])}::uuid[])`
/** A failure described by its section and day, as "S12 failure of 2026-11-02". */
const failureDetail = sql`upper(f.section::text) || ' failure of ' || f.failure_date::text`
const londonDay = (column: string) => sql.raw(`(${column} at time zone 'Europe/London')::date::text`)

async function rows(db: Db, areaIds: readonly string[], query: ReturnType<typeof sql<TaskRow>>) {
  if (areaIds.length === 0) return []
  return (await query.execute(db)).rows
}

/** Positive tests since `from` on which no requirement (RA1) has been imposed: the decision awaits. */
export function positiveTestsWithoutAssessment(db: Db, areaIds: readonly string[], from: Date, limit: number) {
  return rows(
    db,
    areaIds,
    sql<TaskRow>`
      select t.id, p.id as person_id, p.surname, p.forenames, ${londonDay('t.sample_taken_at')} as since, null as due,
             concat_ws(' and ', case when t.opiates = 'positive' then 'opiates' end,
                                case when t.cocaine = 'positive' then 'cocaine' end) as detail
        from drug_test t join person p on p.id = t.person_id
       where t.sample_taken_at >= ${from} and not t.refused
         and (t.opiates = 'positive' or t.cocaine = 'positive')
         and not exists (select 1 from required_assessment ra where ra.drug_test_id = t.id)
         and ${inAreas(areaIds)}
       order by t.sample_taken_at, t.id
       limit ${limit}`,
  )
}

/** Today's appointments, still open, with no attendance recorded (RA3). */
export function appointmentsToRecord(db: Db, areaIds: readonly string[], dayStart: Date, dayEnd: Date, limit: number) {
  return rows(
    db,
    areaIds,
    sql<TaskRow>`
      select a.id, p.id as person_id, p.surname, p.forenames, ${londonDay('a.scheduled_at')} as since,
             ${londonDay('a.scheduled_at')} as due,
             to_char(a.scheduled_at at time zone 'Europe/London', 'HH24:MI') || ', ' || a.place as detail
        from appointment a join person p on p.id = a.person_id
       where a.scheduled_at >= ${dayStart} and a.scheduled_at < ${dayEnd} and a.closed_on is null
         and not exists (select 1 from attendance at where at.appointment_id = a.id)
         and ${inAreas(areaIds)}
       order by a.scheduled_at, a.id
       limit ${limit}`,
  )
}

/** Failures whose statement is produced and signed, not yet circulated as wanted (the police's step). */
export function statementsToCirculate(db: Db, areaIds: readonly string[], today: string, limit: number) {
  return rows(
    db,
    areaIds,
    sql<TaskRow>`
      select f.id, p.id as person_id, p.surname, p.forenames, f.statement_produced_on::text as since,
             f.time_bar_date::text as due, ${failureDetail} as detail
        from dip_failure f join person p on p.id = f.person_id
       where f.status = 'open' and ${statusOn('f', today)} = 'open' and f.statement_produced_on is not null
         and ${inAreas(areaIds)}
       order by f.statement_produced_on, f.id
       limit ${limit}`,
  )
}

/**
 * A CID entry (alias `e`, its failure `f`) that `userId` may countersign: proposed by someone
 * else, for a failure still wanted. The home page's count uses it too, so it counts what this list shows.
 */
export const proposalToCountersign = (e: string, f: string, userId: string, today: string) =>
  sql<boolean>`(${sql.ref(`${e}.status`)} = 'proposed' and ${sql.ref(`${e}.proposed_by`)} is distinct from ${userId}::uuid
    and ${statusOn(f, today)} = 'wanted')`

/** Proposals to hand a person to CID that someone other than `userId` made: theirs to countersign. */
export function proposalsToCountersign(
  db: Db,
  userId: string,
  areaIds: readonly string[],
  today: string,
  limit: number,
) {
  return rows(
    db,
    areaIds,
    sql<TaskRow>`
      select e.id, p.id as person_id, p.surname, p.forenames, ${londonDay('e.proposed_at')} as since,
             f.time_bar_date::text as due, e.reason as detail
        from cid_entry e join dip_failure f on f.id = e.failure_id join person p on p.id = e.person_id
       where ${proposalToCountersign('e', 'f', userId, today)} and ${inAreas(areaIds)}
       order by e.proposed_at, e.id
       limit ${limit}`,
  )
}

/**
 * Entries suspended from the CID list, or rejected in the last 30 days while the failure is
 * still wanted: for every supervisor of the area, or (with `proposedBy`) the officer who proposed them.
 */
export function suspendedOrReturnedEntries(
  db: Db,
  areaIds: readonly string[],
  today: string,
  limit: number,
  proposedBy?: string,
) {
  const mine = proposedBy ? sql`and e.proposed_by = ${proposedBy}::uuid` : sql``
  return rows(
    db,
    areaIds,
    sql<TaskRow>`
      select e.id, p.id as person_id, p.surname, p.forenames,
             coalesce((select ${londonDay('max(ev.recorded_at)')} from cid_entry_event ev
                        where ev.entry_id = e.id and ev.kind = e.status::text),
                      ${londonDay('coalesce(e.decided_at, e.proposed_at)')}) as since,
             f.time_bar_date::text as due, e.status::text as detail
        from cid_entry e join dip_failure f on f.id = e.failure_id join person p on p.id = e.person_id
       where (e.status = 'suspended'
              or (e.status = 'rejected' and e.decided_at >= (${today}::date - 30)::timestamp at time zone 'Europe/London'
                  and ${statusOn('f', today)} = 'wanted'))
         ${mine} and ${inAreas(areaIds)}
       order by since, e.id
       limit ${limit}`,
  )
}

/** People on the CID list whose failure reaches its time bar within `days`: arrest before it is too late. */
export function wantedNearTimeBar(db: Db, areaIds: readonly string[], today: string, days: number, limit: number) {
  return rows(
    db,
    areaIds,
    sql<TaskRow>`
      select e.id, p.id as person_id, p.surname, p.forenames, ${londonDay('e.decided_at')} as since,
             f.time_bar_date::text as due, ${failureDetail} as detail
        from cid_entry e join dip_failure f on f.id = e.failure_id join person p on p.id = e.person_id
       where e.status = 'countersigned' and ${statusOn('f', today)} = 'wanted'
         and f.time_bar_date <= ${today}::date + ${days}::int and ${inAreas(areaIds)}
       order by f.time_bar_date, e.id
       limit ${limit}`,
  )
}

/** Open partner case links whose sharing agreement ends within `days`: renew it or close the link. */
export function linksWithAgreementEnding(
  db: Db,
  areaIds: readonly string[],
  today: string,
  days: number,
  limit: number,
) {
  return rows(
    db,
    areaIds,
    sql<TaskRow>`
      select l.id, p.id as person_id, p.surname, p.forenames, l.opened_on::text as since, ag.ends_on::text as due,
             upper(l.agency::text) || ' ' || l.reference || ' under ' || ag.name as detail
        from sharing_agreement ag
        join partner_link l on l.agreement_id = ag.id and l.status = 'open'
        join person p on p.id = l.person_id
       where ag.ends_on >= ${today}::date and ag.ends_on <= ${today}::date + ${days}::int and ${inAreas(areaIds)}
       order by ag.ends_on, l.opened_on, l.id
       limit ${limit}`,
  )
}

/** Sharing agreements in force that end within `days`: the administrator renews or lets them end. */
export async function agreementsEnding(db: Db, today: string, days: number, limit: number) {
  const result = await sql<TaskRow>`
    select ag.id, null as person_id, null as surname, null as forenames, ag.starts_on::text as since,
           ag.ends_on::text as due, ag.name as detail
      from sharing_agreement ag
     where ag.starts_on <= ${today}::date and ag.ends_on >= ${today}::date and ag.ends_on <= ${today}::date + ${days}::int
     order by ag.ends_on, ag.id
     limit ${limit}`.execute(db)
  return result.rows
}

/**
 * Arrested and not charged, within `days` of the time bar (MCA 1980 s127), for people `userId`
 * leads: the charge or summons must be laid by then. Since: the day of the arrest.
 */
export function arrestedNearTimeBar(
  db: Db,
  userId: string,
  areaIds: readonly string[],
  today: string,
  days: number,
  limit: number,
) {
  return rows(
    db,
    areaIds,
    sql<TaskRow>`
      select f.id, p.id as person_id, p.surname, p.forenames,
             coalesce((select max(ev.event_date)::text from dip_failure_event ev where ev.failure_id = f.id and ev.kind = 'arrested'),
                      f.failure_date::text) as since,
             f.time_bar_date::text as due, ${failureDetail} as detail
        from dip_failure f join person p on p.id = f.person_id
       where f.status = 'arrested' and ${statusOn('f', today)} = 'arrested'
         and f.time_bar_date <= ${today}::date + ${days}::int and ${inAreas(areaIds)}
         and ${ledBy('f.person_id', userId)}
       order by f.time_bar_date, f.id
       limit ${limit}`,
  )
}
