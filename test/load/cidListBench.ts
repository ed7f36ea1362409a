/**
 * The CID list at East Area volume: the volume generator's population of 100,000 people (about
 * a million appointments, tens of thousands of DIP failures, wanted ones among them, warning
 * markers and countersigned CID entries). Times cidList (the one query behind /cid, its CSV
 * export and the briefing sheet) and proposeEligible, and prints the list's plan. Figures only, no assertions.
 *
 *   npm run bench:cid            builds cohort_bench_cid on the machine's PostgreSQL, then drops it
 *   npm run bench:cid -- --keep  leaves the database for a closer look
 */
import { sql } from 'kysely'
import { createDb } from '../../db/index.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { seedDemo } from '../../db/seed/demo.ts'
import { generateVolume } from '../../db/seed/volume/index.ts'
import { cidList } from '../../server/features/cid/cidRepository.ts'
import { proposeEligible } from '../../server/features/dip/cidHandOffRepository.ts'
import { findActiveSessionUser } from '../../server/features/users/usersRepository.ts'
import { todayInLondon } from '../../server/domain/time.ts'
import {
  admin,
  capture,
  databaseUrl,
  executionTime,
  explain,
  loadAverage,
  step,
  timeRuns as timeRunsOf,
} from './benchSupport.ts'

const databaseName = 'cohort_bench_cid'
const keep = process.argv.includes('--keep')
const runs = 50
const timeRuns = (label: string, work: () => Promise<unknown>) => timeRunsOf(label, runs, work)

const people = 100_000

async function main(): Promise<void> {
  const today = todayInLondon()
  console.log(`CID list benchmark on ${databaseName} (today ${today})`)
  await admin(`drop database if exists ${databaseName} with (force)`)
  await admin(`create database ${databaseName}`)
  const handle = await createDb({
    databaseUrl: databaseUrl(databaseName),
    dataDir: '',
    poolMax: 4,
    connectTimeoutMs: 5000,
    statementTimeoutMs: 900_000,
  })
  try {
    console.log('\nBuilding the data')
    await step('migrations', () => migrateToLatest(handle.db))
    await step('demo users and caseload', () => seedDemo(handle.db, { password: 'cohort-demo' }))
    await step(`volume generator (${people.toLocaleString('en-GB')} people)`, () =>
      generateVolume(handle.db, { people, password: 'cohort-demo' }),
    )

    const counts = await sql<Record<string, number>>`
      select (select count(*) from person) as people,
             (select count(*) from appointment) as appointments,
             (select count(*) from dip_failure) as failures,
             (select count(*) from dip_failure where status = 'wanted') as wanted,
             (select count(*) from person_marker) as markers,
             (select count(*) from person_marker where ended_on is null and marker_code in ('violent', 'weapons')) as current_violence_markers,
             (select count(*) from cid_entry where status = 'countersigned') as countersigned`.execute(handle.db)
    console.log('\nVolumes')
    for (const [name, value] of Object.entries(counts.rows[0] ?? {}))
      console.log(`  ${name.padEnd(26)} ${Number(value).toLocaleString('en-GB').padStart(10)}`)

    const cid = await handle.db
      .selectFrom('app_user')
      .select('id')
      .where('username', '=', 'cid')
      .executeTakeFirstOrThrow()
    const user = await findActiveSessionUser(handle.db, cid.id)
    if (!user) throw new Error('The cid demo user is missing')
    const rows = await cidList(handle.db, user.visibleAreaIds, {}, today)
    console.log(`\nThe cid user's list: ${rows.length} people from ${user.visibleAreaIds.length} areas`)

    const listQuery = await capture(handle.pool, (db) => cidList(db, user.visibleAreaIds, {}, today))
    console.log(`\nTimings (${loadAverage()})`)
    await timeRuns('cidList (whole list)', () => cidList(handle.db, user.visibleAreaIds, {}, today))
    await timeRuns('cidList, in the server only', () => executionTime(handle.pool, listQuery))
    await timeRuns('cidList (time bar within 30 days)', () =>
      cidList(handle.db, user.visibleAreaIds, { maxDaysToTimeBar: 30 }, today),
    )
    await timeRuns('cidList (one entry: the briefing sheet)', () =>
      cidList(handle.db, user.visibleAreaIds, {}, today, rows[0]?.id),
    )
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
