import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  postForm,
  rowCounts,
  sealed,
  uniqueTag,
  writeAuditCount,
} from '../../helpers/factories.ts'
import { textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import {
  cidState,
  daysFromToday,
  entry,
  entryRow,
  eventKinds,
  failure,
  marker,
  onTheList,
  person,
  shownName,
  today,
} from './cidSupport.ts'

// The rules that keep the CID list to violent people wanted for a DIP failure (server/domain/REFERENCE.md,
// "Violent offender wanted for DIP failure"), one test per rule, through the real routes.

type Session = { agent: Agent; csrf: string }

let t: TestApp
let cid: Session
let iom: Session
let supervisor: Session
let secondSupervisor: Session
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  // A second supervisor over the same areas as the demo one, with the same password: the other half of the two-person rule.
  const demo = await t.db
    .selectFrom('app_user')
    .select('password_hash')
    .where('id', '=', users.supervisor)
    .executeTakeFirstOrThrow()
  const username = `supervisor${uniqueTag().toLowerCase()}`
  const second = await t.db
    .insertInto('app_user')
    .values({
      username,
      display_name: 'Sergeant Robin Second',
      role: 'supervisor',
      agency: null,
      password_hash: demo.password_hash,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const areas = await t.db.selectFrom('user_area').select('area_id').where('user_id', '=', users.supervisor).execute()
  await t.db
    .insertInto('user_area')
    .values(areas.map((a) => ({ user_id: second.id, area_id: a.area_id })))
    .execute()
  cid = await signInAs(t.app, 'cid')
  iom = await signInAs(t.app, 'iom')
  supervisor = await signInAs(t.app, 'supervisor')
  secondSupervisor = await signInAs(t.app, username)
})
afterAll(async () => {
  await t.close()
})

/** Everything CID's forms may change (cidSupport's cidState), with the rows' counts and the write audit. */
async function state() {
  return {
    ...(await cidState(t.db)),
    ...(await rowCounts(t.db, ['cid_entry', 'cid_entry_event', 'person_marker'])),
    writeAudit: await writeAuditCount(t.db),
  }
}

async function onCidList(name: string): Promise<boolean> {
  return (await cid.agent.get('/cid').expect(200)).text.includes(name)
}

async function endMarkers(personId: string) {
  await t.db
    .updateTable('person_marker')
    .set({ ended_on: today(), ended_by: users.supervisor })
    .where('person_id', '=', personId)
    .where('marker_code', 'in', ['violent', 'weapons'])
    .execute()
}

const markerRow = (personId: string, code: string) =>
  t.db
    .selectFrom('person_marker')
    .selectAll()
    .where('person_id', '=', personId)
    .where('marker_code', '=', code)
    .executeTakeFirstOrThrow()

/** The supervisor's proposal card for the entry on the queue page, as text. */
function proposalCard(html: string, entryId: string): string {
  const cards = html.split('<div class="govuk-summary-card">').slice(1)
  const card = cards.find((c) => c.includes(`/cid/${entryId}/`))
  if (card === undefined) throw new Error(`No proposal card for entry ${entryId} on the queue page`)
  return textOf(card)
}

describe('who is on the CID list', () => {
  it('the CID list holds only people with a current violent or weapons marker', async () => {
    const listed = await onTheList(t.db, { markers: ['violent', 'drugs'] })
    const name = shownName(listed.person)
    expect(await onCidList(name)).toBe(true)
    expect((await cid.agent.get('/cid/export.csv').expect(200)).text).toContain(listed.person.surname)

    // The marker ends, by whatever path: the entry is suspended at once, by the system.
    await endMarkers(listed.person.id)

    expect(await entryRow(t.db, listed.entry.id)).toMatchObject({
      status: 'suspended',
      version: listed.entry.version + 1,
    })
    expect(await eventKinds(t.db, listed.entry.id)).toEqual(['proposed', 'countersigned', 'suspended'])
    const suspended = await t.db
      .selectFrom('cid_entry_event')
      .select(['event_date', 'note', 'recorded_by'])
      .where('entry_id', '=', listed.entry.id)
      .where('kind', '=', 'suspended')
      .executeTakeFirstOrThrow()
    expect(suspended).toEqual({
      event_date: today(),
      note: 'Suspended: the person no longer has a current violent or weapons marker',
      recorded_by: null,
    })
    const audit = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['category', 'event', 'actor_username', 'entity_id'])
      .where('person_id', '=', listed.person.id)
      .where('event', '=', 'cid_entry.suspended')
      .execute()
    expect(audit).toEqual([
      { category: 'alteration', event: 'cid_entry.suspended', actor_username: 'system', entity_id: listed.entry.id },
    ])

    expect(await onCidList(name)).toBe(false)
    expect((await cid.agent.get('/cid/export.csv').expect(200)).text).not.toContain(listed.person.surname)
    await cid.agent.get(`/cid/${listed.entry.id}/briefing`).expect(404)
    // The failure itself is still wanted: only the hand-off to CID is suspended.
    expect(
      (
        await t.db
          .selectFrom('dip_failure')
          .select('status')
          .where('id', '=', listed.failure.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('wanted')
  })
})

describe('proposals and countersignatures', () => {
  it('a manual proposal must cite a current violent or weapons marker or add one', async () => {
    const who = await person(t.db)
    await marker(t.db, who.id, 'drugs')
    await marker(t.db, who.id, 'violent', { endedOn: daysFromToday(-5) })
    const failed = await failure(t.db, who.id)
    const drugs = await markerRow(who.id, 'drugs')
    const ended = await markerRow(who.id, 'violent')
    const reason = 'Threatened the assessor with a knife'

    for (const cited of [drugs.id, ended.id]) {
      const before = await state()
      const refused = await postForm(iom, `/failures/${failed.id}/cid-proposal`, { reason, marker: cited })
      expect(refused.status).toBe(400)
      expect(errorSummaryLinks(refused.text)).toEqual([
        { href: '#marker', text: 'Select a current violent or weapons marker of this person, or add one' },
      ])
      expect(await state()).toEqual(before)
    }

    const source = `Assault on a custody officer, CAD ${uniqueTag()}`
    await postForm(iom, `/failures/${failed.id}/cid-proposal`, {
      reason,
      marker: 'new',
      newMarkerCode: 'weapons',
      ...dateFields('newMarkerStart', daysFromToday(-40)),
      newMarkerSource: source,
    })
      .expect(303)
      .expect('Location', `/failures/${failed.id}`)
    const added = await markerRow(who.id, 'weapons')
    expect(added).toMatchObject({ note: source, start_date: daysFromToday(-40), ended_on: null, set_by: users.iom })
    const proposed = await t.db
      .selectFrom('cid_entry')
      .selectAll()
      .where('failure_id', '=', failed.id)
      .executeTakeFirstOrThrow()
    expect(proposed).toMatchObject({
      status: 'proposed',
      source: 'manual',
      proposed_by: users.iom,
      cited_marker_id: added.id,
      reason,
    })
  })

  it('countersigning re-checks the marker', async () => {
    const who = await person(t.db)
    await marker(t.db, who.id, 'violent')
    const proposal = await entry(t.db, await failure(t.db, who.id), 'proposed')

    // The marker ends between proposal and countersignature: a proposal is not suspended, it waits.
    await endMarkers(who.id)
    expect(await entryRow(t.db, proposal.id)).toMatchObject({ status: 'proposed', version: proposal.version })
    expect(await eventKinds(t.db, proposal.id)).toEqual(['proposed'])

    await supervisor.agent.get('/cid/proposals').expect(200)
    const before = await state()
    const refused = await postForm(supervisor, `/cid/${proposal.id}/countersign`, {
      rationale: 'Violent and wanted',
      version: String(proposal.version),
    })
    expect(refused.status).toBe(400)
    expect(errorSummaryLinks(refused.text)).toEqual([
      {
        href: `#countersign-${proposal.id}`,
        text: 'The person no longer has a current violent or weapons marker: reject the proposal',
      },
    ])
    expect(await state()).toEqual(before)
    expect(await onCidList(shownName(who))).toBe(false)

    // The database refuses the same, whatever path tries it.
    await expect(
      t.db
        .updateTable('cid_entry')
        .set({ status: 'countersigned', decided_by: users.supervisor, decided_at: new Date() })
        .where('id', '=', proposal.id)
        .execute(),
    ).rejects.toThrow(/current violent or weapons marker/)

    // With a current marker again, the same countersignature is accepted.
    await marker(t.db, who.id, 'weapons', { startDate: daysFromToday(-1) })
    await postForm(supervisor, `/cid/${proposal.id}/countersign`, {
      rationale: 'Violent and wanted',
      version: String(proposal.version),
    }).expect(303)
    expect(await entryRow(t.db, proposal.id)).toMatchObject({ status: 'countersigned', decided_by: users.supervisor })
  })

  it('a supervisor cannot countersign their own proposal, nor a failure they circulated', async () => {
    const rationale = 'Violent and wanted: arrest before the time bar'

    // Their own proposal.
    const proposer = await person(t.db)
    await marker(t.db, proposer.id, 'violent')
    const own = await entry(t.db, await failure(t.db, proposer.id), 'proposed')
    await t.db
      .updateTable('cid_entry')
      .set({ source: 'manual', proposed_by: users.supervisor })
      .where('id', '=', own.id)
      .execute()
    const ownMessage = 'You proposed this hand-off: another supervisor must countersign it (two-person rule)'

    let before = await state()
    const refusedOwn = await postForm(supervisor, `/cid/${own.id}/countersign`, {
      rationale,
      version: String(own.version),
    })
    expect(refusedOwn.status).toBe(400)
    expect(errorSummaryLinks(refusedOwn.text)).toEqual([{ href: `#countersign-${own.id}`, text: ownMessage }])
    expect(await state()).toEqual(before)

    // A failure they circulated as wanted.
    const circulated = await person(t.db)
    await marker(t.db, circulated.id, 'violent')
    const circulatedFailure = await failure(t.db, circulated.id)
    await t.db
      .insertInto('dip_failure_event')
      .values({
        failure_id: circulatedFailure.id,
        kind: 'circulated_wanted',
        event_date: circulatedFailure.wanted_since!,
        reference: circulatedFailure.wanted_reference,
        recorded_by: users.supervisor,
      })
      .execute()
    const theirs = await entry(t.db, circulatedFailure, 'proposed')
    const circulatedMessage =
      'You circulated this failure as wanted: another supervisor must countersign it (two-person rule)'

    // The queue page says why, before the supervisor tries.
    const queue = (await supervisor.agent.get('/cid/proposals').expect(200)).text
    expect(proposalCard(queue, own.id)).toContain(ownMessage)
    expect(proposalCard(queue, theirs.id)).toContain(circulatedMessage)
    expect(queue).not.toContain(`action="/cid/${own.id}/countersign"`)
    expect(queue).not.toContain(`action="/cid/${theirs.id}/countersign"`)
    before = await state()
    const refusedCirculated = await postForm(supervisor, `/cid/${theirs.id}/countersign`, {
      rationale,
      version: String(theirs.version),
    })
    expect(refusedCirculated.status).toBe(400)
    expect(errorSummaryLinks(refusedCirculated.text)).toEqual([
      { href: `#countersign-${theirs.id}`, text: circulatedMessage },
    ])
    expect(await state()).toEqual(before)

    // The database refuses a countersignature by the proposer or by the officer who circulated, whatever path tries it.
    await expect(
      t.db
        .updateTable('cid_entry')
        .set({ status: 'countersigned', decided_by: users.supervisor, decided_at: new Date() })
        .where('id', '=', own.id)
        .execute(),
    ).rejects.toThrow(/neither proposed it nor circulated/)
    await expect(
      t.db
        .updateTable('cid_entry')
        .set({ status: 'countersigned', decided_by: users.supervisor, decided_at: new Date() })
        .where('id', '=', theirs.id)
        .execute(),
    ).rejects.toThrow(/neither proposed it nor circulated/)
    expect(await state()).toEqual(before)

    // Another supervisor countersigns both.
    for (const proposal of [own, theirs]) {
      await postForm(secondSupervisor, `/cid/${proposal.id}/countersign`, {
        rationale,
        version: String(proposal.version),
      }).expect(303)
      expect(await entryRow(t.db, proposal.id)).toMatchObject({ status: 'countersigned' })
    }
    expect(await onCidList(shownName(proposer))).toBe(true)
    expect(await onCidList(shownName(circulated))).toBe(true)
  })
})
