import { sql, type Kysely } from 'kysely'
import { dayCounters } from './20261127T0400_report_tallies.ts'

// The performance report sums a period's rows of two tallies kept by day: report_day_tally (tests,
// attendance, referrals) and report_failure_tally (DIP failures by section and status). Their rows
// are a borough's, a ward's and a day's, so a year's report read up to 365 rows for each ward and
// key. The day tally is full at 10,000 people (24,000 rows a year, about 45 ms for each by-month
// table); the failure tally fills with the volume (a quarter of its possible rows at 1,000,000
// people, four times as many as at 100,000). Both are now also kept per calendar month (decision
// 0139): a period reads its whole months from the month rows and only the days at either end from
// the day rows. Each statement that writes the day rows moves the month rows by the same amounts
// in the same transaction: statement triggers, enabled ALWAYS.

/**
 * A tally kept by day and by month: the keys beside borough, ward and day, and the counters
 * (integers, or bigints where named).
 */
export type MonthTally = {
  name: string
  keys: readonly string[]
  values: readonly string[]
  bigints?: readonly string[]
}

const tallies: MonthTally[] = [
  { name: 'day', keys: [], values: [...dayCounters] },
  { name: 'failure', keys: ['section', 'status'], values: ['n'] },
]

const typeOf = (t: MonthTally, value: string) => (t.bigints?.includes(value) ? 'bigint' : 'integer')

/** The month rows' changes for a transition table's rows, each counter `sign` times. */
const monthMoves = (t: MonthTally, rows: string, sign: number) => `
  select area_id, ward_id, date_trunc('month', day)::date as month, ${[...t.keys, ...t.values.map((v) => `${sign} * ${v} as ${v}`)].join(', ')}
    from ${rows}`

/** The body of a trigger on the day rows, for the transition tables its statement has. */
function follow(t: MonthTally, added: string | null, removed: string | null): string {
  const key = ['area_id', 'ward_id', 'month', ...t.keys]
  const moves = [added && monthMoves(t, added, 1), removed && monthMoves(t, removed, -1)].filter(Boolean)
  return `
  begin
    insert into report_${t.name}_month_tally as m (${[...key, ...t.values].join(', ')})
    select ${[...key, ...t.values.map((v) => `sum(${v})::${typeOf(t, v)}`)].join(', ')}
      from (${moves.join(' union all ')}) c
     group by ${key.join(', ')}
    having ${t.values.map((v) => `sum(${v}) <> 0`).join(' or ')}
     order by ${['area_id', 'month', ...t.keys, 'ward_id'].join(', ')}
    on conflict on constraint report_${t.name}_month_tally_key
    do update set ${t.values.map((v) => `${v} = m.${v} + excluded.${v}`).join(', ')};
    return null;
  end`
}

const triggersOf = (t: MonthTally) =>
  [
    { event: 'insert', tables: 'new table as added', body: follow(t, 'added', null) },
    { event: 'update', tables: 'new table as added old table as removed', body: follow(t, 'added', 'removed') },
    { event: 'delete', tables: 'old table as removed', body: follow(t, null, 'removed') },
  ].map((trigger) => ({ ...trigger, name: `report_${t.name}_month_${trigger.event}` }))

/** Creates the tally's month table, the triggers that keep it from the day rows, and fills it. */
export async function keepByMonth(db: Kysely<any>, t: MonthTally): Promise<void> {
  const keys = t.keys.map((k) => `${k} text not null`)
  const values = t.values.map((v) => `${v} ${typeOf(t, v)} not null default 0`)
  await sql
    .raw(
      `create table report_${t.name}_month_tally (
           area_id uuid not null, ward_id uuid, month date not null check (extract(day from month) = 1),
           ${[...keys, ...values].join(', ')},
           constraint report_${t.name}_month_tally_key unique nulls not distinct (${['area_id', 'month', ...t.keys, 'ward_id'].join(', ')}))`,
    )
    .execute(db)
  for (const trigger of triggersOf(t)) {
    await sql`create function ${sql.id(trigger.name)}() returns trigger language plpgsql as $$${sql.raw(trigger.body)}$$`.execute(
      db,
    )
    await sql`create trigger ${sql.id(trigger.name)} after ${sql.raw(trigger.event)} on ${sql.table(`report_${t.name}_tally`)}
        referencing ${sql.raw(trigger.tables)} for each statement execute function ${sql.id(trigger.name)}()`.execute(
      db,
    )
    await sql`alter table ${sql.table(`report_${t.name}_tally`)} enable always trigger ${sql.id(trigger.name)}`.execute(
      db,
    )
  }
  const key = ['area_id', 'ward_id', 'month', ...t.keys]
  await sql
    .raw(
      `insert into report_${t.name}_month_tally (${[...key, ...t.values].join(', ')})
         select ${[...key, ...t.values.map((v) => `sum(${v})::${typeOf(t, v)}`)].join(', ')}
           from (select *, date_trunc('month', day)::date as month from report_${t.name}_tally) d
          group by ${key.join(', ')}`,
    )
    .execute(db)
  await sql`analyze ${sql.table(`report_${t.name}_month_tally`)}`.execute(db)
}

export async function stopKeepingByMonth(db: Kysely<any>, t: MonthTally): Promise<void> {
  for (const trigger of triggersOf(t)) {
    await sql`drop trigger if exists ${sql.id(trigger.name)} on ${sql.table(`report_${t.name}_tally`)}`.execute(db)
    await sql`drop function if exists ${sql.id(trigger.name)}()`.execute(db)
  }
  await sql`drop table if exists ${sql.table(`report_${t.name}_month_tally`)}`.execute(db)
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const t of tallies) await keepByMonth(db, t)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of tallies) await stopKeepingByMonth(db, t)
}
