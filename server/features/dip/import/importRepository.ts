import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../../db/types.ts'
import { drugTestValues, type NewDrugTest } from '../dipRepository.ts'

// The import's queries. Each takes the whole file's keys at once (arrays through unnest), so a
// file of 10,000 rows costs the same handful of round trips as a file of one.

type Db = Kysely<Database>

export async function importReference(db: Db) {
  const [suites, offences] = await Promise.all([
    db.selectFrom('custody_suite').select(['code', 'name', 'area_id']).where('active', '=', true).execute(),
    db.selectFrom('offence').select('code').where('active', '=', true).where('trigger_offence', '=', true).execute(),
  ])
  return {
    suites: new Map(suites.map((s) => [s.code, s.area_id])),
    suiteNames: new Map(suites.map((s) => [s.code, s.name])),
    offences: new Set(offences.map((o) => o.code)),
  }
}

export function areasByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db
    .selectFrom('area')
    .select(['id', 'name', 'kind'])
    .where('id', 'in', [...ids])
    .orderBy('name')
    .orderBy('id')
    .execute()
}

export type MatchedPerson = {
  id: string
  surname: string
  forenames: string
  date_of_birth: string
  pnc_id: string | null
  area_id: string
  restricted: boolean
}

/** People with any of these PNC IDs, in any area: a PNC ID is unique, so the caller must know about one outside its areas. */
export async function peopleByPncIds(db: Db, pncIds: readonly string[]): Promise<MatchedPerson[]> {
  if (pncIds.length === 0) return []
  const result = await sql<MatchedPerson>`
    select p.id, p.surname, p.forenames, p.date_of_birth, c.pnc_id, p.area_id, p.restricted
      from person c join person p on p.id = coalesce(c.combined_into, c.id)
     where c.pnc_id = any(${sql.val([...pncIds])}::text[])`.execute(db)
  return result.rows
}

export type NameKey = { surname: string; forenames: string; dateOfBirth: string }

/** People in the areas whose surname, forenames (case aside) and date of birth equal a key; with the key's index. */
export async function peopleByNameKeys(
  db: Db,
  areaIds: readonly string[],
  keys: readonly NameKey[],
): Promise<(MatchedPerson & { key: number })[]> {
  if (keys.length === 0 || areaIds.length === 0) return []
  const result = await sql<MatchedPerson & { key: number }>`
    select k.i - 1 as key, p.id, p.surname, p.forenames, p.date_of_birth, p.pnc_id, p.area_id, p.restricted
      from unnest(${sql.val(keys.map((k) => k.surname))}::text[], ${sql.val(keys.map((k) => k.forenames))}::text[],
                  ${sql.val(keys.map((k) => k.dateOfBirth))}::date[]) with ordinality as k(surname, forenames, dob, i)
      join person p on p.date_of_birth = k.dob and lower(p.surname) = lower(k.surname) and lower(p.forenames) = lower(k.forenames)
     where p.area_id = any(${sql.val([...areaIds])}::uuid[]) and p.combined_into is null`.execute(db)
  return result.rows.map((r) => ({ ...r, key: Number(r.key) }))
}

export type TestKey = { suite: string; custodyNumber: string; sampleTakenAt: Date }

/** The indexes of the keys that a recorded test already has (custody suite, custody number and sample time). */
export async function recordedTestKeys(db: Db, keys: readonly TestKey[]): Promise<Set<number>> {
  if (keys.length === 0) return new Set()
  const result = await sql<{ key: number }>`
    select k.i - 1 as key
      from unnest(${sql.val(keys.map((k) => k.suite))}::text[], ${sql.val(keys.map((k) => k.custodyNumber))}::text[],
                  ${sql.val(keys.map((k) => k.sampleTakenAt.toISOString()))}::timestamptz[]) with ordinality as k(suite, num, at, i)
     where exists (select 1 from drug_test t
                    where t.custody_suite_code = k.suite and t.custody_number = k.num and t.sample_taken_at = k.at)`.execute(
    db,
  )
  return new Set(result.rows.map((r) => Number(r.key)))
}

export type NewImportedPerson = NameKey & { id: string; pncId: string | null; areaId: string }

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Multi-row inserts, in chunks that stay well inside PostgreSQL's 65,535 parameters a statement. */
export async function insertPeople(
  db: Db,
  people: readonly NewImportedPerson[],
  createdBy: string,
  onChunk?: (n: number) => void,
) {
  for (const chunk of chunks(people, 1000)) {
    await db
      .insertInto('person')
      .values(
        chunk.map((p) => ({
          id: p.id,
          surname: p.surname,
          forenames: p.forenames,
          date_of_birth: p.dateOfBirth,
          // The custody file does not carry gender: the person's record is completed later.
          gender: 'unknown' as const,
          pnc_id: p.pncId,
          area_id: p.areaId,
          created_by: createdBy,
        })),
      )
      .execute()
    onChunk?.(chunk.length)
  }
}

export async function insertDrugTests(db: Db, tests: readonly NewDrugTest[], onChunk?: (n: number) => void) {
  for (const chunk of chunks(tests, 1000)) {
    await db.insertInto('drug_test').values(chunk.map(drugTestValues)).execute()
    onChunk?.(chunk.length)
  }
}

/** Imports run one at a time, so two uploads of overlapping files cannot both pass the duplicate check. */
export async function lockImports(db: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('cohort.drug_test_import'))`.execute(db)
}

// ---- the uploaded file between preview and commit ----

export const uploadLifetimeHours = 24

export async function insertUpload(
  db: Db,
  upload: { createdBy: string; fileName: string; content: string; sha256: string },
): Promise<string> {
  await db
    .deleteFrom('drug_test_import')
    .where('created_at', '<', sql<Date>`now() - make_interval(hours => ${uploadLifetimeHours})`)
    .execute()
  const row = await db
    .insertInto('drug_test_import')
    .values({
      created_by: upload.createdBy,
      file_name: upload.fileName,
      content: upload.content,
      sha256: upload.sha256,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** The upload if this user made it and it has not expired; locked until the transaction ends. */
export function findUploadForUpdate(db: Db, id: string, userId: string) {
  return db
    .selectFrom('drug_test_import')
    .select(['id', 'file_name', 'content', 'sha256'])
    .where('id', '=', id)
    .where('created_by', '=', userId)
    .where('created_at', '>=', sql<Date>`now() - make_interval(hours => ${uploadLifetimeHours})`)
    .forUpdate()
    .executeTakeFirst()
}

export async function deleteUpload(db: Db, id: string): Promise<void> {
  await db.deleteFrom('drug_test_import').where('id', '=', id).execute()
}
