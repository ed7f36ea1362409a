import { sql, type Kysely } from 'kysely'
import { refreshStatement, tallies } from './20261127T0400_report_tallies.ts'

// The home page counts a borough's appointments today and those still to record (no attendance,
// not closed). Counted from the appointments, that was every appointment of the day and a probe
// for its attendance: at 100,000 people 2,935 appointments and 10 ms of the DIP panel's 16,
// ten times as much at ten times the people (server/decisions/0125).
//
// The report's day tally already keeps, per borough, ward and London day, the appointments with
// an attendance. It now also keeps every appointment (`appointments`) and those open with none
// (`appointments_to_record`), worked out by the same rule (report_day_shares_of) from the same
// marks; booking an appointment now marks its person too. The home page then reads one tally
// row per ward of its boroughs.

const added = ['appointments', 'appointments_to_record'] as const
const [caseDay, cohort, membership] = tallies as [(typeof tallies)[0], (typeof tallies)[1], (typeof tallies)[2]]
const day = { ...caseDay, values: [...caseDay.values, ...added.map((c): [string, string] => [c, 'integer'])] }

const londonDay = (column: string) => `(${column} at time zone 'Europe/London')::date`

/** The day tally's share rule, with the appointment branch reading every appointment (`withCounts`) or only attended ones. */
function dayShares(withCounts: boolean): string {
  const zeros = (n: number) => Array.from({ length: n }, () => '0').join(', ')
  const extra = (values: string) => (withCounts ? `, ${values}` : '')
  const sums = day.values
    .filter(([c]) => withCounts || !added.includes(c as (typeof added)[number]))
    .map(([c]) => `sum(e.${c})::int`)
    .join(', ')
  return `
    create or replace function report_day_shares_of(ids uuid[])
    returns setof report_day_share language sql stable as $$
      select p.id, p.area_id, p.ward_id, e.day, ${sums}
        from unnest(ids) as chosen(id)
        join person p on p.id = chosen.id
        cross join lateral (
          select ${londonDay('t.sample_taken_at')} as day,
                 1 as tests,
                 (t.opiates <> 'not_tested')::int as opiates_tested, (t.opiates = 'positive')::int as opiates_positive,
                 (t.cocaine <> 'not_tested')::int as cocaine_tested, (t.cocaine = 'positive')::int as cocaine_positive,
                 coalesce(t.trigger_offence_code in ('POSSESSION_A', 'PWITS_A', 'SUPPLY_A'), false)::int as possession_tests,
                 0 as initial_recorded, 0 as initial_attended, 0 as follow_up_recorded, 0 as follow_up_attended,
                 0 as referrals_received, 0 as referrals_accepted, 0 as referrals_declined${extra('0 as appointments, 0 as appointments_to_record')}
            from drug_test t where t.person_id = p.id
          union all
          select ${londonDay('a.scheduled_at')},
                 0, 0, 0, 0, 0, 0,
                 (a.kind = 'initial' and at.appointment_id is not null)::int, (a.kind = 'initial' and at.outcome is not distinct from 'attended')::int,
                 (a.kind = 'follow_up' and at.appointment_id is not null)::int, (a.kind = 'follow_up' and at.outcome is not distinct from 'attended')::int,
                 0, 0, 0${extra('1, (a.closed_on is null and at.appointment_id is null)::int')}
            from appointment a ${withCounts ? 'left' : ''} join attendance at on at.appointment_id = a.id where a.person_id = p.id
          union all
          select ${londonDay('r.referred_at')},
                 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                 1, (r.status = 'accepted')::int, (r.status = 'declined')::int${extra(zeros(2))}
            from referral r where r.person_id = p.id
        ) e
       group by p.id, p.area_id, p.ward_id, e.day
    $$`
}

/** The functions that refresh the day tally: its own, and the one that refreshes the three case tallies together. */
async function refreshFunctions(db: Kysely<any>, dayTally: typeof day): Promise<void> {
  await sql`create or replace function report_refresh_day(ids uuid[]) returns void language plpgsql as $$ begin ${sql.raw(refreshStatement(dayTally))} end $$`.execute(
    db,
  )
  await sql`create or replace function report_case_refresh(ids uuid[]) returns void language plpgsql as $$ begin ${sql.raw(
    [dayTally, cohort, membership].map(refreshStatement).join('\n'),
  )} end $$`.execute(db)
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['report_day_share', 'report_day_tally'])
    await sql`alter table ${sql.table(table)} ${sql.raw(added.map((c) => `add column ${c} integer not null default 0`).join(', '))}`.execute(
      db,
    )
  await sql.raw(dayShares(true)).execute(db)
  await refreshFunctions(db, day)
  await sql`
    create trigger report_appointment_insert after insert on appointment
      referencing new table as new_rows for each statement execute function report_mark_rows('day')`.execute(db)
  // The counts so far: everyone with an appointment.
  await sql`select report_refresh_day(array(select distinct person_id from appointment))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists report_appointment_insert on appointment`.execute(db)
  // The shares' type loses the columns first, so the older rule (which returns fewer) can be put back.
  await sql`drop function report_day_shares_of(uuid[])`.execute(db)
  for (const table of ['report_day_share', 'report_day_tally'])
    await sql`alter table ${sql.table(table)} ${sql.raw(added.map((c) => `drop column ${c}`).join(', '))}`.execute(db)
  await sql.raw(dayShares(false).replace('create or replace', 'create')).execute(db)
  await refreshFunctions(db, caseDay)
  await sql`select report_refresh_day(array(select distinct person_id from appointment))`.execute(db)
}
