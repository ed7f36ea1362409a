import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { combinationOwnReferences, personForeignKeys } from '../../../server/features/combination/personReferences.ts'
import { postForm, sealed } from '../../helpers/factories.ts'
import type { Agent } from '../../helpers/signIn.ts'

type Db = Kysely<Database>
type Session = { agent: Agent; csrf: string }

/**
 * Every row that refers to a person, found through the catalog's foreign keys (so a table added
 * later is included without changing this): 'table.column' → sorted row ids.
 */
export async function rowsOf(db: Db, personId: string): Promise<Record<string, string[]>> {
  const rows: Record<string, string[]> = {}
  for (const ref of await personForeignKeys(db)) {
    if (ref in combinationOwnReferences) continue
    const [table = '', column = ''] = ref.split('.')
    const result = await sql<{
      id: string
    }>`select id::text as id from ${sql.table(table)} where ${sql.ref(column)} = ${personId} order by id`.execute(db)
    rows[ref] = result.rows.map((r) => r.id)
  }
  return rows
}

export async function personFields(db: Db, personId: string) {
  return db
    .selectFrom('person')
    .select(['surname', 'forenames', 'date_of_birth', 'pnc_id', 'cro_number', 'restricted', 'area_id', 'combined_into'])
    .where('id', '=', personId)
    .executeTakeFirstOrThrow()
}

export async function versionOf(db: Db, personId: string): Promise<number> {
  return (await db.selectFrom('person').select('version').where('id', '=', personId).executeTakeFirstOrThrow()).version
}

/** The check page's form, as the browser would send it after a look at both records. */
export async function combineForm(
  db: Db,
  survivorId: string,
  mergedId: string,
  overrides: Record<string, string | string[]> = {},
) {
  return {
    mergedId,
    survivorVersion: String(await versionOf(db, survivorId)),
    mergedVersion: String(await versionOf(db, mergedId)),
    reason: 'Fingerprints at Romford custody confirmed the same person',
    confirmSamePerson: 'yes',
    ...overrides,
  }
}

/** Combines through the real form and checks the answer's status (303 unless told). */
export async function combine(db: Db, session: Session, survivorId: string, mergedId: string, status = 303) {
  return postForm(session, `/people/${survivorId}/combine`, await combineForm(db, survivorId, mergedId)).expect(status)
}

export async function combinationOf(db: Db, mergedId: string) {
  return db
    .selectFrom('person_combination')
    .selectAll()
    .where('merged_id', '=', mergedId)
    .orderBy('combined_at', 'desc')
    .executeTakeFirstOrThrow()
}

export async function reverse(
  db: Db,
  session: Session,
  survivorId: string,
  mergedId: string,
  status = 303,
  reason = 'The custody record was for his brother',
) {
  const combination = await combinationOf(db, mergedId)
  return postForm(session, `/people/${survivorId}/combinations/reverse`, {
    combinationId: combination.id,
    version: String(combination.version),
    reverseReason: reason,
  }).expect(status)
}

export async function combinationAudit(db: Db, since: number) {
  return (await sealed(db))
    .selectFrom('audit_event')
    .select(['category', 'event', 'person_id', 'detail'])
    .where('category', '=', 'combination')
    .where('id', '>', since)
    .orderBy('id')
    .execute()
}
