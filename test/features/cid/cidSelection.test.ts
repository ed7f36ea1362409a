import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { proposeEligible } from '../../../server/features/dip/cidHandOffRepository.ts'
import { postForm } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { daysFromToday, eventKinds, failure, marker, person, shownName, today, type MarkerCode } from './cidSupport.ts'

// The selection rule (server/domain/REFERENCE.md): a violent offender wanted for a DIP failure is someone with an
// open wanted status from an s12/s14 failure, AND a current violent or weapons marker, AND a
// failure not yet time-barred. Every combination is arranged once; the system proposes exactly
// the eligible ones to the supervisor, and only the countersigned ones reach CID's list.

type Session = { agent: Agent; csrf: string }
type MarkerCase = 'violent' | 'weapons' | 'other' | 'none' | 'ended violent'
type Case = { wanted: boolean; marker: MarkerCase; timeBar: 'before today' | 'after today'; countersign: boolean }
type Arranged = Case & { personId: string; surname: string; name: string; failureId: string }

let t: TestApp
let supervisor: Session
let cid: Session

const markerCases: MarkerCase[] = ['violent', 'weapons', 'other', 'none', 'ended violent']
const cases: Case[] = [true, false].flatMap((wanted) =>
  markerCases.flatMap((m) =>
    (['before today', 'after today'] as const).flatMap((timeBar) =>
      [true, false].map((countersign) => ({ wanted, marker: m, timeBar, countersign })),
    ),
  ),
)
const eligible = (c: Case) =>
  c.wanted && (c.marker === 'violent' || c.marker === 'weapons') && c.timeBar === 'after today'
const label = (c: Case) =>
  `${c.wanted ? 'wanted' : 'not wanted'}, ${c.marker} marker, time bar ${c.timeBar}, ${c.countersign ? 'countersigned' : 'not countersigned'}`

beforeAll(async () => {
  t = await createTestApp()
  supervisor = await signInAs(t.app, 'supervisor')
  cid = await signInAs(t.app, 'cid')
})
afterAll(async () => {
  await t.close()
})

async function arrange(c: Case): Promise<Arranged> {
  const who = await person(t.db)
  const markerCode: Record<MarkerCase, MarkerCode | undefined> = {
    violent: 'violent',
    weapons: 'weapons',
    other: 'drugs',
    none: undefined,
    'ended violent': 'violent',
  }
  const code = markerCode[c.marker]
  if (code)
    await marker(
      t.db,
      who.id,
      code,
      c.marker === 'ended violent' ? { startDate: daysFromToday(-400), endedOn: daysFromToday(-10) } : {},
    )
  // Before today: failed seven months ago, so the six-month bar has passed; after: failed a month ago.
  const failureDate = daysFromToday(c.timeBar === 'before today' ? -215 : -30)
  const failed = await failure(t.db, who.id, { failureDate, status: c.wanted ? 'wanted' : 'open' })
  return { ...c, personId: who.id, surname: who.surname, name: shownName(who), failureId: failed.id }
}

async function entryOf(personId: string) {
  return t.db
    .selectFrom('cid_entry')
    .select(['id', 'version', 'status', 'source', 'reason'])
    .where('person_id', '=', personId)
    .executeTakeFirst()
}

describe('which people the system proposes to CID, and which reach the list', () => {
  it('proposes exactly the wanted people with a current violent or weapons marker and a time bar still to come; only countersigned ones reach CID', async () => {
    const arranged: Arranged[] = []
    for (const c of cases) arranged.push(await arrange(c))
    expect(arranged).toHaveLength(40)

    // Reading the queue proposes no one; the scheduled sweep runs the rule (time-barred failures
    // closed, eligible ones proposed), and the queue shows what it made.
    const unswept = await supervisor.agent.get('/cid/proposals').expect(200)
    for (const a of arranged) {
      expect(await entryOf(a.personId), label(a)).toBeUndefined()
      expect(unswept.text, label(a)).not.toContain(a.name)
    }
    await t.services.dipService.sweep()
    const queue = await supervisor.agent.get('/cid/proposals').expect(200)
    for (const a of arranged) {
      const proposal = await entryOf(a.personId)
      if (eligible(a)) {
        expect(proposal, label(a)).toMatchObject({ status: 'proposed', source: 'system' })
        expect(proposal?.reason, label(a)).toBe(`Wanted for an s12 DIP failure, with a current ${a.marker} marker`)
        expect(queue.text, label(a)).toContain(`action="/cid/${proposal?.id}/countersign"`)
        expect(queue.text, label(a)).toContain(a.name)
        expect(await eventKinds(t.db, proposal!.id), label(a)).toEqual(['proposed'])
      } else {
        expect(proposal, label(a)).toBeUndefined()
        expect(queue.text, label(a)).not.toContain(a.name)
      }
    }

    // The failures past their time bar were closed by the sweep, wanted or not.
    for (const a of arranged.filter((x) => x.timeBar === 'before today')) {
      const row = await t.db
        .selectFrom('dip_failure')
        .select('status')
        .where('id', '=', a.failureId)
        .executeTakeFirstOrThrow()
      expect(row.status, label(a)).toBe('time_barred')
    }

    for (const a of arranged.filter((x) => eligible(x) && x.countersign)) {
      const proposal = await entryOf(a.personId)
      await postForm(supervisor, `/cid/${proposal!.id}/countersign`, {
        rationale: 'Violent and wanted: arrest before the time bar',
        version: String(proposal!.version),
      }).expect(303)
    }

    const list = await cid.agent.get('/cid').expect(200)
    for (const a of arranged) {
      if (eligible(a) && a.countersign) expect(list.text, label(a)).toContain(a.name)
      else expect(list.text, label(a)).not.toContain(a.name)
    }
    const csv = await cid.agent.get('/cid/export.csv').expect(200)
    const listedSurnames = arranged.filter((a) => csv.text.includes(`,${a.surname},`)).map((a) => a.personId)
    expect(listedSurnames.sort()).toEqual(
      arranged
        .filter((a) => eligible(a) && a.countersign)
        .map((a) => a.personId)
        .sort(),
    )

    // A proposal left undecided stays with the supervisor, not with CID.
    const again = await supervisor.agent.get('/cid/proposals').expect(200)
    for (const a of arranged.filter(eligible)) {
      expect(again.text.includes(a.name), label(a)).toBe(!a.countersign)
    }
  })

  it('proposes each eligible failure once, however often the rule runs', async () => {
    const who = await person(t.db)
    await marker(t.db, who.id, 'weapons')
    await failure(t.db, who.id)
    expect(await proposeEligible(t.db, today())).toBe(1)
    expect(await proposeEligible(t.db, today())).toBe(0)
    await t.services.dipService.sweep()
    const entries = await t.db.selectFrom('cid_entry').select('id').where('person_id', '=', who.id).execute()
    expect(entries).toHaveLength(1)
  })

  it('proposes every wanted failure of a violent person, and names both markers when both are current', async () => {
    const who = await person(t.db)
    await marker(t.db, who.id, 'violent')
    await marker(t.db, who.id, 'weapons')
    await failure(t.db, who.id, { section: 's12', failureDate: daysFromToday(-60) })
    await failure(t.db, who.id, { section: 's14', failureDate: daysFromToday(-20) })
    await t.services.dipService.sweep()
    const entries = await t.db
      .selectFrom('cid_entry')
      .select(['reason', 'status'])
      .where('person_id', '=', who.id)
      .orderBy('reason')
      .execute()
    expect(entries).toEqual([
      { reason: 'Wanted for an s12 DIP failure, with a current violent and weapons marker', status: 'proposed' },
      { reason: 'Wanted for an s14 DIP failure, with a current violent and weapons marker', status: 'proposed' },
    ])
  })

  it('counts a failure whose time bar is today as not yet time-barred, and one that ended yesterday as time-barred', async () => {
    const onTheDay = await person(t.db)
    const dayAfter = await person(t.db)
    for (const p of [onTheDay, dayAfter]) await marker(t.db, p.id, 'violent')
    await failure(t.db, onTheDay.id, { failureDate: daysFromToday(-183), timeBarDate: today() })
    await failure(t.db, dayAfter.id, { failureDate: daysFromToday(-184), timeBarDate: daysFromToday(-1) })
    await t.services.dipService.sweep()
    expect(await entryOf(onTheDay.id)).toMatchObject({ status: 'proposed' })
    expect(await entryOf(dayAfter.id)).toBeUndefined()
  })

  it('does not count a marker that starts in the future, nor a firearms marker on its own', async () => {
    const notYet = await person(t.db)
    await marker(t.db, notYet.id, 'violent', { startDate: daysFromToday(3) })
    const firearms = await person(t.db)
    await marker(t.db, firearms.id, 'firearms')
    for (const p of [notYet, firearms]) await failure(t.db, p.id)
    await t.services.dipService.sweep()
    expect(await entryOf(notYet.id)).toBeUndefined()
    expect(await entryOf(firearms.id)).toBeUndefined()
  })

  it('proposes a person whose violent marker ended while a weapons marker is still current', async () => {
    const who = await person(t.db)
    await marker(t.db, who.id, 'violent', { startDate: daysFromToday(-400), endedOn: daysFromToday(-5) })
    await marker(t.db, who.id, 'weapons')
    await failure(t.db, who.id)
    await t.services.dipService.sweep()
    expect(await entryOf(who.id)).toMatchObject({
      status: 'proposed',
      reason: 'Wanted for an s12 DIP failure, with a current weapons marker',
    })
  })

  it('does not propose a failure already past wanted (arrested) nor one withdrawn', async () => {
    for (const status of ['arrested', 'withdrawn', 'charged'] as const) {
      const who = await person(t.db)
      await marker(t.db, who.id, 'violent')
      await failure(t.db, who.id, { status })
      await t.services.dipService.sweep()
      expect(await entryOf(who.id), status).toBeUndefined()
    }
  })

  it('does not propose again after the supervisor rejected the proposal', async () => {
    const who = await person(t.db)
    await marker(t.db, who.id, 'violent')
    await failure(t.db, who.id)
    await t.services.dipService.sweep()
    const proposal = await entryOf(who.id)
    await postForm(supervisor, `/cid/${proposal!.id}/reject`, {
      rationale: 'Marker under review: not for CID yet',
      version: String(proposal!.version),
    }).expect(303)
    expect((await t.services.dipService.sweep()).proposed).toBe(0)
    const entries = await t.db.selectFrom('cid_entry').select('status').where('person_id', '=', who.id).execute()
    expect(entries).toEqual([{ status: 'rejected' }])
  })
})
