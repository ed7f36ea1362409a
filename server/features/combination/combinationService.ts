import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { done, invalidResult, notFoundResult, staleResult, type WriteResult } from '../../domain/writeResult.ts'
import { recordAudit, recordPersonViewed, type Actor } from '../audit/auditRepository.ts'
import * as people from '../people/peopleRepository.ts'
import * as repo from './combinationRepository.ts'
import { blockerText, type Blocker } from './combinationRules.ts'
import { combinedFields, moveRows, moveRowsBack, movedReferences, type CombinedField } from './personReferences.ts'

type Db = Kysely<Database>
type Person = people.PersonRecord

export type Versions = { survivorVersion: number; mergedVersion: number }

/** A combination refused as stale carries both records as they were read, for the page that shows them now. */
type Combined = WriteResult<string, { survivor: Person; merged: Person }>

const sameName = (a: { surname: string; forenames: string }, b: { surname: string; forenames: string }) =>
  a.surname.trim().toLowerCase() === b.surname.trim().toLowerCase() &&
  a.forenames.trim().toLowerCase() === b.forenames.trim().toLowerCase()

export type CombinationService = ReturnType<typeof createCombinationService>

const valueTakenSince = invalidResult(
  'reverseReason',
  'The combination cannot be reversed: a PNC ID or CRO number it would give back now belongs to another record. Correct that record first.',
)

export function createCombinationService(db: Db) {
  async function blockers(trx: Db, survivorId: string, mergedId: string): Promise<Blocker[]> {
    const found: Blocker[] = (await repo.sharedOpenProgrammes(trx, survivorId, mergedId)).map((programme) => ({
      kind: 'sharedProgramme',
      programme,
    }))
    for (const pair of await repo.differentOpenIomCohorts(trx, survivorId, mergedId))
      found.push({ kind: 'twoIomCohorts', ...pair })
    // A record that absorbed another in the last 30 days keeps that combination reversible: moving
    // its rows on again would leave nothing where the reversal looks for them.
    const absorbed = (await repo.combinationsOf(trx, mergedId)).filter(
      (c) => c.survivor_id === mergedId && c.reversible,
    )
    for (const c of absorbed) found.push({ kind: 'absorbedRecently', until: c.reversible_until })
    return found
  }

  /** The duplicate named on the form: by id, PNC ID or CRO number, in the user's areas. */
  async function findDuplicate(user: SessionUser, lookup: { field: 'id' | 'pnc_id' | 'cro_number'; value: string }) {
    return (await repo.findRecordBy(db, user.visibleAreaIds, lookup.field, lookup.value))?.id
  }

  /**
   * The page that starts a combination: the record to keep (scope and stated purpose as for the
   * person page) and its likely duplicates. One consultation row.
   */
  async function startPage(user: SessionUser, id: string, actor: Actor, purpose: string | undefined) {
    const person = await people.findPersonInAreas(db, id, user.visibleAreaIds)
    if (!person) return { kind: 'notFound' as const }
    if (person.restricted && !purpose) return { kind: 'needsPurpose' as const }
    const candidates = (
      await people.findLikelyDuplicates(db, user.visibleAreaIds, {
        surname: person.surname,
        forenames: person.forenames,
        dateOfBirth: person.date_of_birth,
        pncId: person.pnc_id,
      })
    ).filter((c) => c.id !== id)
    await recordPersonViewed(db, actor, id, purpose, { page: 'combine', candidateIds: candidates.map((c) => c.id) })
    return { kind: 'found' as const, person, candidates }
  }

  /**
   * Both records side by side, with what would move and what stops the combination. The
   * consultation row names the record to keep and carries the other's id (one page, one row).
   * `log` is false when a refused form is shown again: that page was logged when first shown.
   */
  async function checkPage(
    user: SessionUser,
    survivorId: string,
    mergedId: string,
    actor: Actor,
    purposes: { survivor?: string; merged?: string },
    log = true,
  ) {
    const survivor = await people.findPersonInAreas(db, survivorId, user.visibleAreaIds)
    if (!survivor) return { kind: 'notFound' as const }
    if (survivor.restricted && !purposes.survivor) return { kind: 'needsPurpose' as const }
    const merged =
      survivorId === mergedId ? undefined : await people.findPersonInAreas(db, mergedId, user.visibleAreaIds)
    if (!merged) return { kind: 'noDuplicate' as const }
    if (merged.restricted && !purposes.merged) {
      if (log) await logCheck(actor, survivorId, mergedId, purposes.survivor, { otherRestricted: true })
      return { kind: 'duplicateNeedsPurpose' as const, survivor, mergedId }
    }
    const [survivorCounts, mergedCounts, blocking, sharedCases] = [
      await repo.rowCountsOf(db, survivorId),
      await repo.rowCountsOf(db, mergedId),
      await blockers(db, survivorId, mergedId),
      await repo.sharedPartnerCases(db, survivorId, mergedId),
    ]
    if (log)
      await logCheck(actor, survivorId, mergedId, [purposes.survivor, purposes.merged].filter(Boolean).join('; '))
    return { kind: 'found' as const, survivor, merged, survivorCounts, mergedCounts, blocking, sharedCases }
  }

  async function logCheck(
    actor: Actor,
    survivorId: string,
    mergedId: string,
    purpose: string | undefined,
    extra: Record<string, unknown> = {},
  ) {
    await recordPersonViewed(db, actor, survivorId, purpose, {
      page: 'combine-check',
      otherPersonId: mergedId,
      ...extra,
    })
  }

  /** Combines the duplicate into the record kept; either record gone, or combined already, is not found. */
  async function combine(
    user: SessionUser,
    survivorId: string,
    mergedId: string,
    versions: Versions,
    reason: string,
    actor: Actor,
  ): Promise<Combined> {
    return db.transaction().execute(async (trx): Promise<Combined> => {
      const survivor = await people.findPersonInAreas(trx, survivorId, user.visibleAreaIds)
      const merged =
        survivorId === mergedId ? undefined : await people.findPersonInAreas(trx, mergedId, user.visibleAreaIds)
      if (!survivor || !merged) return notFoundResult
      // Checked before any write, under the row locks, so returning here leaves nothing half-done.
      const locked = await repo.lockPeople(trx, [survivorId, mergedId])
      const now = { survivor: locked.find((p) => p.id === survivorId), merged: locked.find((p) => p.id === mergedId) }
      if (!now.survivor || !now.merged || now.survivor.combined_into || now.merged.combined_into) return notFoundResult
      if (now.survivor.version !== versions.survivorVersion || now.merged.version !== versions.mergedVersion) {
        return { ok: false, kind: 'stale', current: { survivor, merged } }
      }
      // The check page, shown again, lists them all; the message names the first.
      const [blocking] = await blockers(trx, survivorId, mergedId)
      if (blocking) return invalidResult('blockers', blockerText(blocking))

      const combinationId = await repo.insertCombination(trx, { survivorId, mergedId, reason, userId: user.id })
      const moved: Record<string, number> = {}
      for (const { table, column, rule } of movedReferences) {
        const except =
          rule === 'aliases'
            ? await aliasesAlreadyHeld(trx, survivor, mergedId)
            : rule === 'unlessHeld'
              ? await keptBehind(trx, table, survivorId, mergedId)
              : []
        moved[table] = await moveRows(trx, { combinationId, table, column, survivorId, mergedId }, except)
      }
      const aliasAdded = await addNameAsAlias(trx, combinationId, survivor, merged)
      const fields = await takeOverFields(trx, combinationId, survivor, merged)
      await repo.setCombinedInto(trx, survivorId, mergedId, survivorId)
      const detail = { combinationId, survivorId, mergedId, rowsMoved: moved, aliasAdded, fieldsTakenOver: fields }
      await recordOnBoth(trx, actor, 'person.combined', combinationId, [survivorId, mergedId], detail)
      return done(combinationId)
    })
  }

  /** The merged record's aliases that the kept record already has (or that are its own name): they stay behind. */
  async function aliasesAlreadyHeld(trx: Db, survivor: Person, mergedId: string): Promise<string[]> {
    const held = [survivor, ...(await people.aliasesOf(trx, survivor.id))]
    return (await people.aliasesOf(trx, mergedId)).filter((a) => held.some((h) => sameName(h, a))).map((a) => a.id)
  }

  /** The merged record's one-per-person row (a photograph) stays behind when the kept record has its own. */
  async function keptBehind(trx: Db, table: 'person_photo', survivorId: string, mergedId: string): Promise<string[]> {
    const held = await trx.selectFrom(table).select('id').where('person_id', '=', survivorId).executeTakeFirst()
    if (!held) return []
    return (await trx.selectFrom(table).select('id').where('person_id', '=', mergedId).execute()).map((r) => r.id)
  }

  /** The merged record's own name becomes an alias of the kept record, unless the kept record already has it. */
  async function addNameAsAlias(trx: Db, combinationId: string, survivor: Person, merged: Person): Promise<boolean> {
    const held = [survivor, ...(await people.aliasesOf(trx, survivor.id))]
    if (held.some((h) => sameName(h, merged))) return false
    const row = await trx
      .insertInto('person_alias')
      .values({ person_id: survivor.id, surname: merged.surname, forenames: merged.forenames })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('person_combination_change')
      .values({ combination_id: combinationId, change: 'added', table_name: 'person_alias', row_id: row.id })
      .execute()
    return true
  }

  /**
   * A PNC ID or CRO number the kept record lacks is taken from the merged one (which gives it up:
   * they are unique), so that a search by either finds the kept record. A restriction on either
   * record restricts the kept one. Each change is listed with its old value, to be undone.
   */
  async function takeOverFields(trx: Db, combinationId: string, survivor: Person, merged: Person): Promise<string[]> {
    const taken: string[] = []
    for (const field of ['pnc_id', 'cro_number'] as const) {
      const value = merged[field]
      if (survivor[field] !== null || value === null) continue
      await setIdentifier(trx, combinationId, merged.id, field, value, null)
      await setIdentifier(trx, combinationId, survivor.id, field, null, value)
      taken.push(field)
    }
    if (merged.restricted && !survivor.restricted) {
      await trx.updateTable('person').set({ restricted: true }).where('id', '=', survivor.id).execute()
      await repo.recordFieldChange(trx, combinationId, survivor.id, 'restricted', 'false', 'true')
      taken.push('restricted')
    }
    return taken
  }

  /** The combinations a record took part in: one consultation row (the page names the other record). */
  async function historyPage(user: SessionUser, id: string, actor: Actor, purpose: string | undefined) {
    const person = await people.findPersonInAreas(db, id, user.visibleAreaIds)
    if (!person) return { kind: 'notFound' as const }
    if (person.restricted && !purpose) return { kind: 'needsPurpose' as const }
    const combinations = await repo.combinationsOf(db, id)
    await recordPersonViewed(db, actor, id, purpose, {
      page: 'combinations',
      combinationIds: combinations.map((c) => c.id),
    })
    return { kind: 'found' as const, person, combinations }
  }

  /** The same, shown again with a refused form's errors: logged when first shown. */
  async function history(user: SessionUser, id: string) {
    const person = await people.findPersonInAreas(db, id, user.visibleAreaIds)
    if (!person) return { kind: 'notFound' as const }
    return { kind: 'found' as const, person, combinations: await repo.combinationsOf(db, id) }
  }

  /** Undoes a combination made into this record; done answers the record given back. */
  async function reverse(
    user: SessionUser,
    personId: string,
    combinationId: string,
    version: number,
    reason: string,
    actor: Actor,
  ): Promise<WriteResult> {
    try {
      return await db
        .transaction()
        .execute((trx) => reverseIn(trx, user, { personId, combinationId, version, reason }, actor))
    } catch (error) {
      // A value given back is now someone else's (a PNC ID typed onto another record since): the
      // whole reversal rolls back and the user is told why.
      if ((error as { code?: string }).code === '23505') return valueTakenSince
      throw error
    }
  }

  async function reverseIn(
    trx: Db,
    user: SessionUser,
    asked: { personId: string; combinationId: string; version: number; reason: string },
    actor: Actor,
  ): Promise<WriteResult> {
    const { personId, combinationId, version, reason } = asked
    const combination = await repo.lockCombination(trx, combinationId)
    if (!combination || combination.survivor_id !== personId) return notFoundResult
    const { survivor_id: survivorId, merged_id: mergedId } = combination
    const areas = user.visibleAreaIds
    const survivorInScope = await people.findPersonInAreas(trx, survivorId, areas)
    // While combined, the merged record is hidden from the ordinary look-up.
    const mergedInScope =
      combination.reversed_at === null
        ? await people.findCombinedRecord(trx, mergedId, areas)
        : await people.findPersonInAreas(trx, mergedId, areas)
    if (!survivorInScope || !mergedInScope) return notFoundResult
    if (combination.version !== version || combination.reversed_at !== null) return staleResult
    if (!combination.within_window)
      return invalidResult(
        'combinations',
        'This combination was made more than 30 days ago and can no longer be reversed',
      )
    await repo.lockPeople(trx, [survivorId, mergedId])

    const changes = await repo.changesOf(trx, combinationId)
    const added = changes.filter((c) => c.change === 'added').map((c) => c.row_id)
    if (added.length > 0) await trx.deleteFrom('person_alias').where('id', 'in', added).execute()
    const movedBack: Record<string, number> = {}
    for (const { table, column } of movedReferences)
      movedBack[table] = await moveRowsBack(trx, { combinationId, table, column, survivorId, mergedId })
    // The kept record gives back what it took before the merged record takes it again (unique values).
    const fields = changes
      .filter((c) => c.change === 'field')
      .sort((a, b) => Number(b.row_id === survivorId) - Number(a.row_id === survivorId))
    for (const change of fields) {
      const column = change.column_name as CombinedField
      const type = sql.raw(combinedFields[column])
      await sql`update person set ${sql.ref(column)} = cast(${change.old_value} as ${type})
                 where id = ${change.row_id} and ${sql.ref(column)} is not distinct from cast(${change.new_value} as ${type})`.execute(
        trx,
      )
    }
    await trx
      .updateTable('person_combination')
      .set({ reversed_at: sql`now()`, reversed_by: user.id, reversal_reason: reason, version: sql`version + 1` })
      .where('id', '=', combinationId)
      .execute()
    await repo.setCombinedInto(trx, survivorId, mergedId, null)
    const detail = { combinationId, survivorId, mergedId, rowsMovedBack: movedBack, aliasesRemoved: added.length }
    await recordOnBoth(trx, actor, 'person.uncombined', combinationId, [survivorId, mergedId], detail)
    return done(mergedId)
  }

  return { findDuplicate, startPage, checkPage, combine, historyPage, history, reverse }
}

/** Each record's own audit trail shows the combination or its reversal, so there is one row for each. */
async function recordOnBoth(
  trx: Db,
  actor: Actor,
  event: 'person.combined' | 'person.uncombined',
  combinationId: string,
  people: readonly [string, string],
  detail: Record<string, unknown>,
) {
  for (const personId of people)
    await recordAudit(trx, actor, {
      category: 'combination',
      event,
      entityType: 'person_combination',
      entityId: combinationId,
      personId,
      detail,
    })
}

/** Sets a record's PNC ID or CRO number, listing the change with its old value, to be undone. */
async function setIdentifier(
  trx: Db,
  combinationId: string,
  personId: string,
  field: 'pnc_id' | 'cro_number',
  from: string | null,
  to: string | null,
) {
  await trx
    .updateTable('person')
    .set({ [field]: to })
    .where('id', '=', personId)
    .execute()
  await repo.recordFieldChange(trx, combinationId, personId, field, from, to)
}
