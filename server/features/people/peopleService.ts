import type { PersonVia } from '../../domain/personVia.ts'
import { personBehind } from './restrictedRecordRepository.ts'
import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { todayInLondon } from '../../domain/time.ts'
import { recordAudit, recordListConsulted, recordPersonViewed, type Actor } from '../audit/auditRepository.ts'
import * as reference from '../reference/referenceRepository.ts'
import { normaliseCroNumber, normalisePncId } from './identifiers.ts'
import * as repo from './peopleRepository.ts'
import type { PersonFields } from './peopleRepository.ts'
import { writeOnce } from '../idempotency/writeOnce.ts'
import { done, invalidResult, notFoundResult, staleResult, type WriteResult } from '../../domain/writeResult.ts'
import { createDescriptionService } from './descriptionService.ts'

export type SearchKind = 'pnc' | 'cro' | 'dateOfBirth' | 'name'

/** What a search box holds: a PNC ID, a CRO number, a date of birth, or else a name. */
export function classifyQuery(query: string): { kind: SearchKind; value: string } {
  const q = query.trim()
  const pnc = normalisePncId(q)
  if (pnc.ok) return { kind: 'pnc', value: pnc.value }
  const cro = normaliseCroNumber(q)
  if (cro.ok) return { kind: 'cro', value: cro.value }
  const dob = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(q)
  if (dob) {
    const iso = `${dob[3]}-${dob[2]?.padStart(2, '0')}-${dob[1]?.padStart(2, '0')}`
    if (isRealDay(iso)) return { kind: 'dateOfBirth', value: iso }
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(q) && isRealDay(q)) return { kind: 'dateOfBirth', value: q }
  return { kind: 'name', value: q }
}

/** JavaScript rolls 31 February over into March; PostgreSQL refuses it with an error, so check first. */
function isRealDay(iso: string): boolean {
  const date = new Date(`${iso}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso && Number(iso.slice(0, 4)) >= 1
}

/** A new person: written, refused, or held back by the likely matches, which the form shows to open one or confirm this is someone else. */
export type PersonCreation = WriteResult | { ok: false; kind: 'duplicates'; matches: repo.PersonSummary[] }

/** An edit refused as stale carries the record as it now stands, for the page that compares the two. */
export type PersonEdit = WriteResult<string, repo.PersonRecord>

/** What a write about a person that changed nothing answers: a marker already ended is not found; a restriction read at an older version is stale. */
type IfUnchanged = typeof notFoundResult | typeof staleResult

export type PeopleService = ReturnType<typeof createPeopleService>

export function createPeopleService(db: Kysely<Database>) {
  async function search(user: SessionUser, query: string, actor: Actor) {
    const classified = classifyQuery(query)
    const areas = user.visibleAreaIds
    const results =
      classified.kind === 'pnc'
        ? await repo.findByIdentifier(db, areas, 'pnc_id', classified.value)
        : classified.kind === 'cro'
          ? await repo.findByIdentifier(db, areas, 'cro_number', classified.value)
          : classified.kind === 'dateOfBirth'
            ? await repo.findByDateOfBirth(db, areas, classified.value, 50)
            : await repo.searchByName(db, areas, classified.value, 50)
    await recordListConsulted(
      db,
      actor,
      'person.searched',
      results.map((r) => r.id),
      { kind: classified.kind, resultCount: results.length },
    )
    return { kind: classified.kind, results }
  }

  /** Checks that need the database: the borough and ward are the user's, identifiers are unused. */
  async function checkFields(
    q: Kysely<Database>,
    user: SessionUser,
    fields: PersonFields,
    actor: Actor,
    exceptId?: string,
  ) {
    // A borough, not merely a visible area: a BCU is visible too, but people live in boroughs.
    if (!(await reference.boroughsIn(q, user.visibleAreaIds)).some((b) => b.id === fields.areaId)) {
      return { field: 'areaId', message: 'Select a borough you work in' }
    }
    if (fields.wardId) {
      const ward = await q.selectFrom('ward').select(['borough_id']).where('id', '=', fields.wardId).executeTakeFirst()
      if (!ward || ward.borough_id !== fields.areaId) {
        return { field: 'wardId', message: 'Select a ward in the chosen borough' }
      }
    }
    const pncHolder = fields.pncId ? await repo.pncIdHolder(q, fields.pncId, exceptId) : undefined
    if (pncHolder) {
      // "Taken" tells the user something about the holder's record, in whatever area it is: a
      // consultation of it (s62), written with the refusal. Not counted as the request's own
      // consultation: an edit form shown again still logs the person it shows.
      await recordAudit(
        q,
        { ...actor, rowsWritten: undefined },
        {
          category: 'consultation',
          event: 'person.pnc_checked',
          entityType: 'person',
          entityId: pncHolder,
          personId: pncHolder,
          detail: exceptId ? { form: 'edit', editedPersonId: exceptId } : { form: 'create' },
        },
      )
      return { field: 'pncId', message: 'Another person already has this PNC ID: search for it instead' }
    }
    if (fields.croNumber && (await repo.croNumberInUse(q, fields.croNumber, exceptId))) {
      return { field: 'croNumber', message: 'Another person already has this CRO number: search for it instead' }
    }
    return undefined
  }

  /**
   * Once per form key, the checks included: a repeat of a form that created the person must get
   * the same answer (that person's page), not a warning that they may already be on Cohort.
   */
  async function create(
    user: SessionUser,
    fields: PersonFields,
    confirmedNotDuplicate: boolean,
    actor: Actor,
  ): Promise<PersonCreation> {
    return writeOnce(db, actor, async (trx): Promise<PersonCreation> => {
      const matches = await repo.findLikelyDuplicates(trx, user.visibleAreaIds, fields)
      const samePnc = matches.some((m) => fields.pncId !== null && m.pnc_id === fields.pncId)
      if (matches.length > 0 && (!confirmedNotDuplicate || samePnc)) return { ok: false, kind: 'duplicates', matches }
      const problem = await checkFields(trx, user, fields, actor)
      if (problem) return invalidResult(problem.field, problem.message)
      const newId = await repo.insertPerson(trx, fields, user.id)
      await recordAudit(trx, actor, {
        category: 'collection',
        event: 'person.created',
        entityType: 'person',
        entityId: newId,
        personId: newId,
      })
      return done(newId)
    })
  }

  async function edit(
    user: SessionUser,
    id: string,
    version: number,
    fields: PersonFields,
    actor: Actor,
  ): Promise<PersonEdit> {
    const before = await repo.findPersonInAreas(db, id, user.visibleAreaIds)
    if (!before) return notFoundResult
    const problem = await checkFields(db, user, fields, actor, id)
    if (problem) return invalidResult(problem.field, problem.message)
    return db.transaction().execute(async (trx): Promise<PersonEdit> => {
      if (!(await repo.updatePersonIfVersion(trx, id, version, fields))) {
        const current = await repo.findPersonInAreas(trx, id, user.visibleAreaIds)
        return current ? { ...staleResult, current } : notFoundResult
      }
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: 'person.updated',
        entityType: 'person',
        entityId: id,
        personId: id,
        detail: { changed: changedFields(before, fields) },
      })
      return done(id)
    })
  }

  /** For forms about a person: only checks scope, logs nothing (the page shows nothing about them yet). */
  async function findInScope(user: SessionUser, id: string) {
    return repo.findPersonInAreas(db, id, user.visibleAreaIds)
  }

  /**
   * A page that shows the person's details above a form (edit, record a contact …): the
   * same scope and purpose rules as the person page, and one consultation row.
   */
  async function openForPage(user: SessionUser, id: string, actor: Actor, purpose: string | undefined, page: string) {
    const person = await repo.findPersonInAreas(db, id, user.visibleAreaIds)
    if (!person) return { kind: 'notFound' as const }
    if (person.restricted && !purpose) return { kind: 'needsPurpose' as const }
    await recordPersonViewed(db, actor, id, purpose, { page })
    return { kind: 'found' as const, person }
  }

  async function inScopeAndAudit(
    user: SessionUser,
    personId: string,
    actor: Actor,
    audit: { event: string; category: 'collection' | 'alteration'; detail?: Record<string, unknown> },
    write: (trx: Kysely<Database>) => Promise<boolean | void>,
    ifUnchanged: IfUnchanged = notFoundResult,
  ): Promise<WriteResult> {
    const { event, category, detail } = audit
    // Once per form key: a repeated alias or marker form adds nothing the second time.
    return writeOnce(db, actor, async (trx): Promise<WriteResult> => {
      const person = await repo.findPersonInAreas(trx, personId, user.visibleAreaIds)
      if (!person) return notFoundResult
      const changed = await write(trx)
      if (changed === false) return ifUnchanged
      await recordAudit(trx, actor, {
        category,
        event,
        entityType: 'person',
        entityId: personId,
        personId,
        ...(detail ? { detail } : {}),
      })
      return done(personId)
    })
  }

  return {
    search,
    create,
    edit,
    findInScope,
    openForPage,
    /** The person behind a record named in a path, for the restricted record gate's question. */
    personBehind: (user: SessionUser, via: PersonVia, recordId: string) =>
      personBehind(db, via, recordId, user.visibleAreaIds),
    ...createDescriptionService(db),
    addAlias: (user: SessionUser, personId: string, alias: { surname: string; forenames: string }, actor: Actor) =>
      inScopeAndAudit(user, personId, actor, { event: 'person.alias_added', category: 'collection' }, (trx) =>
        repo.insertAlias(trx, personId, alias),
      ),
    addMarker: async (
      user: SessionUser,
      personId: string,
      marker: { markerCode: string; startDate: string; reviewDate: string | null; note: string | null },
      actor: Actor,
    ): Promise<WriteResult> => {
      if (!(await reference.isActiveCode(db, 'marker_type', marker.markerCode)))
        return invalidResult('markerCode', 'Select a marker')
      return inScopeAndAudit(
        user,
        personId,
        actor,
        { event: 'person.marker_added', category: 'collection' },
        async (trx) => {
          await repo.insertMarker(trx, personId, marker, user.id)
        },
      )
    },
    endMarker: (user: SessionUser, personId: string, markerId: string, actor: Actor) =>
      inScopeAndAudit(user, personId, actor, { event: 'person.marker_ended', category: 'alteration' }, (trx) =>
        repo.endMarker(trx, personId, markerId, todayInLondon(), user.id),
      ),
    /** Restricting a record, and lifting a restriction, each give a reason, kept in the audit row. */
    setRestricted: (
      user: SessionUser,
      personId: string,
      change: { version: number; restricted: boolean; reason: string },
      actor: Actor,
    ) =>
      inScopeAndAudit(
        user,
        personId,
        actor,
        {
          event: change.restricted ? 'person.restricted' : 'person.unrestricted',
          category: 'alteration',
          detail: { reason: change.reason },
        },
        (trx) => repo.setRestricted(trx, personId, change.version, change.restricted),
        staleResult,
      ),
    formOptions: async (user: SessionUser) => ({
      boroughs: await reference.boroughsIn(db, user.visibleAreaIds),
      wards: await reference.wardsOfAreas(db, user.visibleAreaIds, todayInLondon()),
      markerTypes: await reference.activeCodes(db, 'marker_type'),
    }),
  }
}

function changedFields(before: repo.PersonRecord, after: PersonFields): string[] {
  const pairs: [string, unknown, unknown][] = [
    ['surname', before.surname, after.surname],
    ['forenames', before.forenames, after.forenames],
    ['dateOfBirth', before.date_of_birth, after.dateOfBirth],
    ['gender', before.gender, after.gender],
    ['pncId', before.pnc_id, after.pncId],
    ['croNumber', before.cro_number, after.croNumber],
    ['address', before.address, after.address],
    ['wardId', before.ward_id, after.wardId],
    ['areaId', before.area_id, after.areaId],
  ]
  return pairs.filter(([, a, b]) => (a ?? null) !== (b ?? null)).map(([name]) => name)
}
