import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMonths } from '../../../server/domain/time.ts'
import {
  areaIdsByCode,
  auditSince,
  createMembership,
  createOutsideArea,
  demoUserIds,
  errorSummaryLinks,
  lastAuditId,
  postForm,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import {
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

// CID's list of violent offenders wanted for DIP failures: its order, one row per person, its
// filters, the CSV export, the briefing sheet, what a CID officer may open, and the
// supervisor's decisions (countersign, reject, close) with their rationale.

type Session = { agent: Agent; csrf: string }

let t: TestApp
let supervisor: Session
let cid: Session
let areas: Record<string, string>

const csvHeader =
  'protective_marking,pnc_id,surname,forenames,date_of_birth,address,borough,ward,failure_section,failure_date,statement_date,wanted_since,time_bar_date,markers,lead_officer,countersigned_by,countersigned_at,status'
const isoDay = /^\d{4}-\d{2}-\d{2}$/

beforeAll(async () => {
  t = await createTestApp()
  supervisor = await signInAs(t.app, 'supervisor')
  cid = await signInAs(t.app, 'cid')
  areas = await areaIdsByCode(t.db)
})
afterAll(async () => {
  await t.close()
})

/** The CSV's lines as fields, keyed by surname (the arranged values hold no commas or quotes). */
/** The export read as a spreadsheet would: quoted fields (an address holds commas) kept whole. */
function csvRows(text: string): { header: string; rows: Record<string, string>[] } {
  const header = text.split('\r\n')[0] ?? ''
  const rows: Record<string, string>[] = parse(text, { columns: true, skip_empty_lines: true })
  return { header, rows }
}

/** Where each name first appears on a page (-1 when absent). */
const positions = (html: string, names: string[]) => names.map((n) => html.indexOf(n))

async function disclosuresSince(afterId: number) {
  return (await auditSince(t.db, afterId)).filter((a) => a.category === 'disclosure')
}

describe('the order of the CID list', () => {
  it('lists the soonest time bar first and, on the same day, the most recent violence marker first', async () => {
    const sameDay = daysFromToday(20)
    const oldMarker = await onTheList(t.db, { timeBarDate: sameDay, markerStart: daysFromToday(-300) })
    const newMarker = await onTheList(t.db, { timeBarDate: sameDay, markerStart: daysFromToday(-10) })
    const soonest = await onTheList(t.db, { timeBarDate: daysFromToday(5) })
    const latest = await onTheList(t.db, { timeBarDate: daysFromToday(90), markerStart: daysFromToday(-1) })
    const expected = [soonest, newMarker, oldMarker, latest]

    const page = await cid.agent.get('/cid').expect(200)
    const at = positions(
      page.text,
      expected.map((e) => shownName(e.person)),
    )
    expect(at.every((p) => p > 0)).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)

    const csv = csvRows((await cid.agent.get('/cid/export.csv').expect(200)).text)
    const mine = expected.map((e) => e.person.surname)
    expect(csv.rows.map((r) => r.surname).filter((s): s is string => mine.includes(s ?? ''))).toEqual(mine)
  })

  it('shows a person wanted for two failures once, with the soonest time bar', async () => {
    const twice = await onTheList(t.db, { failureDate: daysFromToday(-140), timeBarDate: daysFromToday(40) })
    const second = await failure(t.db, twice.person.id, {
      section: 's14',
      failureDate: daysFromToday(-160),
      timeBarDate: daysFromToday(15),
    })
    await entry(t.db, second)

    const page = await cid.agent.get('/cid').expect(200)
    expect(page.text.split(shownName(twice.person)).length - 1).toBe(1)
    const csv = csvRows((await cid.agent.get('/cid/export.csv').expect(200)).text)
    const rows = csv.rows.filter((r) => r.surname === twice.person.surname)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ failure_section: 's14', time_bar_date: daysFromToday(15) })
  })
})

describe('filtering the CID list', () => {
  it('filters by borough, by ward and by days to the time bar', async () => {
    const cranham = await t.db
      .selectFrom('ward')
      .select(['id', 'name'])
      .where('borough_id', '=', areas.HV!)
      .where('name', '=', 'Cranham')
      .where('valid_to', 'is', null)
      .executeTakeFirstOrThrow()
    const havering = await onTheList(t.db, { timeBarDate: daysFromToday(25), person: { ward_id: cranham.id } })
    const barking = await onTheList(t.db, { timeBarDate: daysFromToday(8), person: { areaCode: 'BD' } })
    const redbridge = await onTheList(t.db, { timeBarDate: daysFromToday(120), person: { areaCode: 'RB' } })
    const names = [havering, barking, redbridge].map((e) => shownName(e.person))
    const shown = async (query: string) => {
      const page = await cid.agent.get(`/cid?${query}`).expect(200)
      return names.map((n) => page.text.includes(n))
    }

    expect(await shown('')).toEqual([true, true, true])
    expect(await shown(`areaId=${areas.BD}`)).toEqual([false, true, false])
    expect(await shown(`areaId=${areas.HV}&wardId=&days=`)).toEqual([true, false, false])
    expect(await shown(`wardId=${cranham.id}`)).toEqual([true, false, false])
    expect(await shown('days=8')).toEqual([false, true, false])
    expect(await shown('days=25')).toEqual([true, true, false])
    expect(await shown(`days=200&areaId=${areas.RB}`)).toEqual([false, false, true])

    const csv = csvRows((await cid.agent.get(`/cid/export.csv?wardId=${cranham.id}`).expect(200)).text)
    expect(csv.rows.map((r) => r.surname)).toContain(havering.person.surname)
    expect(csv.rows.find((r) => r.surname === havering.person.surname)?.ward).toBe('Cranham')
    expect(csv.rows.map((r) => r.surname)).not.toContain(barking.person.surname)
  })

  it('refuses a filter it cannot read with a 400 and an error message, and discloses nothing', async () => {
    for (const query of [
      'days=abc',
      'days=201',
      'days=-1',
      'days=1.5',
      'areaId=havering',
      `wardId=${areas.HV}x`,
      'days=1&days=2',
    ]) {
      const before = await lastAuditId(t.db)
      const page = await cid.agent.get(`/cid?${query}`)
      expect(page.status, query).toBe(400)
      expect(page.text, query).toContain('There is a problem')
      expect(page.text, query).toContain('No one is on the list.')
      const csv = await cid.agent.get(`/cid/export.csv?${query}`)
      expect(csv.status, query).toBe(400)
      expect(csv.headers['content-type'], query).not.toMatch(/csv/)
      expect(await disclosuresSince(before), query).toEqual([])
    }
    const page = await cid.agent.get('/cid?days=abc').expect(400)
    expect(errorSummaryLinks(page.text)).toEqual([
      { href: '#days', text: 'Days to the time bar must be a whole number from 0 to 200' },
    ])
  })
})

describe('the CSV export', () => {
  it('has the agreed header, one line per person, markers separated by semicolons and dates as YYYY-MM-DD', async () => {
    const users = await demoUserIds(t.db)
    const iom = await t.db
      .selectFrom('app_user')
      .select('display_name')
      .where('id', '=', users.iom)
      .executeTakeFirstOrThrow()
    const listed = await onTheList(t.db, {
      markers: ['violent', 'weapons'],
      failureDate: daysFromToday(-50),
      timeBarDate: addMonths(daysFromToday(-50), 6),
    })
    await marker(t.db, listed.person.id, 'drugs')
    await marker(t.db, listed.person.id, 'self_harm', { startDate: daysFromToday(-900), endedOn: daysFromToday(-100) })
    await createMembership(t.db, { personId: listed.person.id, leadOfficerId: users.iom })

    const response = await cid.agent.get('/cid/export.csv').expect(200)
    expect(response.headers['content-type']).toMatch(/^text\/csv/)
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="wanted-dip-failure-violent-\d{4}-\d{2}-\d{2}-OFFICIAL-SENSITIVE\.csv"$/,
    )
    const csv = csvRows(response.text)
    expect(csv.header).toBe(csvHeader)
    const row = csv.rows.find((r) => r.surname === listed.person.surname)
    const supervisor = await t.db
      .selectFrom('app_user')
      .select('display_name')
      .where('id', '=', users.supervisor)
      .executeTakeFirstOrThrow()
    const decided = await t.db
      .selectFrom('cid_entry')
      .select('decided_at')
      .where('id', '=', listed.entry.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      protective_marking: 'OFFICIAL-SENSITIVE',
      pnc_id: listed.person.pnc_id,
      surname: listed.person.surname,
      forenames: 'Alex',
      date_of_birth: listed.person.date_of_birth,
      address: listed.person.address ?? '',
      borough: 'Havering',
      failure_section: 's12',
      failure_date: daysFromToday(-50),
      statement_date: daysFromToday(-49),
      wanted_since: daysFromToday(-48),
      time_bar_date: addMonths(daysFromToday(-50), 6),
      markers: 'Violent;Weapons;Drugs',
      ward: '',
      lead_officer: iom.display_name,
      countersigned_by: supervisor.display_name,
      countersigned_at: decided.decided_at?.toISOString(),
      status: 'countersigned',
    })
    for (const r of csv.rows) {
      expect(r.protective_marking).toBe('OFFICIAL-SENSITIVE')
      expect(Object.keys(r)).toHaveLength(18)
      for (const column of ['date_of_birth', 'failure_date', 'time_bar_date'] as const)
        expect(r[column], column).toMatch(isoDay)
      if (r.wanted_since) expect(r.wanted_since).toMatch(isoDay)
    }
  })
})

describe('every look at the list is a disclosure to CID', () => {
  it('writes exactly one disclosure row, to CID, for each view of the list, each filtered view and each export', async () => {
    const listed = await onTheList(t.db)
    const requests = [
      { path: '/cid', event: 'cid_list.viewed' },
      { path: `/cid?areaId=${areas.HV}&days=200`, event: 'cid_list.viewed' },
      { path: '/cid/export.csv', event: 'cid_list.exported' },
      { path: `/cid/export.csv?days=200&areaId=${areas.HV}`, event: 'cid_list.exported' },
    ]
    for (const { path, event } of requests) {
      const before = await lastAuditId(t.db)
      await cid.agent.get(path).expect(200)
      const rows = await disclosuresSince(before)
      expect(rows, path).toHaveLength(1)
      expect(rows[0], path).toMatchObject({ event, recipients: 'CID', actor_username: 'cid' })
      expect((rows[0]?.detail as { personIds: string[] }).personIds, path).toContain(listed.person.id)
    }
  })

  it('prints a briefing sheet without the service navigation, and logs the print as a disclosure and in the entry history', async () => {
    const listed = await onTheList(t.db, { timeBarDate: daysFromToday(33) })
    const before = await lastAuditId(t.db)
    const sheet = await cid.agent.get(`/cid/${listed.entry.id}/briefing`).expect(200)
    expect(sheet.text).toContain('CID briefing sheet')
    expect(sheet.text).toContain(shownName(listed.person))
    expect(sheet.text).toContain('(33 days left)')
    expect(sheet.text).toContain('cohort-printable')
    expect(sheet.text).toContain('OFFICIAL-SENSITIVE')
    expect(sheet.text).not.toContain('govuk-service-navigation')
    expect(sheet.text).not.toContain('aria-label="Menu"')
    expect(sheet.text).not.toContain('govuk-header')
    expect(sheet.text).not.toMatch(/href="\/people\//)

    const rows = await disclosuresSince(before)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      event: 'cid_briefing.printed',
      recipients: 'CID',
      person_id: listed.person.id,
      entity_id: listed.entry.id,
      actor_username: 'cid',
    })
    // A GET writes no history: each printing's record is its disclosure row.
    expect(await eventKinds(t.db, listed.entry.id)).toEqual(['proposed', 'countersigned'])

    await cid.agent.get(`/cid/${listed.entry.id}/briefing`).expect(200)
    expect(await disclosuresSince(before)).toHaveLength(2)
    expect(await eventKinds(t.db, listed.entry.id)).toEqual(['proposed', 'countersigned'])
  })

  it('shows no briefing sheet for an entry that is not on the list', async () => {
    const proposed = await onTheList(t.db)
    await t.db.updateTable('cid_entry').set({ status: 'proposed' }).where('id', '=', proposed.entry.id).execute()
    const before = await lastAuditId(t.db)
    await cid.agent.get(`/cid/${proposed.entry.id}/briefing`).expect(404)
    await cid.agent.get('/cid/not-an-id/briefing').expect(404)
    expect(await disclosuresSince(before)).toEqual([])
  })
})

describe('what a CID officer may open', () => {
  it('opens the list and the briefing sheet, and nothing about the person behind them', async () => {
    const listed = await onTheList(t.db)
    const drugTest = await t.db
      .selectFrom('drug_test as d')
      .innerJoin('required_assessment as ra', 'ra.drug_test_id', 'd.id')
      .innerJoin('appointment as a', 'a.assessment_id', 'ra.id')
      .select(['d.id', 'a.id as appointment_id'])
      .where('a.id', '=', listed.failure.appointment_id)
      .executeTakeFirstOrThrow()
    await cid.agent.get('/cid').expect(200)
    await cid.agent.get(`/cid/${listed.entry.id}/briefing`).expect(200)
    for (const path of [
      `/people/${listed.person.id}`,
      `/failures/${listed.failure.id}`,
      `/drug-tests/${drugTest.id}`,
      '/appointments',
      `/appointments/${drugTest.appointment_id}`,
      '/failures',
      '/people/search',
      '/cid/proposals',
      `/failures/${listed.failure.id}/cid-proposal`,
    ]) {
      const response = await cid.agent.get(path)
      expect(response.status, path).toBe(403)
    }
    await postForm(cid, `/cid/${listed.entry.id}/countersign`, {
      rationale: 'Self-approval',
      version: String(listed.entry.version),
    }).expect(403)
  })

  it('sees only the areas granted: an entry elsewhere is neither listed nor briefed', async () => {
    const elsewhere = await createOutsideArea(t.db)
    const outside = await onTheList(t.db, { person: { areaCode: elsewhere.boroughCode } })
    const page = await cid.agent.get('/cid').expect(200)
    expect(page.text).not.toContain(shownName(outside.person))
    await cid.agent.get(`/cid/${outside.entry.id}/briefing`).expect(404)
    await cid.agent.get(`/cid?areaId=${elsewhere.boroughId}`).expect(200)
    await postForm(supervisor, `/cid/${outside.entry.id}/close`, {
      rationale: 'Not ours',
      version: String(outside.entry.version),
    }).expect(404)
  })
})

describe('a time-barred entry', () => {
  it('leaves the list when its time bar passes, waits in the supervisor’s closure list and is closed with a note', async () => {
    const listed = await onTheList(t.db, { timeBarDate: daysFromToday(10) })
    await t.db
      .updateTable('dip_failure')
      .set({ time_bar_date: daysFromToday(-1) })
      .where('id', '=', listed.failure.id)
      .execute()

    const list = await cid.agent.get('/cid').expect(200)
    expect(list.text).not.toContain(shownName(listed.person))
    // Off the list at once; the row itself is closed only by the sweep.
    expect((await failureRow(t.db, listed.failure.id)).status).toBe('wanted')
    await cid.agent.get(`/cid/${listed.entry.id}/briefing`).expect(404)
    await t.services.dipService.sweep()
    expect((await failureRow(t.db, listed.failure.id)).status).toBe('time_barred')

    const queue = await supervisor.agent.get('/cid/proposals').expect(200)
    const closure = queue.text.slice(queue.text.indexOf('Time-barred entries to close'))
    expect(closure).toContain(`action="/cid/${listed.entry.id}/close"`)
    expect(closure).toContain(shownName(listed.person))

    const empty = await postForm(supervisor, `/cid/${listed.entry.id}/close`, {
      rationale: '  ',
      version: String(listed.entry.version),
    }).expect(400)
    expect(errorSummaryLinks(empty.text)).toEqual([{ href: `#close-${listed.entry.id}`, text: 'Enter a closing note' }])
    expect(empty.text).toContain(`id="close-${listed.entry.id}-error"`)
    await postForm(supervisor, `/cid/${listed.entry.id}/close`, {
      rationale: 'Time bar passed',
      version: String(listed.entry.version + 1),
    }).expect(409)
    expect(await entryRow(t.db, listed.entry.id)).toMatchObject({
      status: 'countersigned',
      version: listed.entry.version,
    })

    const before = await lastAuditId(t.db)
    await postForm(supervisor, `/cid/${listed.entry.id}/close`, {
      rationale: 'Time bar passed before an arrest',
      version: String(listed.entry.version),
    })
      .expect(303)
      .expect('Location', '/cid/proposals')
    expect(await entryRow(t.db, listed.entry.id)).toMatchObject({
      status: 'time_barred',
      rationale: 'Time bar passed before an arrest',
      version: listed.entry.version + 1,
    })
    expect(await eventKinds(t.db, listed.entry.id)).toEqual(['proposed', 'countersigned', 'closed'])
    expect((await auditSince(t.db, before)).filter((a) => a.category === 'alteration')).toEqual([
      expect.objectContaining({
        event: 'cid_entry.closed',
        person_id: listed.person.id,
        entity_id: listed.entry.id,
        actor_username: 'supervisor',
      }),
    ])
    const after = await supervisor.agent.get('/cid/proposals').expect(200)
    expect(after.text).not.toContain(`action="/cid/${listed.entry.id}/close"`)
  })

  it('cannot be closed as time-barred while the failure is still in date', async () => {
    const listed = await onTheList(t.db, { timeBarDate: daysFromToday(60) })
    const response = await postForm(supervisor, `/cid/${listed.entry.id}/close`, {
      rationale: 'Tidying up',
      version: String(listed.entry.version),
    })
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      {
        href: `#close-${listed.entry.id}`,
        text: 'The failure is not time-barred yet: the entry stays on the CID list',
      },
    ])
    expect(await entryRow(t.db, listed.entry.id)).toMatchObject({
      status: 'countersigned',
      version: listed.entry.version,
    })
    expect((await cid.agent.get('/cid').expect(200)).text).toContain(shownName(listed.person))
  })
})

describe("the supervisor's decisions", () => {
  async function proposal(timeBarDate = daysFromToday(70)) {
    const who = await person(t.db)
    await marker(t.db, who.id, 'violent')
    const failed = await failure(t.db, who.id, { timeBarDate })
    const proposed = await entry(t.db, failed, 'proposed')
    return { person: who, failure: failed, entry: proposed }
  }

  it('countersigns with a rationale: the entry reaches CID, with its history and an audit row', async () => {
    const p = await proposal()
    const other = await proposal()
    const empty = await postForm(supervisor, `/cid/${p.entry.id}/countersign`, {
      rationale: '',
      version: String(p.entry.version),
    }).expect(400)
    expect(errorSummaryLinks(empty.text)).toEqual([
      { href: `#countersign-${p.entry.id}`, text: 'Enter your rationale' },
    ])
    expect(empty.text).toMatch(
      new RegExp(
        `<textarea class="govuk-textarea govuk-textarea--error" id="countersign-${p.entry.id}" name="rationale" rows="2" aria-describedby="countersign-${p.entry.id}-error">`,
      ),
    )
    expect(empty.text).not.toContain(`id="countersign-${other.entry.id}-error"`)
    expect(empty.text).not.toContain(`id="reject-${p.entry.id}-error"`)
    expect(await entryRow(t.db, p.entry.id)).toMatchObject({ status: 'proposed', version: p.entry.version })

    await postForm(supervisor, `/cid/${p.entry.id}/countersign`, {
      rationale: 'Stale',
      version: String(p.entry.version + 1),
    }).expect(409)
    expect(await entryRow(t.db, p.entry.id)).toMatchObject({ status: 'proposed', version: p.entry.version })

    const users = await demoUserIds(t.db)
    const before = await lastAuditId(t.db)
    await postForm(supervisor, `/cid/${p.entry.id}/countersign`, {
      rationale: 'Two assaults on staff this year; arrest before the time bar',
      version: String(p.entry.version),
    })
      .expect(303)
      .expect('Location', '/cid/proposals')
    expect(await entryRow(t.db, p.entry.id)).toEqual({
      id: p.entry.id,
      status: 'countersigned',
      version: p.entry.version + 1,
      rationale: 'Two assaults on staff this year; arrest before the time bar',
      decided_by: users.supervisor,
    })
    expect(await eventKinds(t.db, p.entry.id)).toEqual(['proposed', 'countersigned'])
    expect((await auditSince(t.db, before)).filter((a) => a.category === 'alteration')).toEqual([
      expect.objectContaining({
        event: 'cid_entry.countersigned',
        person_id: p.person.id,
        entity_id: p.entry.id,
        actor_username: 'supervisor',
      }),
    ])
    expect((await cid.agent.get('/cid').expect(200)).text).toContain(shownName(p.person))

    // Deciding twice is a stale form, not a second decision.
    await postForm(supervisor, `/cid/${p.entry.id}/reject`, {
      rationale: 'Changed my mind',
      version: String(p.entry.version),
    }).expect(409)
  })

  it('rejects with a reason: the entry never reaches CID', async () => {
    const p = await proposal()
    const empty = await postForm(supervisor, `/cid/${p.entry.id}/reject`, {
      rationale: '\t',
      version: String(p.entry.version),
    }).expect(400)
    expect(errorSummaryLinks(empty.text)).toEqual([
      { href: `#reject-${p.entry.id}`, text: 'Enter why the proposal is rejected' },
    ])
    expect(empty.text).toContain(`id="reject-${p.entry.id}-error"`)
    await postForm(supervisor, `/cid/${p.entry.id}/reject`, {
      rationale: 'Stale',
      version: String(p.entry.version + 3),
    }).expect(409)
    expect(await entryRow(t.db, p.entry.id)).toMatchObject({ status: 'proposed', version: p.entry.version })

    await postForm(supervisor, `/cid/${p.entry.id}/reject`, {
      rationale: 'Marker is being reviewed',
      version: String(p.entry.version),
    }).expect(303)
    expect(await entryRow(t.db, p.entry.id)).toMatchObject({
      status: 'rejected',
      rationale: 'Marker is being reviewed',
    })
    expect(await eventKinds(t.db, p.entry.id)).toEqual(['proposed', 'rejected'])
    expect((await cid.agent.get('/cid').expect(200)).text).not.toContain(shownName(p.person))
    expect((await supervisor.agent.get('/cid/proposals').expect(200)).text).not.toContain(shownName(p.person))
  })

  it('refuses to countersign a proposal whose failure has meanwhile passed its time bar', async () => {
    const p = await proposal(daysFromToday(30))
    await t.db
      .updateTable('dip_failure')
      .set({ time_bar_date: daysFromToday(-2) })
      .where('id', '=', p.failure.id)
      .execute()
    const queue = await supervisor.agent.get('/cid/proposals').expect(200)
    expect(queue.text).not.toContain(`action="/cid/${p.entry.id}/countersign"`)
    expect(queue.text).toContain(`action="/cid/${p.entry.id}/reject"`)
    const refused = await postForm(supervisor, `/cid/${p.entry.id}/countersign`, {
      rationale: 'Still violent',
      version: String(p.entry.version),
    }).expect(400)
    expect(errorSummaryLinks(refused.text)).toEqual([
      {
        href: `#countersign-${p.entry.id}`,
        text: 'The failure is no longer wanted or is time-barred: reject or close the proposal instead',
      },
    ])
    expect(await entryRow(t.db, p.entry.id)).toMatchObject({ status: 'proposed', version: p.entry.version })
  })

  it('answers 404 for a decision on an entry that does not exist', async () => {
    await postForm(supervisor, '/cid/00000000-0000-4000-8000-000000000000/countersign', {
      rationale: 'Fine',
      version: '1',
    }).expect(404)
    await postForm(supervisor, '/cid/nope/reject', { rationale: 'Fine', version: '1' }).expect(404)
  })
})

describe('today', () => {
  it('is the day the service works with', () => {
    expect(t.services.cidService.today()).toBe(today())
  })
})
