import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  auditSince,
  dateFields,
  errorSummaryLinks,
  field,
  hostileDate,
  hostileForm,
  hostileText,
  hostileVersion,
  lastAuditId,
  notOneOf,
  postForm,
  type FieldSpec,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import {
  cidState,
  daysFromToday,
  entry,
  entryRow,
  eventKinds,
  failure,
  failureRow,
  marker,
  onTheList,
  person,
  shownName,
  today,
} from './cidSupport.ts'

// What CID records against an entry (not found, arrested, then charged / summonsed / no further
// action, or withdrawn), moving the DIP failure with it in one transaction; and hostile input to
// every CID form, which must be refused without changing a row.

type Session = { agent: Agent; csrf: string }

let t: TestApp
let cid: Session
let supervisor: Session
let iom: Session

const outcomes = ['not_found', 'arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn'] as const
const numRuns = 25

beforeAll(async () => {
  t = await createTestApp()
  cid = await signInAs(t.app, 'cid')
  supervisor = await signInAs(t.app, 'supervisor')
  iom = await signInAs(t.app, 'iom')
})
afterAll(async () => {
  await t.close()
})

function outcomeForm(
  outcome: string,
  version: number,
  extra: { reference?: string; note?: string; on?: string } = {},
): FormData {
  return {
    outcome,
    ...dateFields('outcomeOn', extra.on ?? today()),
    reference: extra.reference ?? '',
    note: extra.note ?? '',
    version: String(version),
  }
}

/** Posts CID's outcome form (with the entry's current version unless told) and expects `status`. */
async function record(
  entryId: string,
  outcome: string,
  status: number,
  extra: { reference?: string; note?: string; on?: string; version?: number } = {},
) {
  const version = extra.version ?? (await entryRow(t.db, entryId)).version
  return postForm(cid, `/cid/${entryId}/outcome`, outcomeForm(outcome, version, extra)).expect(status)
}

async function failureEvents(failureId: string) {
  return t.db
    .selectFrom('dip_failure_event')
    .select(['kind', 'reference', 'event_date'])
    .where('failure_id', '=', failureId)
    .orderBy('recorded_at')
    .execute()
}

async function alterationsSince(afterId: number) {
  return (await auditSince(t.db, afterId)).filter((a) => a.category === 'alteration')
}

async function onList(name: string): Promise<boolean> {
  return (await cid.agent.get('/cid').expect(200)).text.includes(name)
}

describe('recording outcomes', () => {
  it('not found: the attempt is logged and the person stays on the list', async () => {
    const listed = await onTheList(t.db)
    const before = await lastAuditId(t.db)
    const done = await record(listed.entry.id, 'not_found', 303, {
      reference: 'CAD 4411',
      note: 'Checked the last known address and the hostel',
    })
    expect(done.headers.location).toBe('/cid')

    expect(await entryRow(t.db, listed.entry.id)).toMatchObject({
      status: 'countersigned',
      version: listed.entry.version + 1,
    })
    expect(await failureRow(t.db, listed.failure.id)).toMatchObject({
      status: 'wanted',
      version: listed.failure.version,
    })
    expect(await eventKinds(t.db, listed.entry.id)).toEqual(['proposed', 'countersigned', 'not_found'])
    expect(await failureEvents(listed.failure.id)).toEqual([])
    expect(await alterationsSince(before)).toEqual([
      expect.objectContaining({
        event: 'cid_entry.not_found',
        person_id: listed.person.id,
        entity_id: listed.entry.id,
        actor_username: 'cid',
      }),
    ])
    expect(await onList(shownName(listed.person))).toBe(true)
    const sheet = await cid.agent.get(`/cid/${listed.entry.id}/briefing`).expect(200)
    expect(sheet.text).toContain('not found (CAD 4411). Checked the last known address and the hostel')
  })

  it('arrested needs a custody number; with one, the entry and the DIP failure are both arrested and the person leaves the list', async () => {
    const listed = await onTheList(t.db)
    const before = await cidState(t.db)
    const refused = await record(listed.entry.id, 'arrested', 400, { reference: '  ' })
    expect(errorSummaryLinks(refused.text)).toEqual([
      { href: '#reference', text: 'Enter the custody number of the arrest' },
    ])
    expect(await cidState(t.db)).toEqual(before)

    const audit = await lastAuditId(t.db)
    await record(listed.entry.id, 'arrested', 303, { reference: 'KD/04417/26', on: daysFromToday(-1) })
    expect(await entryRow(t.db, listed.entry.id)).toMatchObject({
      status: 'arrested',
      version: listed.entry.version + 1,
    })
    expect(await failureRow(t.db, listed.failure.id)).toMatchObject({
      status: 'arrested',
      version: listed.failure.version + 1,
    })
    expect(await failureEvents(listed.failure.id)).toEqual([
      { kind: 'arrested', reference: 'KD/04417/26', event_date: daysFromToday(-1) },
    ])
    expect(await eventKinds(t.db, listed.entry.id)).toEqual(['proposed', 'countersigned', 'arrested'])
    expect(await alterationsSince(audit)).toEqual([
      expect.objectContaining({ event: 'cid_entry.arrested', person_id: listed.person.id, entity_id: listed.entry.id }),
    ])
    expect(await onList(shownName(listed.person))).toBe(false)
    const csv = await cid.agent.get('/cid/export.csv').expect(200)
    expect(csv.text).not.toContain(listed.person.surname)
  })

  it.each(['charged', 'summonsed', 'no_further_action'] as const)(
    'after an arrest, %s moves the entry and the failure on together',
    async (outcome) => {
      const listed = await onTheList(t.db)
      await record(listed.entry.id, 'arrested', 303, { reference: 'KD/1/26' })
      const audit = await lastAuditId(t.db)
      await record(listed.entry.id, outcome, 303, { note: 'Decision from the custody sergeant' })
      expect(await entryRow(t.db, listed.entry.id)).toMatchObject({
        status: outcome,
        version: listed.entry.version + 2,
      })
      expect(await failureRow(t.db, listed.failure.id)).toMatchObject({
        status: outcome,
        version: listed.failure.version + 2,
      })
      expect((await failureEvents(listed.failure.id)).map((e) => e.kind)).toEqual(['arrested', outcome])
      expect(await eventKinds(t.db, listed.entry.id)).toEqual(['proposed', 'countersigned', 'arrested', outcome])
      expect(await alterationsSince(audit)).toEqual([
        expect.objectContaining({ event: `cid_entry.${outcome}`, person_id: listed.person.id }),
      ])

      // Nothing follows a final outcome: the sheet (and its form) is gone, and nothing changes.
      const before = await cidState(t.db)
      await cid.agent.get(`/cid/${listed.entry.id}/briefing`).expect(404)
      await record(listed.entry.id, 'withdrawn', 404)
      expect(await cidState(t.db)).toEqual(before)
    },
  )

  it('withdrawn (good cause shown) takes the person off the list, before or after an arrest', async () => {
    const early = await onTheList(t.db)
    const audit = await lastAuditId(t.db)
    await record(early.entry.id, 'withdrawn', 303, { note: 'Hospital letter produced' })
    expect(await entryRow(t.db, early.entry.id)).toMatchObject({ status: 'withdrawn' })
    expect(await failureRow(t.db, early.failure.id)).toMatchObject({ status: 'withdrawn' })
    expect(await alterationsSince(audit)).toEqual([
      expect.objectContaining({ event: 'cid_entry.withdrawn', person_id: early.person.id }),
    ])
    expect(await onList(shownName(early.person))).toBe(false)

    const late = await onTheList(t.db)
    await record(late.entry.id, 'arrested', 303, { reference: 'KD/2/26' })
    await record(late.entry.id, 'withdrawn', 303)
    expect(await entryRow(t.db, late.entry.id)).toMatchObject({ status: 'withdrawn' })
    expect(await failureRow(t.db, late.failure.id)).toMatchObject({ status: 'withdrawn' })
  })

  it('refuses a charge, summons or no further action before an arrest, and changes nothing', async () => {
    const listed = await onTheList(t.db)
    for (const outcome of ['charged', 'summonsed', 'no_further_action'] as const) {
      const before = await cidState(t.db)
      const refused = await record(listed.entry.id, outcome, 400)
      expect(errorSummaryLinks(refused.text)).toEqual([
        { href: '#outcome', text: 'Not possible while the entry is countersigned' },
      ])
      expect(await cidState(t.db)).toEqual(before)
    }
  })

  it('refuses a second arrest, or a charge dated before the failure, with the form and its message (not a missing page)', async () => {
    const listed = await onTheList(t.db, { failureDate: daysFromToday(-20) })
    await record(listed.entry.id, 'arrested', 303, { reference: 'KD/3/26' })
    // Off the list, but the sheet still opens for CID, to record what followed the arrest.
    const sheet = await cid.agent.get(`/cid/${listed.entry.id}/briefing`).expect(200)
    expect(sheet.text).toContain('arrested (KD/3/26)')
    const before = await cidState(t.db)
    const again = await record(listed.entry.id, 'arrested', 400, { reference: 'KD/4/26' })
    expect(errorSummaryLinks(again.text)).toEqual([
      { href: '#outcome', text: 'Not possible while the entry is arrested' },
    ])
    const early = await record(listed.entry.id, 'charged', 400, { on: daysFromToday(-21) })
    expect(errorSummaryLinks(early.text)).toEqual([
      { href: '#outcomeOn', text: 'The date must be on or after the failure' },
    ])
    expect(await cidState(t.db)).toEqual(before)
  })

  it('refuses a date in the future or before the failure', async () => {
    const listed = await onTheList(t.db, { failureDate: daysFromToday(-10) })
    const before = await cidState(t.db)
    const future = await record(listed.entry.id, 'not_found', 400, { on: daysFromToday(1) })
    expect(errorSummaryLinks(future.text)).toEqual([{ href: '#outcomeOn', text: 'Date must be today or in the past' }])
    const early = await record(listed.entry.id, 'arrested', 400, { reference: 'KD/5/26', on: daysFromToday(-11) })
    expect(errorSummaryLinks(early.text)).toEqual([
      { href: '#outcomeOn', text: 'The date must be on or after the failure' },
    ])
    expect(await cidState(t.db)).toEqual(before)
  })

  it('refuses a stale form with a 409 and changes nothing', async () => {
    const listed = await onTheList(t.db)
    await record(listed.entry.id, 'not_found', 303)
    const before = await cidState(t.db)
    const audit = await lastAuditId(t.db)
    await record(listed.entry.id, 'arrested', 409, { reference: 'KD/6/26', version: listed.entry.version })
    expect(await cidState(t.db)).toEqual(before)
    expect(await alterationsSince(audit)).toEqual([])
    expect(await entryRow(t.db, listed.entry.id)).toMatchObject({
      status: 'countersigned',
      version: listed.entry.version + 1,
    })
  })

  it('when the DIP failure changed between reading and writing, undoes the entry’s move as well: entry, failure and history stay as they were', async () => {
    const listed = await onTheList(t.db)
    // Someone else's change to the failure lands just after the entry is moved: a trigger plays
    // them, made by the owner (the app's role may not change the schema).
    await t.database.asOwner(async (owner) => {
      await sql`create function cid_test_bump_failure() returns trigger language plpgsql as $$
      begin
        update dip_failure set version = version + 1 where id = new.failure_id;
        return new;
      end $$`.execute(owner)
      await sql`create trigger cid_test_bump_failure after update on cid_entry for each row execute function cid_test_bump_failure()`.execute(
        owner,
      )
    })
    const before = await cidState(t.db)
    const audit = await lastAuditId(t.db)
    try {
      await record(listed.entry.id, 'arrested', 409, { reference: 'KD/7/26' })
    } finally {
      await t.database.asOwner(async (owner) => {
        await sql`drop trigger cid_test_bump_failure on cid_entry`.execute(owner)
        await sql`drop function cid_test_bump_failure()`.execute(owner)
      })
    }
    expect(await cidState(t.db)).toEqual(before)
    expect(await entryRow(t.db, listed.entry.id)).toMatchObject({
      status: 'countersigned',
      version: listed.entry.version,
    })
    expect(await failureRow(t.db, listed.failure.id)).toMatchObject({
      status: 'wanted',
      version: listed.failure.version,
    })
    expect(await eventKinds(t.db, listed.entry.id)).toEqual(['proposed', 'countersigned'])
    expect(await alterationsSince(audit)).toEqual([])
    expect(await onList(shownName(listed.person))).toBe(true)
  })

  it('answers 404 for an entry outside the list’s reach and refuses the supervisor’s decisions to CID', async () => {
    await postForm(cid, '/cid/00000000-0000-4000-8000-000000000000/outcome', outcomeForm('not_found', 1)).expect(404)
    const listed = await onTheList(t.db)
    await postForm(iom, `/cid/${listed.entry.id}/outcome`, outcomeForm('not_found', listed.entry.version)).expect(403)
  })
})

/** A proposal's "add a marker in the same step" fields. */
const newMarker = {
  marker: 'new',
  newMarkerCode: 'violent',
  ...dateFields('newMarkerStart', daysFromToday(-40)),
  newMarkerSource: 'Assault on a custody officer, CAD 4411',
}

describe('manual proposals', () => {
  it('an officer proposes a wanted failure with a reason; it waits for the supervisor, and a second proposal is refused', async () => {
    const who = await person(t.db)
    const failed = await failure(t.db, who.id)
    const page = await iom.agent.get(`/failures/${failed.id}/cid-proposal`).expect(200)
    expect(page.text).toContain('Propose for the CID list')
    await postForm(iom, `/failures/${failed.id}/cid-proposal`, {
      reason: 'Threatened the assessor with a knife',
      ...newMarker,
    })
      .expect(303)
      .expect('Location', `/failures/${failed.id}`)
    const proposed = await t.db
      .selectFrom('cid_entry')
      .select(['id', 'status', 'source', 'reason'])
      .where('failure_id', '=', failed.id)
      .executeTakeFirstOrThrow()
    expect(proposed).toMatchObject({
      status: 'proposed',
      source: 'manual',
      reason: 'Threatened the assessor with a knife',
    })
    expect((await supervisor.agent.get('/cid/proposals').expect(200)).text).toContain(
      `action="/cid/${proposed.id}/countersign"`,
    )

    const markersBefore = await t.db.selectFrom('person_marker').select('id').where('person_id', '=', who.id).execute()
    const again = await postForm(iom, `/failures/${failed.id}/cid-proposal`, { reason: 'Again', ...newMarker }).expect(
      400,
    )
    // The refusal takes back the marker the second form would have added.
    expect(await t.db.selectFrom('person_marker').select('id').where('person_id', '=', who.id).execute()).toEqual(
      markersBefore,
    )
    expect(errorSummaryLinks(again.text)).toEqual([
      { href: '#reason', text: 'This failure is already with CID or awaiting countersignature' },
    ])
  })

  it('refuses a failure that is not wanted', async () => {
    const who = await person(t.db)
    const failed = await failure(t.db, who.id, { status: 'open' })
    const refused = await postForm(iom, `/failures/${failed.id}/cid-proposal`, {
      reason: 'Violent',
      ...newMarker,
    }).expect(400)
    expect(errorSummaryLinks(refused.text)).toEqual([
      { href: '#reason', text: 'Only a failure circulated as wanted can be handed to CID' },
    ])
  })
})

// ---- hostile input ----

describe('hostile input to the CID forms', () => {
  /** A hostile form gets a 400 with a message, echoes nothing unescaped, and no CID or DIP row changes. */
  async function expectRefused(session: Session, path: string, form: FormData) {
    const before = await cidState(t.db)
    const response = await postForm(session, path, form)
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text).length).toBeGreaterThan(0)
    expect(response.text).not.toContain('<script>alert(1)</script>')
    expect(await cidState(t.db)).toEqual(before)
  }

  it('the outcome form', async () => {
    const listed = await onTheList(t.db)
    await t.services.dipService.sweep()
    const spec: Record<string, FieldSpec> = {
      outcome: { valid: { outcome: 'not_found' }, hostile: field('outcome', notOneOf(outcomes)) },
      outcomeOn: {
        valid: dateFields('outcomeOn', today()),
        hostile: hostileDate('outcomeOn', { notFuture: true, required: true }),
      },
      reference: { valid: { reference: 'CAD 1' }, hostile: field('reference', hostileText(60, { required: false })) },
      note: { valid: { note: 'Not at home' }, hostile: field('note', hostileText(1000, { required: false })) },
      version: { valid: { version: String(listed.entry.version) }, hostile: field('version', hostileVersion) },
    }
    await fc.assert(
      fc.asyncProperty(hostileForm(spec), (form) => expectRefused(cid, `/cid/${listed.entry.id}/outcome`, form)),
      { numRuns },
    )
    expect(await eventKinds(t.db, listed.entry.id)).toEqual(['proposed', 'countersigned'])
  })

  it.each(['countersign', 'reject'] as const)('the %s form', async (action) => {
    const who = await person(t.db)
    await marker(t.db, who.id, 'violent')
    const proposal = await entry(t.db, await failure(t.db, who.id), 'proposed')
    await t.services.dipService.sweep()
    const spec: Record<string, FieldSpec> = {
      rationale: {
        valid: { rationale: 'Violent and wanted' },
        hostile: field('rationale', hostileText(1000, { required: true })),
      },
      version: { valid: { version: String(proposal.version) }, hostile: field('version', hostileVersion) },
    }
    await fc.assert(
      fc.asyncProperty(hostileForm(spec), (form) => expectRefused(supervisor, `/cid/${proposal.id}/${action}`, form)),
      { numRuns },
    )
    expect(await entryRow(t.db, proposal.id)).toMatchObject({ status: 'proposed', version: proposal.version })
  })

  it('the manual proposal form', async () => {
    const who = await person(t.db)
    const failed = await failure(t.db, who.id)
    await t.services.dipService.sweep()
    await iom.agent.get(`/failures/${failed.id}/cid-proposal`).expect(200)
    const spec: Record<string, FieldSpec> = {
      reason: {
        valid: { reason: 'Threatened staff' },
        hostile: field('reason', hostileText(1000, { required: true })),
      },
      marker: {
        valid: { marker: 'new' },
        hostile: field(
          'marker',
          fc.oneof(fc.constantFrom('', '00000000-0000-4000-8000-000000000000'), hostileText(40, { required: true })),
        ),
      },
      newMarkerCode: {
        valid: { newMarkerCode: 'violent' },
        hostile: field('newMarkerCode', notOneOf(['violent', 'weapons'])),
      },
      newMarkerStart: {
        valid: dateFields('newMarkerStart', daysFromToday(-40)),
        hostile: hostileDate('newMarkerStart', { required: true, notFuture: true }),
      },
      newMarkerSource: {
        valid: { newMarkerSource: 'Assault on a custody officer' },
        hostile: field('newMarkerSource', hostileText(500, { required: true })),
      },
    }
    await fc.assert(
      fc.asyncProperty(hostileForm(spec), (form) => expectRefused(iom, `/failures/${failed.id}/cid-proposal`, form)),
      { numRuns },
    )
    expect(await t.db.selectFrom('cid_entry').select('id').where('failure_id', '=', failed.id).execute()).toEqual([])
  })

  it('the same forms with every field valid are accepted, so the refusals above are about the hostile field', async () => {
    const listed = await onTheList(t.db)
    await record(listed.entry.id, 'not_found', 303, { reference: 'CAD 1', note: 'Not at home' })
    const who = await person(t.db)
    await marker(t.db, who.id, 'violent')
    const proposal = await entry(t.db, await failure(t.db, who.id), 'proposed')
    await postForm(supervisor, `/cid/${proposal.id}/countersign`, {
      rationale: 'Violent and wanted',
      version: String(proposal.version),
    }).expect(303)
    const other = await failure(t.db, (await person(t.db)).id)
    await postForm(iom, `/failures/${other.id}/cid-proposal`, { reason: 'Threatened staff', ...newMarker }).expect(303)
  })
})
