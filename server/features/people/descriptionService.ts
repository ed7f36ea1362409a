import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { recordAudit, recordPersonViewed, type Actor } from '../audit/auditRepository.ts'
import { writeOnce } from '../idempotency/writeOnce.ts'
import { done, invalidResult, notFoundResult, staleResult, type WriteResult } from '../../domain/writeResult.ts'
import { cleanPhoto } from './custodyPhoto.ts'
import * as description from './descriptionRepository.ts'
import type { DescriptionFields } from './descriptionRepository.ts'
import { findPersonInAreas } from './peopleRepository.ts'

/** A description refused as stale carries the description as it now stands, for the page that compares the two. */
export type DescriptionEdit = WriteResult<string, DescriptionFields>

/** The physical description and the custody photograph: part of the people service. */
export function createDescriptionService(db: Kysely<Database>) {
  /** Saved only over the version the form was read at, with its alteration row in the same transaction. */
  async function editDescription(
    user: SessionUser,
    id: string,
    version: number,
    fields: DescriptionFields,
    actor: Actor,
  ): Promise<DescriptionEdit> {
    return db.transaction().execute(async (trx): Promise<DescriptionEdit> => {
      const before = await findPersonInAreas(trx, id, user.visibleAreaIds)
      if (!before) return notFoundResult
      const was = description.descriptionFieldsOf(before)
      if (!(await description.updateDescriptionIfVersion(trx, id, version, fields)))
        return { ...staleResult, current: was }
      const changed = (Object.keys(fields) as (keyof DescriptionFields)[]).filter(
        (name) => (was[name] ?? null) !== (fields[name] ?? null),
      )
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: 'person.description_updated',
        entityType: 'person',
        entityId: id,
        personId: id,
        detail: { changed },
      })
      return done(id)
    })
  }

  /**
   * The person is checked first (a file for someone out of scope is not even read), then the file
   * is decoded and encoded again outside any transaction (it takes a moment of CPU), then stored
   * with its collection row, once per form key.
   */
  async function uploadPhoto(user: SessionUser, id: string, file: Buffer, actor: Actor): Promise<WriteResult> {
    if (!(await findPersonInAreas(db, id, user.visibleAreaIds))) return notFoundResult
    const photo = cleanPhoto(file)
    if (!photo.ok) return invalidResult('photo', photo.why)
    return writeOnce(db, actor, async (trx): Promise<WriteResult> => {
      if (!(await findPersonInAreas(trx, id, user.visibleAreaIds))) return notFoundResult
      const saved = await description.savePhoto(trx, id, photo, user.id)
      await recordAudit(trx, actor, {
        category: 'collection',
        event: saved === 'added' ? 'person.photo_added' : 'person.photo_replaced',
        entityType: 'person',
        entityId: id,
        personId: id,
        detail: { width: photo.width, height: photo.height, bytes: photo.jpeg.length },
      })
      return done(id)
    })
  }

  /**
   * The photograph shows the person as surely as their page does: the same scope and purpose
   * rules, and a consultation row for every time it is sent. No photograph, nothing shown, no row.
   */
  async function viewPhoto(user: SessionUser, id: string, actor: Actor, purpose: string | undefined) {
    const person = await findPersonInAreas(db, id, user.visibleAreaIds)
    if (!person) return { kind: 'notFound' as const }
    if (person.restricted && !purpose) return { kind: 'needsPurpose' as const }
    const photo = await description.photoOf(db, id)
    if (!photo) return { kind: 'notFound' as const }
    await recordPersonViewed(db, actor, id, purpose, { page: 'photo' })
    return { kind: 'found' as const, image: photo.image }
  }

  return { editDescription, uploadPhoto, viewPhoto, descriptionOf: (id: string) => description.descriptionOf(db, id) }
}
