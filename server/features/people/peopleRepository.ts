import { sql, type Kysely } from 'kysely'
import { compiledOnce } from '../../../db/compiledOnce.ts'
import type { Database, Gender } from '../../../db/types.ts'
import { updateIfVersion } from '../../queries/updateIfVersion.ts'
import { userNameOf } from '../../queries/userName.ts'

type Db = Kysely<Database>

export type PersonSummary = {
  id: string
  surname: string
  forenames: string
  date_of_birth: string
  pnc_id: string | null
  cro_number: string | null
  area_name: string
  ward_name: string | null
  restricted: boolean
  matched_alias: string | null
}

const summaryColumns = [
  'p.id',
  'p.surname',
  'p.forenames',
  'p.date_of_birth',
  'p.pnc_id',
  'p.cro_number',
  'p.restricted',
  'a.name as area_name',
  'w.name as ward_name',
] as const

function summaries(db: Db) {
  return db
    .selectFrom('person as p')
    .innerJoin('area as a', 'a.id', 'p.area_id')
    .leftJoin('ward as w', 'w.id', 'p.ward_id')
}

export async function findByIdentifier(
  db: Db,
  areaIds: readonly string[],
  field: 'pnc_id' | 'cro_number',
  value: string,
): Promise<PersonSummary[]> {
  if (areaIds.length === 0) return []
  return (
    summaries(db)
      .select([...summaryColumns, sql<null>`null`.as('matched_alias')])
      // A record combined into another answers with the record it was combined into.
      .where(
        sql<boolean>`p.id in (select coalesce(c.combined_into, c.id) from person c where ${sql.ref(`c.${field}`)} = ${value})`,
      )
      .where('p.combined_into', 'is', null)
      .where('p.area_id', 'in', [...areaIds])
      .execute()
  )
}

export async function findByDateOfBirth(db: Db, areaIds: readonly string[], dateOfBirth: string, limit: number) {
  if (areaIds.length === 0) return []
  return summaries(db)
    .select([...summaryColumns, sql<null>`null`.as('matched_alias')])
    .where('p.date_of_birth', '=', dateOfBirth)
    .where('p.combined_into', 'is', null)
    .where('p.area_id', 'in', [...areaIds])
    .orderBy('p.surname')
    .orderBy('p.forenames')
    .limit(limit)
    .execute()
}

/**
 * People whose name or an alias is like the query, best first, by trigram similarity (pg_trgm),
 * so a misspelt or reordered name still finds them. One word is taken as a surname, and compared
 * with surnames only (against whole names it is a poor match for everyone, and ranking everyone
 * is what made a common surname slow); two or more words as a whole name, in either order. A
 * surname's similar names are found among the distinct surnames, then their bearers by key
 * (decision 0126); whole names are read nearest first from a GiST trigram index. Each kind stops
 * at `limit`, and the best `limit` of them are the answer.
 */
export async function searchByName(
  db: Db,
  areaIds: readonly string[],
  query: string,
  limit: number,
): Promise<PersonSummary[]> {
  if (areaIds.length === 0) return []
  const q = query.toLowerCase().trim()
  // The candidates come from person_name_candidates (migrations name_search_nearest, surname_vocabulary).
  const wholeName = /\s/.test(q)
  const result = await sql<PersonSummary & { score: number }>`
    with candidates as (
      select person_id as id, score, matched_alias
        from person_name_candidates(${q}, ${wholeName}, ${sql.val([...areaIds])}::uuid[], ${limit})
    ), best as (
      select distinct on (id) id, score, matched_alias from candidates order by id, score desc
    )
    select p.id, p.surname, p.forenames, p.date_of_birth, p.pnc_id, p.cro_number, p.restricted,
           a.name as area_name, w.name as ward_name, best.matched_alias, best.score
      from best
      join person p on p.id = best.id
      join area a on a.id = p.area_id
      left join ward w on w.id = p.ward_id
     order by best.score desc, p.surname, p.forenames
     limit ${limit}`.execute(db)
  return result.rows
}

/** Likely duplicates of a new record: the same PNC ID anywhere, or a similar name with the same date of birth. */
export async function findLikelyDuplicates(
  db: Db,
  areaIds: readonly string[],
  candidate: { surname: string; forenames: string; dateOfBirth: string; pncId: string | null },
): Promise<PersonSummary[]> {
  const name = `${candidate.surname} ${candidate.forenames}`.toLowerCase()
  const result = await sql<PersonSummary>`
    select p.id, p.surname, p.forenames, p.date_of_birth, p.pnc_id, p.cro_number, p.restricted,
           a.name as area_name, w.name as ward_name, null as matched_alias
      from person p
      join area a on a.id = p.area_id
      left join ward w on w.id = p.ward_id
     where p.area_id = any(${sql.val([...areaIds])}::uuid[]) and p.combined_into is null
       and ((${candidate.pncId}::text is not null and p.pnc_id = ${candidate.pncId})
         or (p.date_of_birth = ${candidate.dateOfBirth}
             and (similarity(lower(p.surname || ' ' || p.forenames), ${name}) > 0.3
                  or exists (select 1 from person_alias al where al.person_id = p.id
                              and similarity(lower(al.surname || ' ' || al.forenames), ${name}) > 0.3))))
     order by p.surname
     limit 10`.execute(db)
  return result.rows
}

/** Who holds this PNC ID, in any area: the id is unique force-wide, so the check cannot stop at the user's areas. */
export async function pncIdHolder(db: Db, pncId: string, exceptPersonId?: string): Promise<string | undefined> {
  let query = db.selectFrom('person').select('id').where('pnc_id', '=', pncId)
  if (exceptPersonId) query = query.where('id', '<>', exceptPersonId)
  return (await query.executeTakeFirst())?.id
}

export async function croNumberInUse(db: Db, cro: string, exceptPersonId?: string): Promise<boolean> {
  let query = db.selectFrom('person').select('id').where('cro_number', '=', cro)
  if (exceptPersonId) query = query.where('id', '<>', exceptPersonId)
  return (await query.executeTakeFirst()) !== undefined
}

export type PersonFields = {
  surname: string
  forenames: string
  dateOfBirth: string
  gender: Gender
  pncId: string | null
  croNumber: string | null
  address: string | null
  wardId: string | null
  areaId: string
}

function columns(fields: PersonFields) {
  return {
    surname: fields.surname,
    forenames: fields.forenames,
    date_of_birth: fields.dateOfBirth,
    gender: fields.gender,
    pnc_id: fields.pncId,
    cro_number: fields.croNumber,
    address: fields.address,
    ward_id: fields.wardId,
    area_id: fields.areaId,
  }
}

export async function insertPerson(db: Db, fields: PersonFields, createdBy: string): Promise<string> {
  const row = await db
    .insertInto('person')
    .values({ ...columns(fields), created_by: createdBy })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export const updatePersonIfVersion = (db: Db, id: string, version: number, fields: PersonFields) =>
  updateIfVersion(db, 'person', { id, version }, { ...columns(fields), updated_at: sql<Date>`now()` })

export const setRestricted = (db: Db, id: string, version: number, restricted: boolean) =>
  updateIfVersion(db, 'person', { id, version }, { restricted, updated_at: sql<Date>`now()` })

// Most pages about a person start here, so the query is compiled once.
const personInAreasStatement = compiledOnce({ id: '', areaIds: [] as readonly string[] }, (db, { id, areaIds }) =>
  db
    .selectFrom('person as p')
    .innerJoin('area as a', 'a.id', 'p.area_id')
    .leftJoin('ward as w', 'w.id', 'p.ward_id')
    .selectAll('p')
    .select(['a.name as area_name', 'w.name as ward_name', 'w.valid_to as ward_valid_to'])
    .where('p.id', '=', id)
    .where('p.combined_into', 'is', null)
    .where(sql<boolean>`p.area_id = any(${sql.val([...areaIds])}::uuid[])`),
)

/**
 * The person if they are in one of the areas given; nothing otherwise (the caller answers 404).
 * A record combined into another is not found either: every page and form about a person goes
 * through here, so nothing can be added to a merged record while it waits to be unmerged.
 */
export async function findPersonInAreas(db: Db, id: string, areaIds: readonly string[]) {
  if (areaIds.length === 0) return undefined
  const [row] = (await db.executeQuery(personInAreasStatement(db, { id, areaIds }))).rows
  return row
}

export type PersonRecord = NonNullable<Awaited<ReturnType<typeof findPersonInAreas>>>

export async function insertAlias(db: Db, personId: string, alias: { surname: string; forenames: string }) {
  await db
    .insertInto('person_alias')
    .values({ person_id: personId, ...alias })
    .execute()
}

export async function insertMarker(
  db: Db,
  personId: string,
  marker: { markerCode: string; startDate: string; reviewDate: string | null; note: string | null },
  setBy: string,
): Promise<string> {
  const row = await db
    .insertInto('person_marker')
    .values({
      person_id: personId,
      marker_code: marker.markerCode,
      start_date: marker.startDate,
      review_date: marker.reviewDate,
      note: marker.note,
      set_by: setBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function endMarker(
  db: Db,
  personId: string,
  markerId: string,
  endedOn: string,
  endedBy: string,
): Promise<boolean> {
  const result = await db
    .updateTable('person_marker')
    .set({ ended_on: endedOn, ended_by: endedBy })
    .where('id', '=', markerId)
    .where('person_id', '=', personId)
    .where('ended_on', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

// ---- the panels of the person page, each a part of its one statement (personPanels.ts) ----

export function aliasesQuery(db: Db, personId: string) {
  return db
    .selectFrom('person_alias')
    .select(['id', 'surname', 'forenames'])
    .where('person_id', '=', personId)
    .orderBy('surname')
}

export const aliasesOf = (db: Db, personId: string) => aliasesQuery(db, personId).execute()

/** What every list of a person's markers shows of each: its type, by code and label, its dates and note. */
const markerColumns = ['m.id', 'm.marker_code', 't.label', 'm.start_date', 'm.review_date', 'm.note'] as const

/** A person's warning markers, as every list of them shows them (the person page's, CID's choice of one to cite). */
export function markersOf(db: Db, personId: string) {
  return db
    .selectFrom('person_marker as m')
    .innerJoin('marker_type as t', 't.code', 'm.marker_code')
    .select(markerColumns)
    .where('m.person_id', '=', personId)
}

export function markersQuery(db: Db, personId: string) {
  return markersOf(db, personId)
    .select((eb) => ['m.ended_on', userNameOf(eb.ref('m.set_by')).as('set_by_name')])
    .orderBy('m.ended_on', (ob) => ob.desc().nullsFirst())
    .orderBy('m.start_date', 'desc')
}

export function openActionsQuery(db: Db, personId: string) {
  return db
    .selectFrom('action as x')
    .innerJoin('app_user as u', 'u.id', 'x.owner_id')
    .select(['x.id', 'x.description', 'x.due_date', 'x.pathway', 'x.version', 'u.display_name as owner_name'])
    .where('x.person_id', '=', personId)
    .where('x.status', '=', 'open')
    .orderBy('x.due_date')
}

/** A record combined into another, in the user's areas: what its old address shows instead. */
export function findCombinedRecord(db: Db, id: string, areaIds: readonly string[]) {
  if (areaIds.length === 0) return Promise.resolve(undefined)
  return db
    .selectFrom('person')
    .select(['id', 'combined_into', 'restricted'])
    .where('id', '=', id)
    .where('combined_into', 'is not', null)
    .where('area_id', 'in', [...areaIds])
    .executeTakeFirst()
}
