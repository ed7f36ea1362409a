import { sql, type Kysely } from 'kysely'
import { compiledOnce } from '../../../db/compiledOnce.ts'
import type { Database } from '../../../db/types.ts'

// The reference data that forms and lists offer (code lists, boroughs, wards): read by many features.

type Db = Kysely<Database>

export async function activeCodes(
  db: Db,
  table: 'contact_type' | 'marker_type' | 'deselection_reason' | 'referral_source',
) {
  return db.selectFrom(table).select(['code', 'label']).where('active', '=', true).orderBy('sort_order').execute()
}

/** The code is one the list offers now: what a form's choice from the list must be. */
export async function isActiveCode(
  db: Db,
  table: 'contact_type' | 'marker_type' | 'deselection_reason' | 'referral_source',
  code: string | null,
): Promise<boolean> {
  return (await activeCodes(db, table)).some((row) => row.code === code)
}

/** Every code of a list, retired ones too (old records keep them): for filters over past records. */
export async function allCodes(
  db: Db,
  table: 'contact_type' | 'marker_type' | 'deselection_reason' | 'referral_source',
) {
  return db.selectFrom(table).select(['code', 'label', 'active']).orderBy('sort_order').orderBy('label').execute()
}

const wardsStatement = compiledOnce({ areaIds: [] as readonly string[], onDate: '' }, (db, { areaIds, onDate }) =>
  db
    .selectFrom('ward as w')
    .innerJoin('area as a', 'a.id', 'w.borough_id')
    .select(['w.id', 'w.name', 'a.name as borough_name', 'w.valid_from', 'w.valid_to'])
    .where(sql<boolean>`w.borough_id = any(${sql.val([...areaIds])}::uuid[])`)
    .where('w.valid_from', '<=', onDate)
    .where((eb) => eb.or([eb('w.valid_to', 'is', null), eb('w.valid_to', '>=', onDate)]))
    .orderBy('a.name')
    .orderBy('w.name'),
)

/** The wards of the given boroughs on a day. Every list with a ward filter asks, so compiled once. */
export async function wardsOfAreas(db: Db, areaIds: readonly string[], onDate: string) {
  if (areaIds.length === 0) return []
  return (await db.executeQuery(wardsStatement(db, { areaIds, onDate }))).rows
}

const boroughsStatement = compiledOnce({ areaIds: [] as readonly string[] }, (db, { areaIds }) =>
  db
    .selectFrom('area')
    .select(['id', 'name'])
    .where('kind', '=', 'borough')
    .where(sql<boolean>`id = any(${sql.val([...areaIds])}::uuid[])`)
    .orderBy('name'),
)

export async function boroughsIn(db: Db, areaIds: readonly string[]) {
  if (areaIds.length === 0) return []
  return (await db.executeQuery(boroughsStatement(db, { areaIds }))).rows
}
