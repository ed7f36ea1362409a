import { sql, type Kysely } from 'kysely'

// The performance report's counts, kept as they happen, so that a year of figures is a few
// thousand rows to add up rather than every test and appointment of the year (at 100,000 people
// that was 660,000 appointments and a second of both cores).
//
// Three tallies, by the person's borough and ward as they are now:
//  - report_day_tally: per London day, drug tests (with opiates/cocaine results and possession
//    offences), recorded initial and follow-up appointments (with attendance) and referrals;
//  - report_cohort_tally: changes in cohort membership per programme and tier at each month's end
//    (+1 when a membership is first open at a month's end with a tier, -1 when it no longer is),
//    so that the size at a month's end is the sum of every change up to it;
//  - report_membership_tally: the IOM before/after measure as changes per day and programme, so
//    that for any day D the sum of every change up to D gives the memberships open on D, their
//    tests in the 12 months before adoption, their tests from adoption to D, and their adoption
//    dates (for the days since).
//
// Each person's share of each tally is kept beside it (report_<name>_share).
// Any change to a person's tests, appointments, attendance, referrals, memberships, membership
// history, borough or ward puts the person in report_dirty; just before the transaction commits,
// the person's share is worked out again from the case tables and the difference added to the
// tallies. So whatever writes (a form, an import, a combination, a disposal, a bulk load), the
// tallies agree with the case tables at every commit, and the rules for what counts live in one
// place: the two functions below.

/** The day tally's counters, each a sum. */
export const dayCounters = [
  'tests',
  'opiates_tested',
  'opiates_positive',
  'cocaine_tested',
  'cocaine_positive',
  'possession_tests',
  'initial_recorded',
  'initial_attended',
  'follow_up_recorded',
  'follow_up_attended',
  'referrals_received',
  'referrals_accepted',
  'referrals_declined',
] as const

const list = (f: (c: string) => string, separator = ', ') => sql.raw(dayCounters.map(f).join(separator))

/** A tally: its rows are keyed by borough, ward and `keys`, and hold sums of `values`. */
type Tally = { name: string; keys: [string, string][]; values: [string, string][] }

export const tallies: Tally[] = [
  { name: 'day', keys: [['day', 'date not null']], values: dayCounters.map((c) => [c, 'integer']) },
  {
    name: 'cohort',
    keys: [
      ['month_end', 'date not null'],
      ['programme', 'text not null'],
      ['tier', 'text'],
    ],
    values: [['n', 'integer']],
  },
  {
    name: 'membership',
    keys: [
      ['day', 'date not null'],
      ['programme', 'text not null'],
    ],
    values: [
      ['members', 'integer'],
      ['before_tests', 'integer'],
      ['since_tests', 'integer'],
      ['adopted_days', 'bigint'],
    ],
  },
]

const raw = (parts: string[], separator = ', ') => sql.raw(parts.join(separator))

async function createTables(db: Kysely<any>, t: Tally): Promise<void> {
  const keys = t.keys.map(([name, type]) => `${name} ${type}`)
  const values = t.values.map(([name, type]) => `${name} ${type} not null default 0`)
  await sql`create table ${sql.raw(`report_${t.name}_share`)} (person_id uuid not null, area_id uuid not null, ward_id uuid, ${raw([...keys, ...values])})`.execute(
    db,
  )
  await sql`create index ${sql.raw(`report_${t.name}_share_person_idx`)} on ${sql.raw(`report_${t.name}_share`)} (person_id)`.execute(
    db,
  )
  await sql`
    create table ${sql.raw(`report_${t.name}_tally`)} (
      area_id uuid not null, ward_id uuid, ${raw([...keys, ...values])},
      constraint ${sql.raw(`report_${t.name}_tally_key`)} unique nulls not distinct (${raw(['area_id', ...t.keys.map(([k]) => k), 'ward_id'])})
    )`.execute(db)
}

/**
 * One statement that works the people's share of a tally out again and adds the difference to
 * it, in key order (two transactions then wait for each other, never deadlock).
 */
export function refreshStatement(t: Tally): string {
  const keys = t.keys.map(([k]) => k)
  const values = t.values.map(([v]) => v)
  const cast = (type: string) => (type === 'bigint' ? 'bigint' : 'int')
  return `
      with gone as (
        delete from report_${t.name}_share where person_id = any(ids)
        returning area_id, ward_id, ${[...keys, ...values.map((v) => `-${v} as ${v}`)].join(', ')}
      ), fresh as (
        insert into report_${t.name}_share select * from report_${t.name}_shares_of(ids)
        returning area_id, ward_id, ${[...keys, ...values].join(', ')}
      ), net as (
        select area_id, ward_id, ${[...keys, ...t.values.map(([v, type]) => `sum(${v})::${cast(type)} as ${v}`)].join(', ')}
          from (select * from gone union all select * from fresh) change
         group by area_id, ward_id, ${keys.join(', ')}
        having ${values.map((v) => `sum(${v}) <> 0`).join(' or ')}
      )
      insert into report_${t.name}_tally (area_id, ward_id, ${[...keys, ...values].join(', ')})
      select * from net order by area_id, ${keys.join(', ')}, ward_id
      on conflict on constraint report_${t.name}_tally_key do update
        set ${values.map((v) => `${v} = report_${t.name}_tally.${v} + excluded.${v}`).join(', ')};`
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const t of tallies) await createTables(db, t)
  await sql`create table report_dirty (person_id uuid primary key)`.execute(db)

  // What each person adds to the day tally, from the case tables as they are now. Lateral, so
  // that each branch looks the person up by its index (a join to the union would read them whole).
  await sql`
    create function report_day_shares_of(ids uuid[])
    returns setof report_day_share language sql stable as $$
      select p.id, p.area_id, p.ward_id, e.day, ${list((c) => `sum(e.${c})::int`)}
        from unnest(ids) as chosen(id)
        join person p on p.id = chosen.id
        cross join lateral (
          select (t.sample_taken_at at time zone 'Europe/London')::date as day,
                 1 as tests,
                 (t.opiates <> 'not_tested')::int as opiates_tested, (t.opiates = 'positive')::int as opiates_positive,
                 (t.cocaine <> 'not_tested')::int as cocaine_tested, (t.cocaine = 'positive')::int as cocaine_positive,
                 coalesce(t.trigger_offence_code in ('POSSESSION_A', 'PWITS_A', 'SUPPLY_A'), false)::int as possession_tests,
                 0 as initial_recorded, 0 as initial_attended, 0 as follow_up_recorded, 0 as follow_up_attended,
                 0 as referrals_received, 0 as referrals_accepted, 0 as referrals_declined
            from drug_test t where t.person_id = p.id
          union all
          select (a.scheduled_at at time zone 'Europe/London')::date,
                 0, 0, 0, 0, 0, 0,
                 (a.kind = 'initial')::int, (a.kind = 'initial' and at.outcome = 'attended')::int,
                 (a.kind = 'follow_up')::int, (a.kind = 'follow_up' and at.outcome = 'attended')::int,
                 0, 0, 0
            from appointment a join attendance at on at.appointment_id = a.id where a.person_id = p.id
          union all
          select (r.referred_at at time zone 'Europe/London')::date,
                 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                 1, (r.status = 'accepted')::int, (r.status = 'declined')::int
            from referral r where r.person_id = p.id
        ) e
       group by p.id, p.area_id, p.ward_id, e.day
    $$`.execute(db)

  // What each person's memberships add to the cohort tally. A membership is counted at a month's
  // end E (the first day of the next month) when adopted_on < E and it had not ended before E,
  // with the tier of its last dated tier before E (its current tier if it has none). The tier can
  // only change at the first month's end after a tier event, so those are the only points that
  // need working out; each run of a tier is +1 where it starts and -1 where it stops.
  await sql`
    create function report_cohort_shares_of(ids uuid[])
    returns setof report_cohort_share language sql stable as $$
      with m as (
        select m.id, m.person_id, p.area_id, p.ward_id, m.programme, m.tier,
               (date_trunc('month', m.adopted_on) + interval '1 month')::date as first_end,
               case when m.ended_on is not null then date_trunc('month', m.ended_on)::date end as last_end
          from unnest(ids) as chosen(id)
          join person p on p.id = chosen.id
          join cohort_membership m on m.person_id = p.id
      ), points as (
        select m.id, m.first_end as at from m
        union
        select m.id, (date_trunc('month', e.event_date) + interval '1 month')::date
          from m join membership_event e on e.membership_id = m.id and e.tier is not null
      ), runs as (
        select m.person_id, m.area_id, m.ward_id, m.programme, pt.at,
               lead(pt.at) over (partition by m.id order by pt.at) as next_at, m.last_end,
               coalesce((select e.tier from membership_event e
                          where e.membership_id = m.id and e.tier is not null and e.event_date < pt.at
                          order by e.event_date desc, e.recorded_at desc, e.id desc limit 1), m.tier) as tier
          from m join points pt on pt.id = m.id
         where pt.at >= m.first_end and (m.last_end is null or pt.at <= m.last_end)
      ), changes as (
        select person_id, area_id, ward_id, at as month_end, programme, tier, 1 as n from runs
        union all
        select person_id, area_id, ward_id,
               coalesce(next_at, (last_end + interval '1 month')::date), programme, tier, -1
          from runs where next_at is not null or last_end is not null
      )
      select person_id, area_id, ward_id, month_end, programme, tier, sum(n)::int
        from changes
       group by person_id, area_id, ward_id, month_end, programme, tier
      having sum(n) <> 0
    $$`.execute(db)

  // What each person's memberships add to the before/after measure. A membership is open on day D
  // when adopted_on <= D and it had not ended before D: +1 on adoption, -1 the day after it ends.
  // Its tests in the 12 months before adoption come and go with it; each test from adoption on
  // counts from its own day until the day after the membership ends.
  await sql`
    create function report_membership_shares_of(ids uuid[])
    returns setof report_membership_share language sql stable as $$
      with m as (
        select m.person_id, p.area_id, p.ward_id, m.programme, m.adopted_on, m.ended_on,
               (m.adopted_on - date '2000-01-01') as adopted_days,
               (select count(*) from drug_test t
                 where t.person_id = m.person_id
                   and t.sample_taken_at >= ((m.adopted_on - interval '12 months')::date::timestamp at time zone 'Europe/London')
                   and t.sample_taken_at < (m.adopted_on::timestamp at time zone 'Europe/London'))::int as before_tests
          from unnest(ids) as chosen(id)
          join person p on p.id = chosen.id
          join cohort_membership m on m.person_id = p.id
         where m.ended_on is null or m.ended_on >= m.adopted_on
      ), since as (
        select m.person_id, m.area_id, m.ward_id, m.programme, m.ended_on, (t.sample_taken_at at time zone 'Europe/London')::date as day
          from m join drug_test t on t.person_id = m.person_id
         where t.sample_taken_at >= (m.adopted_on::timestamp at time zone 'Europe/London')
           and (m.ended_on is null or t.sample_taken_at < ((m.ended_on + 1)::timestamp at time zone 'Europe/London'))
      ), changes as (
        select person_id, area_id, ward_id, adopted_on as day, programme, 1 as members, before_tests, 0 as since_tests, adopted_days from m
        union all
        select person_id, area_id, ward_id, ended_on + 1, programme, -1, -before_tests, 0, -adopted_days from m where ended_on is not null
        union all
        select person_id, area_id, ward_id, day, programme, 0, 0, 1, 0 from since
        union all
        select person_id, area_id, ward_id, ended_on + 1, programme, 0, 0, -1, 0 from since where ended_on is not null
      )
      select person_id, area_id, ward_id, day, programme,
             sum(members)::int, sum(before_tests)::int, sum(since_tests)::int, sum(adopted_days)::bigint
        from changes
       group by person_id, area_id, ward_id, day, programme
      having sum(members) <> 0 or sum(before_tests) <> 0 or sum(since_tests) <> 0 or sum(adopted_days) <> 0
    $$`.execute(db)

  // Works the given people's shares of every tally out again.
  await sql`
    create function report_refresh(ids uuid[]) returns void language plpgsql as $$
    begin
      ${sql.raw(tallies.map(refreshStatement).join('\n'))}
    end
    $$`.execute(db)

  // Just before commit: everyone this transaction touched. The first call takes them all; the
  // calls for the other rows it marked find nothing left.
  await sql`
    create function report_refresh_dirty() returns trigger language plpgsql as $$
    declare
      ids uuid[];
    begin
      with taken as (delete from report_dirty returning person_id)
      select array_agg(person_id) into ids from taken;
      if ids is not null then
        perform report_refresh(ids);
      end if;
      return null;
    end
    $$`.execute(db)
  await sql`
    create constraint trigger report_dirty_refresh after insert on report_dirty
      deferrable initially deferred for each row execute function report_refresh_dirty()`.execute(db)

  // Marking: once per statement, from its transition tables, so a bulk load marks each person once.
  // A second transaction marking the same person waits on report_dirty's key until the first has
  // committed, so the two never work out one person's share at the same time.
  const marker = (name: string, personOf: (rows: string) => string) => sql`
    create function ${sql.raw(name)}() returns trigger language plpgsql as $$
    begin
      if tg_op in ('INSERT', 'UPDATE') then
        insert into report_dirty select distinct ${sql.raw(personOf('new_rows'))} on conflict do nothing;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        insert into report_dirty select distinct ${sql.raw(personOf('old_rows'))} on conflict do nothing;
      end if;
      return null;
    end
    $$`
  await marker('report_mark_rows', (rows) => `person_id from ${rows} where person_id is not null order by 1`).execute(
    db,
  )
  await marker(
    'report_mark_attendance',
    (rows) => `a.person_id from ${rows} r join appointment a on a.id = r.appointment_id order by 1`,
  ).execute(db)
  await marker(
    'report_mark_membership_events',
    (rows) => `m.person_id from ${rows} r join cohort_membership m on m.id = r.membership_id order by 1`,
  ).execute(db)
  // A person counts where they live now: a move of borough or ward moves their whole share.
  await sql`
    create function report_mark_people() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' then
        insert into report_dirty
        select distinct n.id from new_rows n join old_rows o on o.id = n.id
         where n.area_id is distinct from o.area_id or n.ward_id is distinct from o.ward_id
         order by 1
        on conflict do nothing;
      else
        insert into report_dirty select distinct id from old_rows order by 1 on conflict do nothing;
      end if;
      return null;
    end
    $$`.execute(db)

  const watch = async (table: string, fn: string, events: ('insert' | 'update' | 'delete')[]) => {
    for (const event of events) {
      const transition =
        event === 'insert'
          ? 'new table as new_rows'
          : event === 'delete'
            ? 'old table as old_rows'
            : 'old table as old_rows new table as new_rows'
      await sql`
        create trigger ${sql.raw(`report_${table}_${event}`)} after ${sql.raw(event)} on ${sql.raw(table)}
          referencing ${sql.raw(transition)} for each statement execute function ${sql.raw(fn)}()`.execute(db)
    }
  }
  const all = ['insert', 'update', 'delete'] as ('insert' | 'update' | 'delete')[]
  await watch('drug_test', 'report_mark_rows', all)
  await watch('appointment', 'report_mark_rows', ['update', 'delete'])
  await watch('attendance', 'report_mark_attendance', all)
  await watch('referral', 'report_mark_rows', all)
  await watch('cohort_membership', 'report_mark_rows', all)
  await watch('membership_event', 'report_mark_membership_events', all)
  await watch('person', 'report_mark_people', ['update', 'delete'])

  // The figures so far.
  await sql`select report_refresh(array(select id from person))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, events] of [
    ['drug_test', ['insert', 'update', 'delete']],
    ['appointment', ['update', 'delete']],
    ['attendance', ['insert', 'update', 'delete']],
    ['referral', ['insert', 'update', 'delete']],
    ['cohort_membership', ['insert', 'update', 'delete']],
    ['membership_event', ['insert', 'update', 'delete']],
    ['person', ['update', 'delete']],
  ] as const) {
    for (const event of events)
      await sql`drop trigger if exists ${sql.raw(`report_${table}_${event}`)} on ${sql.raw(table)}`.execute(db)
  }
  // report_dirty first (its trigger uses report_refresh_dirty), then the functions, then the tables their types come from.
  await sql`drop table if exists report_dirty`.execute(db)
  for (const fn of [
    'report_mark_rows',
    'report_mark_attendance',
    'report_mark_membership_events',
    'report_mark_people',
    'report_refresh_dirty',
    'report_refresh(uuid[])',
    ...tallies.map((t) => `report_${t.name}_shares_of(uuid[])`),
  ]) {
    await sql`drop function if exists ${sql.raw(fn)}`.execute(db)
  }
  for (const t of tallies)
    await sql`drop table if exists ${sql.raw(`report_${t.name}_share`)}, ${sql.raw(`report_${t.name}_tally`)}`.execute(
      db,
    )
}
