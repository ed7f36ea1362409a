import { sql } from 'kysely'
import { createDb, type DbHandle } from '../../db/index.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { seedDemo } from '../../db/seed/demo.ts'
import { generateVolume } from '../../db/seed/volume/index.ts'
import { todayInLondon } from '../../server/domain/time.ts'
import { closeTimeBarredFailures } from '../../server/features/dip/dipFailureRepository.ts'
import { appointmentDayCounts } from '../../server/features/tasks/tasksRepository.ts'
import { demoPassword } from '../helpers/constants.ts'
import { admin, databaseUrl, step } from './benchSupport.ts'

// The benchmark's database: the demo data plus the volume generator's population, built once per
// size on the machine's PostgreSQL and kept (building 100,000 people takes minutes), so that a
// second run measures the same rows. --rebuild starts again.

export const benchDatabaseName = (people: number) => `cohort_bench_${people}`

export async function openAsOwner(name: string): Promise<DbHandle> {
  return createDb({
    databaseUrl: databaseUrl(name),
    dataDir: '',
    poolMax: 4,
    connectTimeoutMs: 5000,
    statementTimeoutMs: 1_800_000,
  })
}

/** Builds the database unless it is there already, complete (the generator's last step is ANALYZE, so a half-built one has no `bench_built` row). */
export async function ensureBenchDatabase(people: number, rebuild: boolean): Promise<string> {
  const name = benchDatabaseName(people)
  const exists = (await admin(`select 1 from pg_database where datname = '${name}'`)).length > 0
  if (exists && !rebuild && (await isComplete(name))) {
    console.log(`Using ${name} as built before (--rebuild to build it again)`)
    return name
  }
  console.log(`Building ${name}: migrations, demo data, ${people.toLocaleString('en-GB')} synthetic people`)
  await admin(`drop database if exists ${name} with (force)`)
  await admin(`create database ${name}`)
  const handle = await openAsOwner(name)
  try {
    await step('migrations', () => migrateToLatest(handle.db))
    await step('demo users and caseload', () => seedDemo(handle.db, { password: demoPassword }))
    await step(`volume generator (${people.toLocaleString('en-GB')} people)`, () =>
      generateVolume(handle.db, { people, password: demoPassword }),
    )
    // The generator leaves failures past their time bar as they were made; a live system's sweep
    // closes them within minutes. Closed here, and vacuumed, so the app's first sweep under load
    // does not rewrite tens of thousands of rows in the middle of a run.
    await step('time-bar sweep', async () => {
      await closeTimeBarredFailures(handle.db, todayInLondon())
      for (const table of ['dip_failure', 'dip_failure_event', 'cid_entry'])
        await sql`vacuum (analyze) ${sql.table(table)}`.execute(handle.db)
    })
    await sql`create table bench_built (built_at timestamptz not null default now())`.execute(handle.db)
    await sql`insert into bench_built default values`.execute(handle.db)
  } finally {
    await handle.close()
  }
  return name
}

async function isComplete(name: string): Promise<boolean> {
  const handle = await openAsOwner(name)
  try {
    const found = await sql<{
      n: number
    }>`select count(*)::int as n from pg_tables where tablename = 'bench_built'`.execute(handle.db)
    return (found.rows[0]?.n ?? 0) > 0
  } finally {
    await handle.close()
  }
}

/**
 * Counts for the report's heading. Today's appointments not yet recorded are among them: the
 * task list skips those already recorded, and each run's write page records more of them.
 */
export async function volumes(handle: DbHandle): Promise<Record<string, number>> {
  const allAreas = (await handle.db.selectFrom('area').select('id').execute()).map((area) => area.id)
  const counts = await sql<Record<string, number>>`
    select (select count(*) from person) as people,
           (select count(*) from appointment) as appointments,
           (select count(*) from drug_test) as "drug tests",
           (select count(*) from dip_failure) as failures,
           (select count(*) from audit_event) as "audit rows",
           d.appointments as "appointments today", d.to_record as "today's still to record"
      from ${appointmentDayCounts(allAreas, todayInLondon())} d`.execute(handle.db)
  return counts.rows[0] ?? {}
}

/**
 * Reads the whole database into the operating system's file cache, as a live server's cache
 * would hold it. On this project's machines a kernel daemon (DAMON) pages out any memory left
 * untouched for about a minute, file cache included, so a page loaded after a pause (the next
 * benchmark, another database's run) first read its rows from disk: two runs at 100,000 people
 * stalled for one to two seconds, their backends waiting on data file reads. Called before each
 * page's warm-up; it takes under a second when the cache is warm, and a few seconds when not.
 * Returns false, and changes nothing, where the pg_prewarm extension is not installed.
 */
export async function prewarm(name: string): Promise<boolean> {
  const handle = await openAsOwner(name)
  try {
    const available = await sql<{
      n: number
    }>`select count(*)::int as n from pg_available_extensions where name = 'pg_prewarm'`.execute(handle.db)
    if (!available.rows[0]?.n) return false
    await sql`create extension if not exists pg_prewarm`.execute(handle.db)
    await sql`
      select sum(pg_prewarm(c.oid, 'read')) from pg_class c
       where c.relkind in ('r', 'i', 'm', 't') and c.relpersistence = 'p'
         and c.relnamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)`.execute(handle.db)
    return true
  } finally {
    await handle.close()
  }
}
