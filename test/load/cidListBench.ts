/**
 * The CID list at East Area volume: 100,000 people, a million appointments, 20,000 DIP
 * failures (2,000 wanted), 15,000 warning markers (4,000 current violent or weapons) and 500
 * countersigned CID entries. Times cidList (the one query behind /cid, its CSV export and the
 * briefing sheet) and proposeEligible, and prints the list's plan. Figures only, no assertions.
 *
 *   npm run bench:cid            builds cohort_bench_cid on the machine's PostgreSQL, then drops it
 *   npm run bench:cid -- --keep  leaves the database for a closer look
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely'
import pg from 'pg'
import { createDb } from '../../db/index.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { seedDemo } from '../../db/seed/demo.ts'
import type { Database } from '../../db/types.ts'
import { cidList, proposeEligible } from '../../server/features/cid/cidRepository.ts'
import { findActiveSessionUser } from '../../server/features/users/usersRepository.ts'
import { todayInLondon } from '../../server/http/dates.ts'

const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const databaseName = 'cohort_bench_cid'
const keep = process.argv.includes('--keep')
const runs = 50

const volume = { people: 100_000, appointmentsPerPerson: 10 }

type Db = Kysely<Database>

function benchUrl(): string {
  const url = new URL(adminUrl)
  url.pathname = `/${databaseName}`
  return url.toString()
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const result = await work()
  console.log(`  ${label.padEnd(58)} ${(performance.now() - started).toFixed(0).padStart(7)} ms`)
  return result
}

/**
 * Set-based and deterministic: every row is a function of its generate_series number (ids are
 * md5 of the number), dates are relative to today. Person n lives in borough n % 3.
 */
async function generate(db: Db, today: string): Promise<void> {
  const people = volume.people
  const day = sql`${today}::date`
  const n = (value: number) => sql.lit(value)
  await step(`people (${people.toLocaleString('en-GB')})`, () =>
    sql`
      insert into person (id, surname, forenames, date_of_birth, gender, area_id, ward_id, address)
      select md5('p' || n)::uuid,
             (array['Smith','Jones','Taylor','Brown','Williams','Wilson','Johnson','Davies','Patel','Wright',
                    'Robinson','Wood','Thompson','Evans','Walker','White','Roberts','Green','Hall','Thomas',
                    'Clarke','Jackson','Khan','Lewis','Harris','Martin','Ali','Cooper','King','Baker',
                    'Hughes','Edwards','Turner','Hill','Moore','Clark','Harrison','Scott','Young','Morris'])[1 + n % 40],
             (array['Alex','Sam','Jordan','Chris','Daniel','Liam','Jamie','Ryan','Kyle','Dean',
                    'Lee','Aaron','Callum','Jade','Chloe','Leah','Kerry','Shannon','Amy','Danielle'])[1 + (n / 40) % 20],
             date '1960-01-01' + (n * 37) % 16000,
             case when n % 9 = 0 then 'female' else 'male' end,
             boroughs.ids[1 + n % 3],
             case when n % 3 = 0 then wards.ids[1 + (n / 3) % cardinality(wards.ids)] end,
             n || ' Bench Road'
        from generate_series(1, ${n(people)}) n,
             (select array_agg(id order by code) as ids from area where code in ('BD', 'HV', 'RB')) boroughs,
             (select array_agg(w.id order by w.name) as ids from ward w join area a on a.id = w.borough_id
               where a.code = 'HV' and w.valid_to is null) wards`.execute(db),
  )
  await step('drug tests and required assessments (one each per person)', async () => {
    await sql`
      insert into drug_test (id, person_id, custody_suite_code, custody_number, condition, trigger_offence_code, sample_taken_at, opiates, cocaine)
      select md5('t' || n)::uuid, md5('p' || n)::uuid, 'ROMFORD', 'BENCH/' || n, 'arrest', 'THEFT',
             (${day} - n % 540) + time '09:30', 'positive', case when n % 2 = 0 then 'positive' else 'negative' end
        from generate_series(1, ${n(people)}) n`.execute(db)
    await sql`
      insert into required_assessment (id, person_id, drug_test_id, imposed_at)
      select md5('a' || n)::uuid, md5('p' || n)::uuid, md5('t' || n)::uuid, (${day} - n % 540) + time '11:00'
        from generate_series(1, ${n(people)}) n`.execute(db)
  })
  await step(`appointments (${(people * volume.appointmentsPerPerson).toLocaleString('en-GB')}: one initial, then follow-ups)`, () =>
    sql`
      insert into appointment (id, assessment_id, person_id, kind, scheduled_at, place, assessor, form)
      select md5('ap' || n || '-' || k)::uuid, md5('a' || n)::uuid, md5('p' || n)::uuid,
             case when k = 0 then 'initial' else 'follow_up' end,
             (${day} - n % 540 + 3 + 14 * k) + time '10:00',
             'CJIT office, Romford', 'Bench assessor',
             case when k = 0 then 'RA1' else 'RA4' end
        from generate_series(1, ${n(people)}) n cross join generate_series(0, ${n(volume.appointmentsPerPerson - 1)}) k`.execute(db),
  )

  // Failures: every fifth person (20,000); every fiftieth is wanted (2,000), failed within the last
  // 170 days; every 500th has a second wanted failure. The rest are at every later stage.
  await step('failures (20,000; 2,000 wanted) with their attendance', async () => {
    await sql`
      create unlogged table bench_failure as
      select n, k,
             md5('ap' || n || '-' || k)::uuid as appointment_id,
             case when k = 0 then 's12' else 's14' end as section,
             case when n % 50 = 0 then ${day} - 1 - (n / 50 + k) % 170 else ${day} - n % 700 end as failure_date
        from generate_series(5, ${n(people)}, 5) n
        cross join lateral (select case when n % 10 = 0 then 0 else 1 end as k
                            union all select 2 where n % 500 = 0) ks`.execute(db)
    await sql`
      insert into attendance (appointment_id, outcome, good_cause)
      select appointment_id, case when n % 3 = 0 then 'left_early' else 'did_not_attend' end, false from bench_failure`.execute(db)
    await sql`
      insert into dip_failure (id, appointment_id, person_id, section, failure_date, time_bar_date, status,
                               statement_produced_on, wanted_since, wanted_reference)
      select md5('f' || n || '-' || k)::uuid, appointment_id, md5('p' || n)::uuid, section, failure_date,
             (failure_date + interval '6 months')::date,
             case when n % 50 = 0 then 'wanted'
                  when (failure_date + interval '6 months')::date < ${day} then
                    (array['time_barred','time_barred','charged','no_further_action','withdrawn'])[1 + (n / 5) % 5]
                  else (array['open','arrested','charged','summonsed','withdrawn'])[1 + (n / 5) % 5] end,
             failure_date + 2,
             case when n % 50 = 0 then failure_date + 4 end,
             case when n % 50 = 0 then 'PNC/WM/' || n || '/' || k end
        from bench_failure`.execute(db)
    await sql`drop table bench_failure`.execute(db)
  })

  // Markers (≈15,000): violent for a third of the wanted (so some wanted people are violent),
  // violent or weapons at random elsewhere, ended violent ones, and the other kinds.
  await step('warning markers (~15,000; ~4,000 current violent or weapons)', () =>
    sql`
      insert into person_marker (person_id, marker_code, start_date, ended_on)
      select md5('p' || n)::uuid, code, start_date, ended_on from (
        select n, 'violent' as code, ${day} - 1 - n % 400 as start_date, null::date as ended_on
          from generate_series(150, ${n(people)}, 150) n
        union all
        select n, case when n % 2 = 0 then 'violent' else 'weapons' end, ${day} - 1 - n % 900, null
          from generate_series(1, ${n(people)}) n where n % 29 = 1
        union all
        select n, 'violent', ${day} - 800 - n % 400, ${day} - 1 - n % 300
          from generate_series(1, ${n(people)}) n where n % 41 = 2
        union all
        select n, (array['drugs','self_harm','mental_health','escaper','firearms'])[1 + n % 5], ${day} - 1 - n % 1000, null
          from generate_series(1, ${n(people)}) n where n % 12 = 5
      ) m`.execute(db),
  )

  await step('CID entries (500 countersigned, 500 closed earlier) with history', async () => {
    await sql`
      insert into cid_entry (failure_id, person_id, source, reason, proposed_at, status, decided_at, rationale)
      select f.id, f.person_id, 'system', 'Wanted for an ' || f.section || ' DIP failure, with a current violent marker',
             f.wanted_since::timestamptz, 'countersigned', f.wanted_since::timestamptz + interval '1 day', 'Bench countersignature'
        from dip_failure f
       where f.status = 'wanted' and f.time_bar_date >= ${day}
         and not exists (select 1 from cid_entry e where e.failure_id = f.id)
         and exists (select 1 from person_marker m where m.person_id = f.person_id and m.ended_on is null
                       and m.marker_code in ('violent', 'weapons'))
       order by f.id
       limit 500`.execute(db)
    await sql`
      insert into cid_entry (failure_id, person_id, source, reason, status, decided_at, rationale)
      select f.id, f.person_id, 'system', 'Bench history',
             case when f.status = 'time_barred' then 'time_barred' else f.status end, now(), 'Bench history'
        from dip_failure f
       where f.status in ('charged', 'no_further_action', 'withdrawn', 'time_barred')
         and not exists (select 1 from cid_entry e where e.failure_id = f.id)
       order by f.id
       limit 500`.execute(db)
    await sql`
      insert into cid_entry_event (entry_id, kind, event_date, note)
      select e.id, k.kind, ${day} - 10, 'Bench'
        from cid_entry e cross join (values ('proposed'), ('countersigned')) k(kind)
       where e.rationale like 'Bench%'`.execute(db)
  })

  await step('cohort memberships (25,000) and MASH links (3,000)', async () => {
    await sql`
      insert into cohort_membership (person_id, programme, status, tier, lead_officer_id, adopted_on)
      select md5('p' || n)::uuid, 'iom_fixed', 'active', (array['red','amber','green'])[1 + n % 3],
             (select id from app_user where username = 'iom'), ${day} - n % 700
        from generate_series(4, ${n(people)}, 4) n`.execute(db)
    await sql`
      insert into partner_link (person_id, agency, reference, status, opened_on, agreement_id, brag_rating)
      select md5('p' || n)::uuid, 'mash', 'MASH-' || n, case when n % 2 = 0 then 'open' else 'closed' end,
             ${day} - n % 300, agreement.id, (array['red','amber','green','blue'])[1 + n % 4]
        from generate_series(33, 99000, 33) n,
             (select id from sharing_agreement where agency = 'mash' order by starts_on limit 1) agreement`.execute(db)
  })
  await step('ANALYZE', () => sql`analyze`.execute(db))
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

/** Runs `work` once to warm the cache, then `runs` times; `work` may report the server's own time instead of the wall clock. */
async function timeRuns(label: string, work: () => Promise<unknown>): Promise<void> {
  await work()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const result = await work()
    const elapsed = performance.now() - started
    times.push(result instanceof ServerTime ? result.ms : elapsed)
  }
  times.sort((a, b) => a - b)
  const f = (n: number) => n.toFixed(1).padStart(7)
  console.log(`  ${label.padEnd(40)} p50 ${f(percentile(times, 50))} ms   p95 ${f(percentile(times, 95))} ms   max ${f(times[times.length - 1] ?? Number.NaN)} ms   (${runs} runs)`)
}

/** The SQL and parameters Kysely sends for a repository call, captured from its query log. */
async function capture(pool: pg.Pool, call: (db: Db) => Promise<unknown>): Promise<CompiledQuery> {
  let last: CompiledQuery | undefined
  const logged = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') last = event.query
    },
  })
  await call(logged)
  if (!last) throw new Error('No query was logged')
  return last
}

class ServerTime {
  constructor(readonly ms: number) {}
}

/** The server's own execution time of a read-only query, without the client, the network or parsing rows. */
async function executionTime(pool: pg.Pool, query: CompiledQuery): Promise<ServerTime> {
  const result = await pool.query<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(`explain (analyze, timing off, format json) ${query.sql}`, [...query.parameters])
  return new ServerTime(result.rows[0]?.['QUERY PLAN'][0]['Execution Time'] ?? Number.NaN)
}

async function explain(pool: pg.Pool, query: CompiledQuery): Promise<string> {
  const client = await pool.connect()
  try {
    // proposeEligible writes; its plan is taken in a transaction that is rolled back.
    await client.query('begin')
    const result = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${query.sql}`, [...query.parameters])
    await client.query('rollback')
    return result.rows.map((r) => r['QUERY PLAN']).join('\n')
  } finally {
    client.release()
  }
}

async function main(): Promise<void> {
  const today = todayInLondon()
  console.log(`CID list benchmark on ${databaseName} (today ${today})`)
  await admin(`drop database if exists ${databaseName} with (force)`)
  await admin(`create database ${databaseName}`)
  const handle = await createDb({ databaseUrl: benchUrl(), dataDir: '', poolMax: 4, connectTimeoutMs: 5000, statementTimeoutMs: 900_000 })
  try {
    console.log('\nBuilding the data')
    await step('migrations', () => migrateToLatest(handle.db))
    await step('demo users and caseload', () => seedDemo(handle.db, { password: 'cohort-demo' }))
    await generate(handle.db, today)

    const counts = await sql<Record<string, number>>`
      select (select count(*) from person) as people,
             (select count(*) from appointment) as appointments,
             (select count(*) from dip_failure) as failures,
             (select count(*) from dip_failure where status = 'wanted') as wanted,
             (select count(*) from person_marker) as markers,
             (select count(*) from person_marker where ended_on is null and marker_code in ('violent', 'weapons')) as current_violence_markers,
             (select count(*) from cid_entry where status = 'countersigned') as countersigned`.execute(handle.db)
    console.log('\nVolumes')
    for (const [name, value] of Object.entries(counts.rows[0] ?? {})) console.log(`  ${name.padEnd(26)} ${Number(value).toLocaleString('en-GB').padStart(10)}`)

    const cid = await handle.db.selectFrom('app_user').select('id').where('username', '=', 'cid').executeTakeFirstOrThrow()
    const user = await findActiveSessionUser(handle.db, cid.id)
    if (!user) throw new Error('The cid demo user is missing')
    const rows = await cidList(handle.db, user.visibleAreaIds, {}, today)
    console.log(`\nThe cid user's list: ${rows.length} people from ${user.visibleAreaIds.length} areas`)

    const listQuery = await capture(handle.pool, (db) => cidList(db, user.visibleAreaIds, {}, today))
    const [load1, load5] = os.loadavg()
    console.log(`\nTimings (load average ${load1?.toFixed(1)} / ${load5?.toFixed(1)} on ${os.cpus().length} CPUs)`)
    await timeRuns('cidList (whole list)', () => cidList(handle.db, user.visibleAreaIds, {}, today))
    await timeRuns('cidList, in the server only', () => executionTime(handle.pool, listQuery))
    await timeRuns('cidList (time bar within 30 days)', () => cidList(handle.db, user.visibleAreaIds, { maxDaysToTimeBar: 30 }, today))
    await timeRuns('cidList (one entry: the briefing sheet)', () => cidList(handle.db, user.visibleAreaIds, {}, today, rows[0]?.id))
    const first = await step('proposeEligible, first run (proposes the rest)', () => proposeEligible(handle.db, today))
    console.log(`  (${first} new proposals)`)
    await timeRuns('proposeEligible (nothing new to propose)', () => proposeEligible(handle.db, today))

    console.log('\nThe list query')
    console.log(listQuery.sql.replace(/\n\s*\n/g, '\n'))
    console.log(`parameters: ${JSON.stringify(listQuery.parameters)}`)
    console.log('\nEXPLAIN (ANALYZE, BUFFERS) of the list query')
    console.log(await explain(handle.pool, listQuery))
    console.log('\nEXPLAIN (ANALYZE, BUFFERS) of proposeEligible (rolled back)')
    console.log(await explain(handle.pool, await capture(handle.pool, (db) => proposeEligible(db, today))))
  } finally {
    await handle.close()
    if (keep) console.log(`\nKept ${databaseName} (--keep)`)
    else await admin(`drop database if exists ${databaseName} with (force)`)
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
