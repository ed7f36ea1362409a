import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'

type Db = Kysely<Database>

// Each panel is one aggregate query over indexed columns, scoped to the user's areas.

const areaFilter = (areaIds: readonly string[]) => sql`p.area_id = any(${sql.val([...areaIds])}::uuid[])`

export async function iomPanel(db: Db, userId: string, areaIds: readonly string[], today: string, weekEnd: Date, weekStart: Date) {
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
      (select count(*) from action x where x.owner_id = ${userId} and x.status = 'open' and x.due_date < ${today})::int as actions_overdue,
      (select count(*) from action x where x.owner_id = ${userId} and x.status = 'open' and x.due_date = ${today})::int as actions_today,
      -- exists, not a join: a person on two programmes with the same lead officer counts once.
      (select count(*) from appointment a
        where exists (select 1 from cohort_membership cm where cm.person_id = a.person_id and cm.status <> 'ended' and cm.lead_officer_id = ${userId})
          and a.scheduled_at >= ${weekStart} and a.scheduled_at < ${weekEnd})::int as appointments_week,
      (select count(*) from dip_failure f
        where exists (select 1 from cohort_membership cm where cm.person_id = f.person_id and cm.status <> 'ended' and cm.lead_officer_id = ${userId})
          and f.failure_date >= ${today}::date - 30)::int as failures_recent
    from cohort_membership m join person p on p.id = m.person_id
    where m.lead_officer_id = ${userId} and m.status <> 'ended' and ${areaFilter(areaIds)}`.execute(db)
  return result.rows[0]
}

export async function dipPanel(db: Db, areaIds: readonly string[], dayStart: Date, dayEnd: Date, now: Date) {
  const result = await sql<{ today_total: number; today_to_record: number; awaiting_statement: number; disputed_unconfirmed: number }>`
    select
      (select count(*) from appointment a join person p on p.id = a.person_id
        where a.scheduled_at >= ${dayStart} and a.scheduled_at < ${dayEnd} and ${areaFilter(areaIds)})::int as today_total,
      (select count(*) from appointment a join person p on p.id = a.person_id
        where a.scheduled_at >= ${dayStart} and a.scheduled_at <= ${now} and ${areaFilter(areaIds)}
          and not exists (select 1 from attendance at where at.appointment_id = a.id))::int as today_to_record,
      (select count(*) from dip_failure f join person p on p.id = f.person_id
        where f.status = 'open' and f.statement_produced_on is null and ${areaFilter(areaIds)})::int as awaiting_statement,
      (select count(*) from drug_test t join person p on p.id = t.person_id
        where t.disputed and not exists (select 1 from drug_test_confirmation c where c.drug_test_id = t.id) and ${areaFilter(areaIds)})::int as disputed_unconfirmed`.execute(db)
  return result.rows[0]
}

/** People, not entries: the CID list shows each person once, however many failures they are wanted for. */
export async function cidPanel(db: Db, areaIds: readonly string[], today: string) {
  const result = await sql<{ on_list: number; new_this_week: number; within_30_days: number }>`
    select
      count(distinct e.person_id)::int as on_list,
      count(distinct e.person_id) filter (where e.decided_at >= now() - interval '7 days')::int as new_this_week,
      count(distinct e.person_id) filter (where f.time_bar_date <= ${today}::date + 30)::int as within_30_days
    from cid_entry e join dip_failure f on f.id = e.failure_id join person p on p.id = e.person_id
    where e.status = 'countersigned' and f.status = 'wanted' and f.time_bar_date >= ${today} and ${areaFilter(areaIds)}`.execute(db)
  return result.rows[0]
}

export async function supervisorPanel(db: Db, areaIds: readonly string[], today: string) {
  const result = await sql<{ proposals: number; referrals: number; time_barred_to_close: number; overdue_actions: number }>`
    select
      (select count(*) from cid_entry e join person p on p.id = e.person_id where e.status = 'proposed' and ${areaFilter(areaIds)})::int as proposals,
      (select count(*) from referral r join person p on p.id = r.person_id where r.status = 'pending' and ${areaFilter(areaIds)})::int as referrals,
      (select count(*) from cid_entry e join dip_failure f on f.id = e.failure_id join person p on p.id = e.person_id
        where e.status = 'countersigned' and (f.status = 'time_barred' or f.time_bar_date < ${today}) and ${areaFilter(areaIds)})::int as time_barred_to_close,
      (select count(*) from action x join person p on p.id = x.person_id where x.status = 'open' and x.due_date < ${today} and ${areaFilter(areaIds)})::int as overdue_actions`.execute(db)
  return result.rows[0]
}

/**
 * Team performance: open memberships per lead officer, counted first (one pass over the area's
 * memberships), then each officer's overdue actions and recent contacts from their own indexes.
 */
export function teamPerformance(db: Db, areaIds: readonly string[], today: string) {
  return sql<{ officer: string; caseload: number; overdue: number; contacts_30_days: number }>`
    with load as (
      select m.lead_officer_id as officer_id, count(*)::int as caseload
        from cohort_membership m join person p on p.id = m.person_id
       where m.status <> 'ended' and ${areaFilter(areaIds)}
       group by m.lead_officer_id)
    select u.display_name as officer,
           l.caseload,
           (select count(*) from action x where x.owner_id = u.id and x.status = 'open' and x.due_date < ${today})::int as overdue,
           (select count(*) from contact c where c.recorded_by = u.id and c.contact_date >= ${today}::date - 30)::int as contacts_30_days
      from load l join app_user u on u.id = l.officer_id
     order by u.display_name, u.id`.execute(db).then((r) => r.rows)
}

/** The links the partner's own list shows: their agency's, shared under an agreement of their agency in force today. */
export async function partnerPanel(db: Db, agency: 'marac' | 'yos' | 'mash', areaIds: readonly string[], today: string) {
  const result = await sql<{ open: number; opened_30_days: number }>`
    select count(*) filter (where l.status = 'open')::int as open,
           count(*) filter (where l.opened_on >= ${today}::date - 30)::int as opened_30_days
      from partner_link l join person p on p.id = l.person_id
      join sharing_agreement ag on ag.id = l.agreement_id and ag.agency = ${agency}
                               and ag.starts_on <= ${today}::date and (ag.ends_on is null or ag.ends_on >= ${today}::date)
     where l.agency = ${agency} and ${areaFilter(areaIds)}`.execute(db)
  return result.rows[0]
}

/** The partnership's picture in a partner's boroughs: counts only, shown through partnerCount. */
export async function partnershipPicture(db: Db, areaIds: readonly string[], today: string) {
  const result = await sql<{ iom_fixed: number; iom_flex: number; iom_free: number; dip: number; tests_30_days: number }>`
    select
      count(*) filter (where m.programme = 'iom_fixed')::int as iom_fixed,
      count(*) filter (where m.programme = 'iom_flex')::int as iom_flex,
      count(*) filter (where m.programme = 'iom_free')::int as iom_free,
      count(*) filter (where m.programme = 'dip')::int as dip,
      (select count(*) from drug_test t join person p on p.id = t.person_id
        where ${areaFilter(areaIds)} and t.sample_taken_at >= (${today}::date - 30)::timestamp at time zone 'Europe/London')::int as tests_30_days
      from cohort_membership m join person p on p.id = m.person_id
     where m.status <> 'ended' and ${areaFilter(areaIds)}`.execute(db)
  return result.rows[0]!
}

export async function adminPanel(db: Db, today: string) {
  const result = await sql<{ active_users: number; locked: number; disabled: number; agreements_in_force: number }>`
    select
      count(*) filter (where disabled_at is null)::int as active_users,
      count(*) filter (where locked_until > now())::int as locked,
      count(*) filter (where disabled_at is not null)::int as disabled,
      (select count(*) from sharing_agreement where starts_on <= ${today} and (ends_on is null or ends_on >= ${today}))::int as agreements_in_force
    from app_user`.execute(db)
  return result.rows[0]
}
