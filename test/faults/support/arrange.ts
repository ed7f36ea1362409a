import pg from 'pg'
import { appRole, createDb } from '../../../db/index.ts'
import { auditKeyRing } from '../../../server/features/audit/auditKey.ts'
import { sealAuditLog } from '../../../server/features/audit/auditRepository.ts'
import { checkAuditLog, type AuditLogCheck } from '../../../server/features/audit/auditLogCheck.ts'
import { testAuditKey } from '../../helpers/testDatabase.ts'

/** Creates an empty database on the cluster (the app migrates and seeds it when it starts). */
export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`create database ${name}`)
  } finally {
    await client.end()
  }
}

/** Runs one query on a short-lived connection of its own. */
export async function query<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}

/**
 * Seals every committed audit row into the chain as the app's sealer does: through sealAuditLog,
 * as the app's role, with the key the app process was started with (a keyed chain takes no
 * row sealed without it).
 */
export async function sealAsTheApp(url: string): Promise<number> {
  const handle = await createDb({
    databaseUrl: url,
    dataDir: '',
    poolMax: 1,
    connectTimeoutMs: 10_000,
    statementTimeoutMs: 30_000,
    role: appRole,
  })
  try {
    return await sealAuditLog(handle.db, { keys: auditKeyRing(testAuditKey) })
  } finally {
    await handle.close()
  }
}

/** What `npm run audit:verify` would find: the chain under the app's key, and its end against the checkpoint file. */
export async function checkAuditLogAsTheApp(url: string, checkpointFile: string): Promise<AuditLogCheck> {
  const handle = await createDb({
    databaseUrl: url,
    dataDir: '',
    poolMax: 2,
    connectTimeoutMs: 10_000,
    statementTimeoutMs: 30_000,
    role: appRole,
  })
  try {
    return await checkAuditLog(handle.db, { keys: auditKeyRing(testAuditKey), checkpointFile })
  } finally {
    await handle.close()
  }
}

/**
 * `count` follow-up appointments held yesterday with no attendance recorded, each for a new
 * person in Havering with a positive test and a required assessment: work for a DIP worker.
 */
export async function arrangeDueAppointments(url: string, count: number): Promise<string[]> {
  const rows = await query<{ id: string }>(
    url,
    `with p as (
       insert into person (surname, forenames, date_of_birth, gender, area_id)
       select 'Faultline' || g, 'Sam', date '1980-01-01' + g, 'male', (select id from area where code = 'HV')
         from generate_series(1, $1::int) g
       returning id
     ), t as (
       insert into drug_test (person_id, custody_suite_code, custody_number, condition, trigger_offence_code, sample_taken_at, opiates, cocaine)
       select id, 'ROMFORD', 'FT/' || id, 'arrest', 'THEFT', now() - interval '5 days', 'positive', 'negative' from p
       returning id, person_id
     ), r as (
       insert into required_assessment (person_id, drug_test_id) select person_id, id from t returning id, person_id
     )
     insert into appointment (assessment_id, person_id, kind, scheduled_at, place, assessor, form)
     select id, person_id, 'follow_up', now() - interval '1 day', 'CJIT office, Romford', 'Sam Okafor', 'RA4' from r
     returning id`,
    [count],
  )
  return rows.map((r) => r.id)
}
