import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { leadOfficersQuery } from '../users/leadOfficersRepository.ts'
import { accountIs } from '../users/usersRepository.ts'
import { entryFailureStillOn } from '../dip/dipFailureRepository.ts'
import { ledBy } from '../cohorts/cohortsRepository.ts'
import { countersignedWithin } from '../cid/cidRepository.ts'
import { openedWithin } from '../partners/partnersRepository.ts'
import { appointmentDayCounts } from '../tasks/tasksRepository.ts'
import { inAreas, personInAreas } from '../../queries/areas.ts'
import { keptCount } from '../../queries/openItemCounts.ts'
import type { Window } from '../../domain/window.ts'

type Db = Kysely<Database>

// Each panel is one aggregate query over indexed columns, scoped to the user's areas.

export async function iomPanel(
  db: Db,
  userId: string,
  areaIds: readonly string[],
  today: string,
  weekEnd: Date,
  weekStart: Date,
) {
  const result = await sql<{
    red: number
    amber: number
    green: number
    in_custody: number
    actions_overdue: number
    actions_today: number
    appointments_week: number
    failures_recent: number
  }>`
    select
      count(*) filter (where m.tier = 'red' and m.status = 'active')::int as red,
      count(*) filter (where m.tier = 'amber' and m.status = 'active')::int as amber,
      count(*) filter (where m.tier = 'green' and m.status = 'active')::int as green,
      count(*) filter (where m.status = 'in_custody')::int as in_custody,
      (select count(*) from action x where x.owner_id = ${userId} and x.status = 'open' and x.due_date < ${today}
        and ${personInAreas('x', areaIds)})::int as actions_overdue,
      (select count(*) from action x where x.owner_id = ${userId} and x.status = 'open' and x.due_date = ${today}
        and ${personInAreas('x', areaIds)})::int as actions_today,
      (select count(*) from appointment a
        where ${ledBy('a.person_id', userId)}
          and a.scheduled_at >= ${weekStart} and a.scheduled_at < ${weekEnd})::int as appointments_week,
      (select count(*) from dip_failure f
        where ${ledBy('f.person_id', userId)}
          and f.failure_date >= ${today}::date - 30)::int as failures_recent
    from cohort_membership m join person p on p.id = m.person_id
    where m.lead_officer_id = ${userId} and m.status <> 'ended' and ${inAreas('p', areaIds)}`.execute(db)
  return result.rows[0]
}

/**
 * The DIP worker's day. Today's appointments, and those still to record, are the report's day
 * tally for today (server/decisions/0125): one row a ward, not every appointment of the day.
 */
export async function dipPanel(db: Db, areaIds: readonly string[], today: string) {
  const result = await sql<{
    today_total: number
    today_to_record: number
    awaiting_statement: number
    disputed_unconfirmed: number
  }>`
    select
      d.appointments as today_total,
      d.to_record as today_to_record,
      ${keptCount('failure_awaiting_statement', areaIds, 'from', today)} as awaiting_statement,
      (select count(*) from drug_test t
        where ${inAreas('t', areaIds)} and t.disputed and not t.confirmed)::int as disputed_unconfirmed
      from ${appointmentDayCounts(areaIds, today)} d`.execute(db)
  return result.rows[0]
}

/**
 * People, not entries: the CID list shows each person once, however many failures they are
 * wanted for. The whole list is kept; the week's and the month's are read from their own ranges.
 */
export async function cidPanel(db: Db, areaIds: readonly string[], today: string) {
  const onTheList = (also: RawBuilder<boolean>) =>
    sql<number>`(select count(distinct e.person_id) from cid_entry e
      where ${inAreas('e', areaIds)} and e.status = 'countersigned' and ${entryFailureStillOn('e', 'wanted', today)}
        and ${also})::int`
  const result = await sql<{ on_list: number; new_this_week: number; within_30_days: number }>`
    select
      ${keptCount('person_listed', areaIds, 'from', today)} as on_list,
      ${onTheList(countersignedWithin('e', 7))} as new_this_week,
      ${onTheList(sql`e.failure_time_bar_date <= ${today}::date + 30`)} as within_30_days`.execute(db)
  return result.rows[0]
}

/**
 * Decisions waiting in the supervisor's areas. Their team's overdue actions come from the team table.
 * Proposals are those the task list offers `userId` to countersign (proposalToCountersign): the
 * borough's proposals still wanted, less `userId`'s own.
 */
export async function supervisorPanel(db: Db, userId: string, areaIds: readonly string[], today: string) {
  const result = await sql<{ proposals: number; referrals: number; time_barred_to_close: number }>`
    select
      ${keptCount('entry_proposed', areaIds, 'from', today)} - (select count(*) from cid_entry e
        where e.proposed_by = ${userId}::uuid and e.status = 'proposed' and ${inAreas('e', areaIds)}
          and ${entryFailureStillOn('e', 'wanted', today)})::int as proposals,
      ${keptCount('referral_pending', areaIds, 'from', today)} as referrals,
      ${keptCount('entry_held', areaIds, 'before', today)} as time_barred_to_close`.execute(db)
  return result.rows[0]
}

/**
 * An officer's (`u`) open actions past their due date: the team table's column and the card's
 * total. The kept count (`k`, joined by teamWithKeptOverdue) where it is of today (decision 0131),
 * otherwise counted from the actions.
 */
const overdueActionsOf = (today: string) =>
  sql<number>`coalesce(case when k.on_day = ${today}::date then k.overdue end,
    (select count(*) from action x where x.owner_id = u.id and x.status = 'open' and x.due_date < ${today}))::int`

/**
 * The team's officers (`u`), each with their kept overdue count (`k`), joined by key alone: the
 * day is asked of the row (overdueActionsOf). Joined on the day too, the planner took the day's
 * statistics, stale for a minute after each daily roll, to find one row, and read every kept
 * count once for each officer of the page.
 */
const teamWithKeptOverdue = (db: Db, areaIds: readonly string[]) =>
  db.selectFrom(leadOfficersQuery(db, areaIds).as('u')).leftJoin('owner_overdue as k', 'k.owner_id', 'u.id')

/**
 * A page of the supervisor's team: the staff who can lead a case in their areas (as the lead
 * officer list offers them), including any with no cases yet, by name, each with their whole
 * open caseload, their overdue actions and their contacts of the last 30 days. Each count is one
 * officer's own index range, for the page's officers alone; none reads the areas' people.
 */
export function teamPerformance(db: Db, areaIds: readonly string[], today: string, window: Window) {
  return teamWithKeptOverdue(db, areaIds)
    .select([
      'u.display_name as officer',
      sql<number>`(select count(*) from cohort_membership m where m.lead_officer_id = u.id and m.status <> 'ended')::int`.as(
        'caseload',
      ),
      overdueActionsOf(today).as('overdue'),
      sql<number>`(select count(*) from contact c where c.recorded_by = u.id and c.contact_date >= ${today}::date - 30)::int`.as(
        'contacts_30_days',
      ),
    ])
    .orderBy('u.display_name')
    .orderBy('u.id')
    .limit(window.limit)
    .offset(window.offset)
    .execute()
}

/** The whole team: how many officers (the table's length) and their overdue actions in all (the card's figure). */
export async function teamTotals(db: Db, areaIds: readonly string[], today: string) {
  const result = await teamWithKeptOverdue(db, areaIds)
    .select([
      sql<number>`count(*)::int`.as('officers'),
      sql<number>`coalesce(sum(${overdueActionsOf(today)}), 0)::int`.as('overdue'),
    ])
    .executeTakeFirstOrThrow()
  return result
}

/** The links the partner's own list shows: their agency's, shared under an agreement of their agency in force today. */
export async function partnerPanel(
  db: Db,
  agency: 'marac' | 'yos' | 'mash',
  areaIds: readonly string[],
  today: string,
) {
  const result = await sql<{ open: number; opened_30_days: number }>`
    select count(*) filter (where l.status = 'open')::int as open,
           count(*) filter (where ${openedWithin('l', today, 30)})::int as opened_30_days
      from partner_link l join person p on p.id = l.person_id
      join sharing_agreement ag on ag.id = l.agreement_id and ag.agency = ${agency}
                               and ag.starts_on <= ${today}::date and (ag.ends_on is null or ag.ends_on >= ${today}::date)
     where l.agency = ${agency} and ${inAreas('p', areaIds)}`.execute(db)
  return result.rows[0]
}

/** The partnership's picture in a partner's boroughs: counts only, shown through partnerCount. */
export async function partnershipPicture(db: Db, areaIds: readonly string[], today: string) {
  const result = await sql<{
    iom_fixed: number
    iom_flex: number
    iom_free: number
    dip: number
    tests_30_days: number
  }>`
    select
      count(*) filter (where m.programme = 'iom_fixed')::int as iom_fixed,
      count(*) filter (where m.programme = 'iom_flex')::int as iom_flex,
      count(*) filter (where m.programme = 'iom_free')::int as iom_free,
      count(*) filter (where m.programme = 'dip')::int as dip,
      (select count(*) from drug_test t join person p on p.id = t.person_id
        where ${inAreas('p', areaIds)} and t.sample_taken_at >= (${today}::date - 30)::timestamp at time zone 'Europe/London')::int as tests_30_days
      from cohort_membership m join person p on p.id = m.person_id
     where m.status <> 'ended' and ${inAreas('p', areaIds)}`.execute(db)
  return result.rows[0]!
}

export async function adminPanel(db: Db, today: string) {
  const result = await sql<{ active_users: number; locked: number; disabled: number; agreements_in_force: number }>`
    select
      count(*) filter (where ${accountIs('active', 'u')})::int as active_users,
      count(*) filter (where ${accountIs('locked', 'u')})::int as locked,
      count(*) filter (where ${accountIs('disabled', 'u')})::int as disabled,
      (select count(*) from sharing_agreement where starts_on <= ${today} and (ends_on is null or ends_on >= ${today}))::int as agreements_in_force
    from app_user u`.execute(db)
  return result.rows[0]
}
