import { sql } from 'kysely'
import { series, type VolumeContext } from './context.ts'
import { pickFrom } from './random.ts'
import { londonTime, personShape, textArray, uuidArray } from './shape.ts'
import { places } from './words.ts'

const triggerOffences = [
  'THEFT',
  'THEFT',
  'THEFT',
  'BURGLARY',
  'ROBBERY',
  'POSSESSION_A',
  'HANDLING',
  'FRAUD',
  'TWOC',
  'BEGGING',
]
const suites = ['ROMFORD', 'ILFORD', 'FOREST_GATE']

/**
 * The DIP chain for people lo..hi: custody drug tests (a little under half positive), a required
 * assessment after each positive test, then an initial appointment and fortnightly follow-ups
 * (about ten appointments each), attendance for those that have started, and an s12/s14 failure
 * for each failure to attend or remain without good cause. Tests k of person n are keyed n*8+k;
 * appointments j of a test are keyed (n*8+k)*32+j.
 */
function testRows(ctx: VolumeContext, lo: number, hi: number) {
  const { rng } = ctx
  const shape = personShape(ctx)
  const key = sql`n * 8 + k`
  return sql`
    select n, k, ${rng.id('p', sql`n`)} as person_id, ${rng.id('t', key)} as test_id, ${rng.id('ra', key)} as assessment_id,
           sample_day, ${londonTime(sql`sample_day`, sql`${rng.below(101, key, 1440)}`)} as sample_at,
           case when refused then 'not_tested' when ${rng.chance(102, key, 0.18)} then 'positive' else 'negative' end as opiates,
           case when refused then 'not_tested' when ${rng.chance(103, key, 0.38)} then 'positive' else 'negative' end as cocaine,
           refused, ${rng.below(104, key, 100)} as roll, ${rng.below(105, key, 17)} as follow_ups
      from ${series(lo, hi)} n
      cross join lateral (select ${shape.testCount} as tests, ${shape.firstSeenDaysAgo} as seen) p
      cross join generate_series(0, p.tests - 1) k
      cross join lateral (select ${shape.today} - greatest(1, p.seen * (p.tests - k) / p.tests - ${rng.below(106, key, 5)}) as sample_day,
                                 ${rng.chance(107, key, 0.02)} as refused) d`
}

export async function generateDip(ctx: VolumeContext): Promise<void> {
  const { rng, refs } = ctx
  const today = sql`${ctx.today}::date`
  const now = sql`${ctx.now.toISOString()}::timestamptz`
  const dipWorkers = uuidArray(refs.officers.dip)
  let tests = 0
  let appointments = 0

  ctx.progress.step('DIP tests and appointments', Math.round(ctx.people * 10.5))
  for (let lo = 1; lo <= ctx.people; lo += ctx.chunk) {
    const hi = Math.min(ctx.people, lo + ctx.chunk - 1)
    const t = await sql`
      with t as materialized (${testRows(ctx, lo, hi)}),
      tests as (
        insert into drug_test (id, person_id, custody_suite_code, custody_number, condition, trigger_offence_code, authorised_by,
                               sample_taken_at, opiates, cocaine, refused, disputed, recorded_by, recorded_at)
        select test_id, person_id, (${textArray(suites)})[1 + roll % 3], 'V${sql.raw(String(rng.seed))}/' || n || '/' || k,
               case when roll < 75 then 'arrest' else 'charge' end,
               case when roll % 12 <> 0 then (${textArray(triggerOffences)})[1 + roll % ${sql.lit(triggerOffences.length)}] end,
               case when roll % 12 = 0 then 'Inspector on duty' end,
               sample_at, opiates, cocaine, refused, positive and roll % 50 = 1,
               ${pickFrom(dipWorkers, sql`roll`)}::uuid, sample_at + interval '2 hours'
          from t cross join lateral (select 'positive' in (opiates, cocaine) as positive) x
      ),
      confirmations as (
        insert into drug_test_confirmation (id, drug_test_id, opiates, cocaine, confirmed_on, recorded_by, recorded_at)
        select ${rng.id('tc', sql`n * 8 + k`)}, test_id, opiates, cocaine, sample_day + 5, ${pickFrom(dipWorkers, sql`roll`)}::uuid,
               ${londonTime(sql`sample_day + 5`, sql`600`)}
          from t where 'positive' in (opiates, cocaine) and roll % 50 = 1 and sample_day + 5 < ${today}
      )
      insert into required_assessment (id, person_id, drug_test_id, imposed_by, imposed_at, recorded_at, follow_up_ended_on, follow_up_ended_by)
      select assessment_id, person_id, test_id, ${pickFrom(dipWorkers, sql`roll`)}::uuid, sample_at + interval '1 hour', sample_at + interval '1 hour',
             case when last_day + 7 < ${today} then last_day + 7 end,
             case when last_day + 7 < ${today} then ${pickFrom(dipWorkers, sql`roll`)}::uuid end
        from t cross join lateral (select sample_day + 4 + 14 * follow_ups as last_day) l
       where 'positive' in (opiates, cocaine)`.execute(ctx.db)
    tests += Number(t.numAffectedRows ?? 0)

    const a = await sql`
      with a as materialized (
        select n, k, j, person_id, assessment_id, ${rng.id('ap', sql`(n * 8 + k) * 32 + j`)} as appointment_id, scheduled_at,
               ${rng.below(111, sql`(n * 8 + k) * 32 + j`, 1000)} as roll, roll as test_roll
          from (${testRows(ctx, lo, hi)}) t
          cross join generate_series(0, follow_ups) j
          cross join lateral (select ${londonTime(sql`sample_day + 2 + roll % 3 + 14 * j`, sql`540 + 30 * ((roll + j) % 15)`)} as scheduled_at) s
         where 'positive' in (opiates, cocaine)
      ),
      appointments as (
        insert into appointment (id, assessment_id, person_id, kind, scheduled_at, place, assessor, form, created_by, created_at)
        select appointment_id, assessment_id, person_id, case when j = 0 then 'initial' else 'follow_up' end, scheduled_at,
               (${textArray(places)})[1 + test_roll % ${sql.lit(places.length)}], 'DIP assessor ' || (1 + test_roll % 40),
               case when j = 0 then 'RA1' else 'RA4' end, ${pickFrom(dipWorkers, sql`test_roll`)}::uuid,
               least(${now}, scheduled_at - interval '13 days')
          from a
      ),
      changes as (
        insert into appointment_change (id, appointment_id, previous_scheduled_at, previous_place, new_scheduled_at, new_place, reason, changed_by, changed_at)
        select ${rng.id('ach', sql`(n * 8 + k) * 32 + j`)}, appointment_id, scheduled_at - interval '2 days', ${sql.lit(places[0])}, scheduled_at,
               ${sql.lit(places[0])}, 'Asked to move it: a hospital appointment', ${pickFrom(dipWorkers, sql`test_roll`)}::uuid,
               least(${now}, scheduled_at - interval '4 days')
          from a where roll % 33 = 5
      ),
      attended as materialized (
        select a.*, case when roll < 70 then 'did_not_attend' when roll < 85 then 'left_early' else 'attended' end as outcome,
               roll < 85 and roll % 4 = 0 as good_cause
          from a where scheduled_at < ${now}
      ),
      attendance as (
        insert into attendance (id, appointment_id, outcome, good_cause, good_cause_note, recorded_by, recorded_at)
        select ${rng.id('at', sql`(n * 8 + k) * 32 + j`)}, appointment_id, outcome, good_cause,
               case when good_cause then 'In hospital that day: letter seen' end, ${pickFrom(dipWorkers, sql`test_roll`)}::uuid,
               least(${now}, scheduled_at + interval '90 minutes')
          from attended
      ),
      failures as (
        insert into dip_failure (id, appointment_id, person_id, section, failure_date, time_bar_date, status,
                                 statement_produced_on, wanted_since, wanted_reference, created_at)
        select ${rng.id('f', sql`(n * 8 + k) * 32 + j`)}, appointment_id, person_id, case when j = 0 then 's12' else 's14' end,
               day, bar, status,
               case when status <> 'open' or ${today} - day > 14 then least(${today}, day + 1 + roll % 3) end,
               case when status not in ('open', 'time_barred') or (status = 'time_barred' and roll % 2 = 0) then least(${today}, day + 4 + roll % 3) end,
               case when status not in ('open', 'time_barred') or (status = 'time_barred' and roll % 2 = 0) then 'PNC/WM/' || n || '/' || k || '/' || j end,
               least(${now}, scheduled_at + interval '2 hours')
          from attended
          cross join lateral (select (scheduled_at at time zone 'Europe/London')::date as day) d
          cross join lateral (select (day + interval '6 months')::date as bar) b
          cross join lateral (select case
                   when bar < ${today} then (array['time_barred','time_barred','time_barred','charged','charged','summonsed','no_further_action','no_further_action','withdrawn','arrested'])[1 + roll % 10]
                   when ${today} - day <= 14 then (array['open','open','open','wanted'])[1 + roll % 4]
                   else (array['open','wanted','wanted','wanted','wanted','arrested','charged','withdrawn'])[1 + roll % 8] end as status) s
         where outcome <> 'attended' and not good_cause
      )
      select count(*)::int as appointments from a`.execute(ctx.db)
    const made = Number((a.rows[0] as { appointments: number } | undefined)?.appointments ?? 0)
    appointments += made
    ctx.progress.add(made)
  }
  ctx.progress.done()
  void tests
  void appointments
}

/** The history of each failure, from its own dates: created, statement, circulated wanted, outcome. */
export function failureEventsStatement(ctx: VolumeContext, lo: number, hi: number) {
  const { rng } = ctx
  const today = sql`${ctx.today}::date`
  return sql`
    insert into dip_failure_event (id, failure_id, kind, event_date, reference, note, recorded_by, recorded_at)
    select md5(${sql.lit(`vol${rng.seed}:fe:`)} || f.id || e.kind)::uuid, f.id, e.kind, e.day, e.reference, null,
           ${pickFrom(uuidArray(ctx.refs.officers.dip), sql`abs(hashtext(f.id::text))`)}::uuid, ${londonTime(sql`e.day`, sql`720`)}
      from (select ${rng.id('p', sql`n`)} as person_id from ${series(lo, hi)} n) p
      join dip_failure f on f.person_id = p.person_id
      cross join lateral (values
        ('created', f.failure_date, null::text, true),
        ('statement_produced', f.statement_produced_on, null, f.statement_produced_on is not null),
        ('circulated_wanted', f.wanted_since, f.wanted_reference, f.wanted_since is not null),
        (f.status, least(${today}, coalesce(f.wanted_since, f.failure_date) + 20), null,
          f.status in ('arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn')),
        ('time_barred', f.time_bar_date, null, f.status = 'time_barred')
      ) e(kind, day, reference, included)
     where e.included`
}
