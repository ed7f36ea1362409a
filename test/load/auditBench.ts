/**
 * The audit pages at volume: 10,000,000 audit rows from the volume generator (over 100,000 people
 * and two years) on the machine's PostgreSQL. Times the queries behind "who has looked at this
 * record" (per person, with date and action filters, and a deep page), a user's activity (rows and
 * the count by day) and the CSV exports, prints p50/p95 and each plan; then audit:verify.
 *
 *   npm run bench:audit                        builds cohort_bench_audit, measures, drops it
 *   npm run bench:audit -- --keep              keeps it, and reuses it next time if it is there
 *   npm run bench:audit -- --rows 1000000      another size (a fresh database)
 *   npm run bench:audit -- --verify            also audit:verify in one pass and in ranges
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { createDb, type DbHandle } from '../../db/index.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { seedDemo } from '../../db/seed/demo.ts'
import { defaultVolumeSeed, generateVolume } from '../../db/seed/volume/index.ts'
import { volumeId } from '../../db/seed/volume/random.ts'
import { auditKeyRing, useAuditKeys } from '../../server/features/audit/auditKey.ts'
import { verifyAuditChain } from '../../server/features/audit/auditChainVerify.ts'
import { activityByDay, auditRows, type AuditFilters } from '../../server/features/auditViews/auditViewsRepository.ts'
import { addDays, todayInLondon } from '../../server/domain/time.ts'
import { testAuditKey } from '../helpers/testDatabase.ts'
import { admin, capture, databaseUrl, executionTime, explain, loadAverage, step, timeRuns } from './benchSupport.ts'

const { values } = parseArgs({
  options: {
    keep: { type: 'boolean' },
    rows: { type: 'string' },
    people: { type: 'string' },
    verify: { type: 'boolean' },
    runs: { type: 'string' },
  },
})
const auditRowCount = Number(values.rows ?? 10_000_000)
const people = Number(values.people ?? 100_000)
const runs = Number(values.runs ?? 30)
const databaseName = auditRowCount === 10_000_000 ? 'cohort_bench_audit' : `cohort_bench_audit_${auditRowCount}`
const pageSize = 100

async function prepare(): Promise<DbHandle> {
  const exists = (await admin(`select 1 from pg_database where datname = '${databaseName}'`)).length > 0
  const open = () =>
    createDb({
      databaseUrl: databaseUrl(databaseName),
      dataDir: '',
      poolMax: os.availableParallelism(),
      connectTimeoutMs: 5000,
      statementTimeoutMs: 3_600_000,
    })
  if (values.keep && exists) {
    const handle = await open()
    const count = await sql<{ n: number }>`select count(*)::int as n from audit_event`.execute(handle.db)
    if ((count.rows[0]?.n ?? 0) >= auditRowCount) {
      console.log(`Reusing ${databaseName} (${count.rows[0]?.n.toLocaleString('en-GB')} audit rows)`)
      return handle
    }
    await handle.close()
  }
  await admin(`drop database if exists ${databaseName} with (force)`)
  await admin(`create database ${databaseName}`)
  const handle = await open()
  console.log(`\nBuilding ${databaseName}`)
  await step('migrations', () => migrateToLatest(handle.db))
  await step('demo users and caseload', () => seedDemo(handle.db, { password: 'cohort-demo' }))
  await step(
    `volume generator (${people.toLocaleString('en-GB')} people, ${auditRowCount.toLocaleString('en-GB')} audit rows)`,
    () => generateVolume(handle.db, { people, auditRows: auditRowCount, password: 'cohort-demo' }),
  )
  return handle
}

async function main(): Promise<void> {
  // The generator seals its rows with this key and verify checks them with it; fixed, so that a
  // database kept with --keep still verifies on the next run.
  useAuditKeys(auditKeyRing(testAuditKey))
  const today = todayInLondon()
  const handle = await prepare()
  try {
    const { db, pool } = handle
    const hot = volumeId(defaultVolumeSeed, 'p', 1)
    const typical = volumeId(defaultVolumeSeed, 'p', Math.ceil(people / 2))
    const actor = await db
      .selectFrom('app_user')
      .select('id')
      .where('username', '=', `v${defaultVolumeSeed}.iom.0`)
      .executeTakeFirstOrThrow()
    const volumes = await sql<Record<string, number>>`
      select (select count(*) from audit_event)::int as audit_rows,
             (select count(*) from audit_event where person_id = ${hot})::int as rows_about_busiest_person,
             (select count(*) from audit_event where person_id = ${typical})::int as rows_about_a_typical_person,
             (select count(*) from audit_event where actor_user_id = ${actor.id})::int as rows_by_busiest_user`.execute(
      db,
    )
    console.log('\nVolumes')
    for (const [name, value] of Object.entries(volumes.rows[0] ?? {}))
      console.log(`  ${name.padEnd(30)} ${Number(value).toLocaleString('en-GB').padStart(12)}`)

    const quarter: AuditFilters = { from: addDays(today, -180), to: addDays(today, -90) }
    // A supervisor over every area: each row naming a person is still checked against the areas.
    const user = {
      actorUserId: actor.id,
      readerAreaIds: (await db.selectFrom('area').select('id').execute()).map((a) => a.id),
    }
    const page = { limit: pageSize + 1 }
    const deepBefore = await sql<{
      id: number
    }>`select a.id from audit_event a where a.person_id = ${hot} order by a.id desc offset 500 limit 1`.execute(db)
    const queries: [string, Parameters<typeof capture>[1]][] = [
      ['person: first page', (d) => auditRows(d, { personId: hot }, {}, page)],
      ['person (typical): first page', (d) => auditRows(d, { personId: typical }, {}, page)],
      [
        'person: a quarter, consultations',
        (d) => auditRows(d, { personId: hot }, { ...quarter, category: 'consultation' }, page),
      ],
      ['person: disclosures only (rare)', (d) => auditRows(d, { personId: hot }, { category: 'disclosure' }, page)],
      [
        'person: page 6 (keyset)',
        (d) => auditRows(d, { personId: hot }, {}, { ...page, beforeId: deepBefore.rows[0]?.id }),
      ],
      ['user: first page', (d) => auditRows(d, user, {}, page)],
      ['user: a quarter, first page', (d) => auditRows(d, user, quarter, page)],
      ['user: a year, first page', (d) => auditRows(d, user, { from: addDays(today, -365), to: today }, page)],
      ['user: activity by day (all time)', (d) => activityByDay(d, user, {})],
      ['user: activity by day (a quarter)', (d) => activityByDay(d, user, quarter)],
      ['CSV: person, all (50,000 max)', (d) => auditRows(d, { personId: hot }, {}, { limit: 50_000 })],
      ['CSV: user, a quarter (50,000 max)', (d) => auditRows(d, user, quarter, { limit: 50_000 })],
    ]
    const captured = await Promise.all(
      queries.map(async ([label, call]) => ({ label, query: await capture(pool, call) })),
    )

    console.log(`\nTimings in the server (EXPLAIN ANALYZE execution time; ${loadAverage()})`)
    for (const { label, query } of captured) await timeRuns(label, runs, () => executionTime(pool, query))
    console.log(`\nTimings end to end through Kysely and pg (${loadAverage()})`)
    for (const [label, call] of queries) await timeRuns(label, runs, () => call(db))

    for (const { label, query } of captured) {
      console.log(
        `\nEXPLAIN (ANALYZE, BUFFERS): ${label}\n${query.sql.replace(/\s+/g, ' ')}\nparameters: ${JSON.stringify(query.parameters)}`,
      )
      console.log(await explain(pool, query))
    }

    if (values.verify) {
      console.log(`\naudit:verify (${loadAverage()})`)
      const ranged = await step(`in ranges, ${os.availableParallelism()} at a time`, () =>
        verifyAuditChain(db, { parallel: os.availableParallelism() }),
      )
      console.log(`    ${JSON.stringify(ranged)}  (${loadAverage()})`)
      const onePass = await step('in one pass (as before)', () =>
        verifyAuditChain(db, { chunkSize: Number.MAX_SAFE_INTEGER, parallel: 1 }),
      )
      console.log(`    ${JSON.stringify(onePass)}  (${loadAverage()})`)
    }
  } finally {
    await handle.close()
    if (values.keep) console.log(`\nKept ${databaseName} (--keep)`)
    else await admin(`drop database if exists ${databaseName} with (force)`)
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
