import { sql, type Kysely } from 'kysely'
import type { Build, Database, EyeColour } from '../../../db/types.ts'
import { updateIfVersion } from '../../queries/updateIfVersion.ts'
import { userNameOf } from '../../queries/userName.ts'

type Db = Kysely<Database>

export type DescriptionFields = {
  heightCm: number | null
  build: Build | null
  hair: string | null
  eyes: EyeColour | null
  distinguishingMarks: string | null
}

/** A person's physical description and whether a custody photograph is held. */
export type PersonDescription = DescriptionFields & {
  hasPhoto: boolean
  /** When the current photograph was taken into Cohort; null without one. */
  photoUploadedAt: Date | null
}

/**
 * The description and whether a photograph exists, in one query (for the person page's
 * neighbours: the CID briefing sheet). Scope and audit are the caller's: check the person is
 * in the user's areas first, and log the consultation of whatever page shows it. Undefined for
 * a person that does not exist or has been combined into another.
 */
export async function descriptionOf(db: Db, personId: string): Promise<PersonDescription | undefined> {
  const row = await db
    .selectFrom('person as p')
    .leftJoin('person_photo as ph', 'ph.person_id', 'p.id')
    .select([
      'p.height_cm',
      'p.build',
      'p.hair',
      'p.eyes',
      'p.distinguishing_marks',
      'ph.uploaded_at as photo_uploaded_at',
    ])
    .where('p.id', '=', personId)
    .where('p.combined_into', 'is', null)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    ...descriptionFieldsOf(row),
    hasPhoto: row.photo_uploaded_at !== null,
    photoUploadedAt: row.photo_uploaded_at,
  }
}

export function descriptionFieldsOf(row: {
  height_cm: number | null
  build: Build | null
  hair: string | null
  eyes: EyeColour | null
  distinguishing_marks: string | null
}): DescriptionFields {
  return {
    heightCm: row.height_cm,
    build: row.build,
    hair: row.hair,
    eyes: row.eyes,
    distinguishingMarks: row.distinguishing_marks,
  }
}

/** Saves the description if the person is still at the version the form was read at. */
export function updateDescriptionIfVersion(
  db: Db,
  personId: string,
  version: number,
  fields: DescriptionFields,
): Promise<boolean> {
  const changes = {
    height_cm: fields.heightCm,
    build: fields.build,
    hair: fields.hair,
    eyes: fields.eyes,
    distinguishing_marks: fields.distinguishingMarks,
    updated_at: sql<Date>`now()`,
  }
  return updateIfVersion(db, 'person', { id: personId, version }, changes, (eb) => eb('combined_into', 'is', null))
}

/** The person's one photograph, added or put in place of the last (which is not kept). */
export async function savePhoto(
  db: Db,
  personId: string,
  photo: { jpeg: Buffer; width: number; height: number },
  uploadedBy: string,
): Promise<'added' | 'replaced'> {
  const row = await db
    .insertInto('person_photo')
    .values({
      person_id: personId,
      image: photo.jpeg,
      width: photo.width,
      height: photo.height,
      uploaded_by: uploadedBy,
    })
    .onConflict((oc) =>
      oc.column('person_id').doUpdateSet({
        image: photo.jpeg,
        width: photo.width,
        height: photo.height,
        uploaded_by: uploadedBy,
        uploaded_at: sql`now()`,
      }),
    )
    // xmax is 0 on a row version made by an insert, and set on one made by the conflict's update.
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .executeTakeFirstOrThrow()
  return row.inserted ? 'added' : 'replaced'
}

/** The person's custody photograph (a person has one at most), as `ph`. */
const photoOfPerson = (db: Db, personId: string) =>
  db.selectFrom('person_photo as ph').where('ph.person_id', '=', personId)

/** The photograph's bytes (a JPEG), for the route that serves it. */
export function photoOf(db: Db, personId: string) {
  return photoOfPerson(db, personId).select(['ph.image', 'ph.uploaded_at']).executeTakeFirst()
}

/** The person page's photograph panel: who took it in and when, never the bytes. */
export function photoQuery(db: Db, personId: string) {
  return photoOfPerson(db, personId).select((eb) => [
    'ph.width',
    'ph.height',
    'ph.uploaded_at',
    userNameOf(eb.ref('ph.uploaded_by')).as('uploaded_by_name'),
  ])
}
