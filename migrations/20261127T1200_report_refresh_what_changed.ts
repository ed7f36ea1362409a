import { sql, type Kysely } from 'kysely'
import { refreshStatement, tallies as caseTallies } from './20261127T0400_report_tallies.ts'
import { shareRefresh, tallies as failureLinkTallies } from './20261127T0800_report_failure_link_tallies.ts'

// Each person marked for the report is now marked with the tallies the change can move, and at
// commit only those are worked out again. Before, every mark worked out all five tallies: a
// recorded attendance, which can only move the day tally, cost 7.5 ms of the write's database
// time at 100,000 people, of which the day tally's share was 1.5.
//
// Which table moves which tally (the shares_of functions are the rules, unchanged):
//   drug_test          day, membership (tests before and since adoption)
//   appointment        day (a rescheduled attendance moves to another day)
//   attendance         day
//   referral           day
//   cohort_membership  cohort, membership
//   membership_event   cohort (the tier at each month's end)
//   dip_failure        failure
//   partner_link       link
//   person             all five (a change of borough or ward, or a deletion)
// Anything else that marks a person (no other code does) gets all five, the column's default.

const allTallies = ['cohort', 'day', 'failure', 'link', 'membership'] as const
type TallyName = (typeof allTallies)[number]

const watched: {
  table: string
  fn: string
  events: ('insert' | 'update' | 'delete')[]
  tallies: readonly TallyName[]
}[] = [
  {
    table: 'drug_test',
    fn: 'report_mark_rows',
    events: ['insert', 'update', 'delete'],
    tallies: ['day', 'membership'],
  },
  { table: 'appointment', fn: 'report_mark_rows', events: ['update', 'delete'], tallies: ['day'] },
  { table: 'attendance', fn: 'report_mark_attendance', events: ['insert', 'update', 'delete'], tallies: ['day'] },
  { table: 'referral', fn: 'report_mark_rows', events: ['insert', 'update', 'delete'], tallies: ['day'] },
  {
    table: 'cohort_membership',
    fn: 'report_mark_rows',
    events: ['insert', 'update', 'delete'],
    tallies: ['cohort', 'membership'],
  },
  {
    table: 'membership_event',
    fn: 'report_mark_membership_events',
    events: ['insert', 'update', 'delete'],
    tallies: ['cohort'],
  },
  { table: 'dip_failure', fn: 'report_mark_rows', events: ['insert', 'update', 'delete'], tallies: ['failure'] },
  { table: 'partner_link', fn: 'report_mark_rows', events: ['insert', 'update', 'delete'], tallies: ['link'] },
  { table: 'person', fn: 'report_mark_people', events: ['update', 'delete'], tallies: allTallies },
]

const transition = (event: 'insert' | 'update' | 'delete') =>
  event === 'insert'
    ? 'new table as new_rows'
    : event === 'delete'
      ? 'old table as old_rows'
      : 'old table as old_rows new table as new_rows'

async function rewatch(db: Kysely<any>, withTallies: boolean): Promise<void> {
  for (const w of watched) {
    const args = withTallies ? w.tallies.map((t) => `'${t}'`).join(', ') : ''
    for (const event of w.events) {
      const name = `report_${w.table}_${event}`
      await sql`drop trigger ${sql.raw(name)} on ${sql.raw(w.table)}`.execute(db)
      await sql`
        create trigger ${sql.raw(name)} after ${sql.raw(event)} on ${sql.raw(w.table)}
          referencing ${sql.raw(transition(event))} for each statement execute function ${sql.raw(w.fn)}(${sql.raw(args)})`.execute(
        db,
      )
    }
  }
}

/**
 * A marking function: the people `source` gives for the statement's rows, each with the
 * trigger's arguments as their tallies (added to any they already have), or, for `down`, as the
 * report_tallies migration marked them.
 */
const marker = (name: string, person: string, source: (rows: string) => string, withTallies = true) => {
  const mark = (rows: string) =>
    withTallies
      ? `insert into report_dirty (person_id, tallies) select distinct ${person}, tg_argv from ${source(rows)} order by 1
        on conflict (person_id) do update set tallies = array(select distinct t from unnest(report_dirty.tallies || excluded.tallies) t order by t);`
      : `insert into report_dirty select distinct ${person} from ${source(rows)} order by 1 on conflict do nothing;`
  return `
    create or replace function ${name}() returns trigger language plpgsql as $$
    begin
      if tg_op in ('INSERT', 'UPDATE') then
        ${mark('new_rows')}
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        ${mark('old_rows')}
      end if;
      return null;
    end
    $$`
}

const markers: [string, string, (rows: string) => string][] = [
  ['report_mark_rows', 'person_id', (rows) => `${rows} where person_id is not null`],
  ['report_mark_attendance', 'a.person_id', (rows) => `${rows} r join appointment a on a.id = r.appointment_id`],
  [
    'report_mark_membership_events',
    'm.person_id',
    (rows) => `${rows} r join cohort_membership m on m.id = r.membership_id`,
  ],
]

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table report_dirty add column tallies text[] not null default ${sql.lit(`{${allTallies.join(',')}}`)}`.execute(
    db,
  )

  // One function per tally, each the statement report_refresh already runs for it.
  for (const t of caseTallies) {
    await sql`create function ${sql.raw(`report_refresh_${t.name}`)}(ids uuid[]) returns void language plpgsql as $$ begin ${sql.raw(refreshStatement(t))} end $$`.execute(
      db,
    )
  }
  for (const t of failureLinkTallies) {
    await sql`create function ${sql.raw(`report_refresh_${t.name}`)}(ids uuid[]) returns void language plpgsql as $$ begin ${sql.raw(
      shareRefresh(
        t.name,
        t.keys.map(([k]) => k),
      ),
    )} end $$`.execute(db)
  }

  // At commit: everyone this transaction marked, each tally for the people marked with it, the
  // tallies always in the same order (two transactions then take tally rows in one order).
  await sql`
    create or replace function report_refresh_dirty() returns trigger language plpgsql as $$
    declare
      ${sql.raw(allTallies.map((t) => `${t}_ids uuid[];`).join('\n      '))}
    begin
      with taken as (delete from report_dirty returning person_id, tallies)
      select ${sql.raw(allTallies.map((t) => `array_agg(person_id order by person_id) filter (where '${t}' = any(tallies))`).join(',\n             '))}
        into ${sql.raw(allTallies.map((t) => `${t}_ids`).join(', '))}
        from taken;
      ${sql.raw(allTallies.map((t) => `if ${t}_ids is not null then perform report_refresh_${t}(${t}_ids); end if;`).join('\n      '))}
      return null;
    end
    $$`.execute(db)

  for (const [name, person, source] of markers) await sql.raw(marker(name, person, source)).execute(db)
  await sql`
    create or replace function report_mark_people() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' then
        insert into report_dirty (person_id, tallies)
        select distinct n.id, tg_argv from new_rows n join old_rows o on o.id = n.id
         where n.area_id is distinct from o.area_id or n.ward_id is distinct from o.ward_id
         order by 1
        on conflict (person_id) do update set tallies = excluded.tallies;
      else
        insert into report_dirty (person_id, tallies) select distinct id, tg_argv from old_rows order by 1
        on conflict (person_id) do update set tallies = excluded.tallies;
      end if;
      return null;
    end
    $$`.execute(db)
  await rewatch(db, true)
}

export async function down(db: Kysely<any>): Promise<void> {
  await rewatch(db, false)
  for (const [name, person, source] of markers) await sql.raw(marker(name, person, source, false)).execute(db)
  await sql`
    create or replace function report_mark_people() returns trigger language plpgsql as $$
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
  await sql`
    create or replace function report_refresh_dirty() returns trigger language plpgsql as $$
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
  for (const t of allTallies) await sql`drop function if exists ${sql.raw(`report_refresh_${t}(uuid[])`)}`.execute(db)
  await sql`alter table report_dirty drop column tallies`.execute(db)
}
