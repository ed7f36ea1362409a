import { sql, type Kysely } from 'kysely'

// A report with no ward chosen sums its tallies over every ward of the boroughs, yet read them
// ward by ward: the rows of the cohort, failure and membership tallies are a ward's, so they fill
// with the caseload. At 100,000 people the cohort sizes read 13,798 rows (5.9 ms) where 863 carry
// the same sums per borough; the failures and the before/after measure grew as much, and the
// report worked out grew 1.5 to 1.7 times at p99 from 10,000 people. Each of these tallies, and
// its month rows, is now kept per borough as well (decision 0142), for reports without a ward; a
// ward's report reads the ward rows as before. The hot spots count failures by ward whatever
// their section and status: the failures are kept per ward without those keys too.
//
// The summed rows follow their tally's rows like its month rows do (decision 0139): a statement
// trigger on each insert, update and delete, enabled ALWAYS (the volume generator writes with
// replication off), moves them by the same amounts in the same transaction. The day tally is
// left: its rows are full at 10,000 people already, and every recorded attendance writes it.

/**
 * Rows of `from` summed into `to` over the keys it leaves out: borough and `keys`, each as `expr`
 * of a `from` row where given (the month rows group days by month), and the counters (integers, or
 * bigints where named).
 */
type SummedTally = {
  from: string
  to: string
  keys: readonly { name: string; type: string; expr?: string }[]
  values: readonly string[]
  bigints?: readonly string[]
}

const byMonth = { name: 'month', type: 'date not null', expr: `date_trunc('month', day)::date` }
const day = { name: 'day', type: 'date not null' }
const ward = { name: 'ward_id', type: 'uuid' }
const failureKeys = [
  { name: 'section', type: 'text not null' },
  { name: 'status', type: 'text not null' },
]
const programme = { name: 'programme', type: 'text not null' }
const membership = {
  values: ['members', 'before_tests', 'since_tests', 'adopted_days'],
  bigints: ['adopted_days'],
}

export const summedTallies: SummedTally[] = [
  {
    from: 'report_cohort_tally',
    to: 'report_cohort_borough_tally',
    keys: [{ name: 'month_end', type: 'date not null' }, programme, { name: 'tier', type: 'text' }],
    values: ['n'],
  },
  { from: 'report_failure_tally', to: 'report_failure_borough_tally', keys: [day, ...failureKeys], values: ['n'] },
  {
    from: 'report_failure_tally',
    to: 'report_failure_borough_month_tally',
    keys: [byMonth, ...failureKeys],
    values: ['n'],
  },
  { from: 'report_failure_tally', to: 'report_failure_ward_tally', keys: [day, ward], values: ['n'] },
  { from: 'report_failure_tally', to: 'report_failure_ward_month_tally', keys: [byMonth, ward], values: ['n'] },
  { from: 'report_membership_tally', to: 'report_membership_borough_tally', keys: [day, programme], ...membership },
  {
    from: 'report_membership_tally',
    to: 'report_membership_borough_month_tally',
    keys: [byMonth, programme],
    ...membership,
  },
]

const typeOf = (t: SummedTally, value: string) => (t.bigints?.includes(value) ? 'bigint' : 'integer')
const keyNames = (t: SummedTally) => ['area_id', ...t.keys.map((k) => k.name)]
const keyExprs = (t: SummedTally) => ['area_id', ...t.keys.map((k) => (k.expr ? `${k.expr} as ${k.name}` : k.name))]

/** The sums of `rows` (a transition table, or the tally itself) by borough and key, each counter `sign` times. */
const summed = (t: SummedTally, rows: string, sign: number) => `
  select ${keyNames(t).join(', ')}, ${t.values.map((v) => `(${sign} * sum(${v}))::${typeOf(t, v)} as ${v}`).join(', ')}
    from (select ${keyExprs(t).join(', ')}, ${t.values.join(', ')} from ${rows}) r
   group by ${keyNames(t).join(', ')}`

/** The body of a trigger on the tally's rows, for the transition tables its statement has. */
function follow(t: SummedTally, added: string | null, removed: string | null): string {
  const moves = [added && summed(t, added, 1), removed && summed(t, removed, -1)].filter(Boolean)
  const keys = keyNames(t)
  return `
  begin
    insert into ${t.to} as b (${[...keys, ...t.values].join(', ')})
    select ${[...keys, ...t.values.map((v) => `sum(${v})::${typeOf(t, v)}`)].join(', ')}
      from (${moves.join(' union all ')}) c
     group by ${keys.join(', ')}
    having ${t.values.map((v) => `sum(${v}) <> 0`).join(' or ')}
     order by ${keys.join(', ')}
    on conflict on constraint ${t.to}_key
    do update set ${t.values.map((v) => `${v} = b.${v} + excluded.${v}`).join(', ')};
    return null;
  end`
}

const triggersOf = (t: SummedTally) =>
  [
    { event: 'insert', tables: 'new table as added', body: follow(t, 'added', null) },
    { event: 'update', tables: 'new table as added old table as removed', body: follow(t, 'added', 'removed') },
    { event: 'delete', tables: 'old table as removed', body: follow(t, null, 'removed') },
  ].map((trigger) => ({ ...trigger, name: `${t.to}_${trigger.event}` }))

async function keepSummed(db: Kysely<any>, t: SummedTally): Promise<void> {
  const keys = t.keys.map((k) => `${k.name} ${k.type}`)
  const values = t.values.map((v) => `${v} ${typeOf(t, v)} not null default 0`)
  await sql
    .raw(
      `create table ${t.to} (
           area_id uuid not null, ${[...keys, ...values].join(', ')},
           constraint ${t.to}_key unique nulls not distinct (${keyNames(t).join(', ')}))`,
    )
    .execute(db)
  for (const trigger of triggersOf(t)) {
    await sql`create function ${sql.id(trigger.name)}() returns trigger language plpgsql as $$${sql.raw(trigger.body)}$$`.execute(
      db,
    )
    await sql`create trigger ${sql.id(trigger.name)} after ${sql.raw(trigger.event)} on ${sql.table(t.from)}
        referencing ${sql.raw(trigger.tables)} for each statement execute function ${sql.id(trigger.name)}()`.execute(
      db,
    )
    await sql`alter table ${sql.table(t.from)} enable always trigger ${sql.id(trigger.name)}`.execute(db)
  }
  await sql
    .raw(
      `insert into ${t.to} (${[...keyNames(t), ...t.values].join(', ')})
       select * from (${summed(t, t.from, 1)}) s where ${t.values.map((v) => `${v} <> 0`).join(' or ')}`,
    )
    .execute(db)
  await sql`analyze ${sql.table(t.to)}`.execute(db)
}

async function stopKeepingSummed(db: Kysely<any>, t: SummedTally): Promise<void> {
  for (const trigger of triggersOf(t)) {
    await sql`drop trigger if exists ${sql.id(trigger.name)} on ${sql.table(t.from)}`.execute(db)
    await sql`drop function if exists ${sql.id(trigger.name)}()`.execute(db)
  }
  await sql`drop table if exists ${sql.table(t.to)}`.execute(db)
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const t of summedTallies) await keepSummed(db, t)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [...summedTallies].reverse()) await stopKeepingSummed(db, t)
}
