import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CidStatus, FailureStatus } from '../../../db/types.ts'
import { londonInstant, workingDaysAfter } from '../../../server/features/dip/dipRules.ts'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import { formatDate, formatDateTime } from '../../../server/presenters/format.ts'
import {
  createPerson,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  imposedFields,
  postForm,
  uniqueTag,
  type FormData,
} from '../../helpers/factories.ts'
import { headingOf, tablesOf, textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { marker, shownName, type MarkerCode } from '../cid/cidSupport.ts'

// The whole DIP → CID chain, person by person: one row of the table is one person's path from a
// positive custody test to the CID list and out of it again, with the refusals met on the way.
// Every step goes through the real forms; after every step the failure and the CID entry are
// checked, and so is what CID sees: the list (every page), its CSV export and the briefing sheet.

type Session = { agent: Agent; csrf: string }
type Response = Awaited<ReturnType<typeof postForm>>

let t: TestApp
let dip: Session
let iom: Session
let cid: Session
let supervisor: Session
let secondSupervisor: Session
let names: { dip: string; supervisor: string; iom: string; secondSupervisor: string }
let custodySuiteName: string
let markerTypes: Map<string, { label: string; sortOrder: number }>

const secondSupervisorName = 'Sergeant Robin Second'

beforeAll(async () => {
  t = await createTestApp()
  const users = await demoUserIds(t.db)
  // A second supervisor over the same areas as the demo one: the other half of the two-person rule.
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
      display_name: secondSupervisorName,
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

  const displayName = async (id: string) =>
    (await t.db.selectFrom('app_user').select('display_name').where('id', '=', id).executeTakeFirstOrThrow())
      .display_name
  names = {
    dip: await displayName(users.dip),
    supervisor: await displayName(users.supervisor),
    iom: await displayName(users.iom),
    secondSupervisor: secondSupervisorName,
  }
  custodySuiteName = (
    await t.db.selectFrom('custody_suite').select('name').where('code', '=', 'ROMFORD').executeTakeFirstOrThrow()
  ).name
  const types = await t.db.selectFrom('marker_type').select(['code', 'label', 'sort_order']).execute()
  markerTypes = new Map(types.map((m) => [m.code, { label: m.label, sortOrder: m.sort_order }]))

  dip = await signInAs(t.app, 'dip')
  iom = await signInAs(t.app, 'iom')
  cid = await signInAs(t.app, 'cid')
  supervisor = await signInAs(t.app, 'supervisor')
  secondSupervisor = await signInAs(t.app, username)
  // The demo caseload's stale failures closed and its eligible failures proposed now, so each
  // step below sees only what its own person's path does.
  await t.services.dipService.sweep()
}, 120_000)
afterAll(async () => {
  await t.close()
})

const today = () => todayInLondon()
const daysAgo = (n: number) => addDays(today(), -n)
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)

// ---- the steps a path is made of ----

type Act =
  | { kind: 'drug test'; disputed?: boolean; cocaine?: 'positive' | 'negative' }
  /** RA1; for a disputed test the appointment is this many working days after the sample (5 unless told). */
  | { kind: 'requirement'; workingDays?: number }
  | {
      kind: 'attendance'
      outcome: 'attended' | 'left_early' | 'did_not_attend'
      goodCause?: boolean
      followUp?: 'ra4' | 'ra5'
    }
  | { kind: 'statement' }
  | { kind: 'statement withdrawn' }
  | { kind: 'wanted' }
  | { kind: 'system proposal'; proposes: 0 | 1 }
  | { kind: 'manual proposal'; by: 'iom' | 'supervisor'; cite: MarkerCode }
  | { kind: 'manual proposal'; by: 'iom' | 'supervisor'; add: 'violent' | 'weapons' }
  | { kind: 'countersign'; by: 'supervisor' | 'second supervisor' }
  | { kind: 'reject' }
  | { kind: 'close' }
  | { kind: 'cid outcome'; outcome: 'not_found' | 'arrested' | 'charged' | 'summonsed' | 'no_further_action' }
  | { kind: 'police outcome'; outcome: 'charged' }
  | { kind: 'laboratory'; opiates: 'positive' | 'negative'; cocaine: 'positive' | 'negative' | 'not_tested' }
  | { kind: 'marker ends'; code: MarkerCode }
  | { kind: 'time bar passes' }

/** What CID sees of the person: on the list, in the CSV and on a sheet; only on a sheet (arrested, awaiting charge); or nothing. */
type Seen = 'listed' | 'sheet only' | 'off'
type Expected = { failure: FailureStatus | null; entry: CidStatus | null; seen: Seen }
type Refusal = { href: string; text: string }
type Step = { act: Act; refused?: (c: Chain) => Refusal; then: Expected }

const at = (failure: FailureStatus | null, entry: CidStatus | null, seen: Seen = 'off'): Expected => ({
  failure,
  entry,
  seen,
})
const step = (act: Act, then: Expected, refused?: (c: Chain) => Refusal): Step => ({ act, then, refused })

/** One person's path as it goes: what was posted, and so what CID should be shown. */
type Chain = {
  person: Awaited<ReturnType<typeof createPerson>>
  /** Current markers: code, label and start date. */
  markers: { code: MarkerCode; start: string }[]
  disputed: boolean
  sampleDay: string
  custodyNumber?: string
  testId?: string
  appointmentDay?: string
  failureId?: string
  section?: 's12' | 's14'
  missed?: { kind: 'initial' | 'follow_up'; at: Date; place: string }
  statementOn?: string
  wantedOn?: string
  reference?: string
  timeBar?: string
  entryId?: string
  reason?: string
  proposedByName?: string
  countersignedBy?: string
  rationale?: string
}

const initialPlace = 'CJIT office, Romford'
const followUpPlace = 'CJIT office, Hornchurch'
const initialAt = (c: Chain) => londonInstant(c.appointmentDay!, '10:00')

function idFrom(response: Response, prefix: string): string {
  const match = new RegExp(`^/${prefix}/([0-9a-f-]{36})$`).exec(String(response.headers.location ?? ''))
  if (!match?.[1])
    throw new Error(
      `Expected a redirect to /${prefix}/<id>, got ${response.status} ${String(response.headers.location)}: ${errorSummaryText(response)}`,
    )
  return match[1]
}

function errorSummaryText(response: Response): string {
  return JSON.stringify(errorSummaryLinks(response.text ?? ''))
}

function expectRedirect(response: Response, location: string) {
  expect(response.status, `${response.status} ${errorSummaryText(response)}`).toBe(303)
  expect(response.headers.location).toBe(location)
}

const failureVersion = async (c: Chain) =>
  String(
    (await t.db.selectFrom('dip_failure').select('version').where('id', '=', c.failureId!).executeTakeFirstOrThrow())
      .version,
  )
const entryVersion = async (c: Chain) =>
  String(
    (await t.db.selectFrom('cid_entry').select('version').where('id', '=', c.entryId!).executeTakeFirstOrThrow())
      .version,
  )
const markerId = async (c: Chain, code: MarkerCode) =>
  (
    await t.db
      .selectFrom('person_marker')
      .select('id')
      .where('person_id', '=', c.person.id)
      .where('marker_code', '=', code)
      .where('ended_on', 'is', null)
      .executeTakeFirstOrThrow()
  ).id
const violenceLabels = (c: Chain) =>
  c.markers
    .filter((m) => m.code === 'violent' || m.code === 'weapons')
    .map((m) => markerTypes.get(m.code)!)
    .sort((a, b) => a.sortOrder - b.sortOrder)
    .map((m) => m.label)

/** Does the step; unless it is meant to be refused, checks where it went and keeps what it set. */
async function perform(c: Chain, act: Act, refusing: boolean): Promise<Response | undefined> {
  switch (act.kind) {
    case 'drug test': {
      c.custodyNumber = `KD/${uniqueTag()}/26`
      const response = await postForm(dip, `/people/${c.person.id}/drug-tests`, {
        custodySuiteCode: 'ROMFORD',
        custodyNumber: c.custodyNumber,
        condition: 'arrest',
        triggerOffenceCode: 'THEFT',
        authorisedBy: '',
        ...dateFields('sampleDate', c.sampleDay),
        sampleTime: '09:00',
        opiates: 'positive',
        cocaine: act.cocaine ?? 'negative',
        refused: 'no',
        refusalAction: '',
        disputed: c.disputed ? 'yes' : 'no',
      })
      if (!refusing) c.testId = idFrom(response, 'drug-tests')
      return response
    }
    case 'requirement': {
      const day = c.disputed ? workingDaysAfter(c.sampleDay, act.workingDays ?? 5) : addDays(c.sampleDay, 1)
      expect(day < today(), 'the initial appointment is due').toBe(true)
      const response = await postForm(dip, `/drug-tests/${c.testId}/assessment`, {
        ...imposedFields(day, '10:00'),
        imposedByOfficer: '',
        ...dateFields('appointmentDate', day),
        appointmentTime: '10:00',
        place: initialPlace,
        assessor: 'Sam Okafor',
      })
      if (refusing) return response
      expectRedirect(response, `/people/${c.person.id}`)
      c.appointmentDay = day
      return response
    }
    case 'attendance': {
      const appointment = await t.db
        .selectFrom('appointment as a')
        .leftJoin('attendance as at', 'at.appointment_id', 'a.id')
        .select(['a.id', 'a.kind', 'a.scheduled_at', 'a.place'])
        .where('a.person_id', '=', c.person.id)
        .where('at.id', 'is', null)
        .orderBy('a.scheduled_at')
        .executeTakeFirstOrThrow()
      const form: FormData = { outcome: act.outcome }
      if (act.outcome !== 'attended') {
        form.goodCause = act.goodCause ? 'yes' : 'no'
        if (act.goodCause) form.goodCauseNote = 'In hospital that morning: discharge letter seen'
      }
      if (act.followUp) form.followUp = act.followUp
      if (act.followUp === 'ra4') {
        Object.assign(form, {
          ...dateFields('followUpDate', daysAgo(1)),
          followUpTime: '10:00',
          followUpPlace,
          followUpAssessor: 'Priya Shah',
        })
      }
      const response = await postForm(dip, `/appointments/${appointment.id}/attendance`, form)
      if (refusing) return response
      if (act.outcome !== 'attended' && !act.goodCause) {
        c.failureId = idFrom(response, 'failures')
        c.section = appointment.kind === 'initial' ? 's12' : 's14'
        c.missed = { kind: appointment.kind, at: appointment.scheduled_at, place: appointment.place }
        c.timeBar = addMonths(todayInLondon(appointment.scheduled_at), 6)
      } else {
        expectRedirect(response, `/people/${c.person.id}`)
      }
      return response
    }
    case 'statement': {
      const response = await postForm(dip, `/failures/${c.failureId}/statement`, { version: await failureVersion(c) })
      if (refusing) return response
      expectRedirect(response, `/failures/${c.failureId}`)
      c.statementOn = today()
      return response
    }
    case 'statement withdrawn': {
      const response = await postForm(dip, `/failures/${c.failureId}/statement/withdraw`, {
        reason: 'The assessor recorded the wrong day: the statement is wrong',
        version: await failureVersion(c),
      })
      if (refusing) return response
      expectRedirect(response, `/failures/${c.failureId}`)
      c.statementOn = undefined
      c.wantedOn = undefined
      c.reference = undefined
      return response
    }
    case 'wanted': {
      const reference = `PNC/WM/${uniqueTag()}`
      const response = await postForm(iom, `/failures/${c.failureId}/wanted`, {
        ...dateFields('wantedOn', today()),
        reference,
        version: await failureVersion(c),
      })
      if (refusing) return response
      expectRedirect(response, `/failures/${c.failureId}`)
      c.wantedOn = today()
      c.reference = reference
      return response
    }
    case 'system proposal': {
      expect((await t.services.dipService.sweep()).proposed, 'entries the system proposed').toBe(act.proposes)
      if (act.proposes === 1) {
        c.reason = `Wanted for an ${c.section} DIP failure, with a current ${violenceLabels(c).join(' and ').toLowerCase()} marker`
        c.proposedByName = undefined
      }
      return undefined
    }
    case 'manual proposal': {
      const reason = 'Threatened the assessor at the last appointment'
      const form: FormData =
        'cite' in act
          ? { reason, marker: await markerId(c, act.cite) }
          : {
              reason,
              marker: 'new',
              newMarkerCode: act.add,
              ...dateFields('newMarkerStart', daysAgo(40)),
              newMarkerSource: `Assault on a custody officer, CAD ${uniqueTag()}`,
            }
      const response = await postForm(
        act.by === 'iom' ? iom : supervisor,
        `/failures/${c.failureId}/cid-proposal`,
        form,
      )
      if (refusing) return response
      expectRedirect(response, `/failures/${c.failureId}`)
      if ('add' in act) c.markers.push({ code: act.add, start: daysAgo(40) })
      c.reason = reason
      c.proposedByName = act.by === 'iom' ? names.iom : names.supervisor
      return response
    }
    case 'countersign': {
      const rationale = `Violent and wanted: arrest before the time bar (${uniqueTag()})`
      const response = await postForm(
        act.by === 'supervisor' ? supervisor : secondSupervisor,
        `/cid/${c.entryId}/countersign`,
        { rationale, version: await entryVersion(c) },
      )
      if (refusing) return response
      expectRedirect(response, '/cid/proposals')
      c.countersignedBy = act.by === 'supervisor' ? names.supervisor : names.secondSupervisor
      c.rationale = rationale
      return response
    }
    case 'reject': {
      const response = await postForm(supervisor, `/cid/${c.entryId}/reject`, {
        rationale: 'No longer violent: not for CID',
        version: await entryVersion(c),
      })
      if (!refusing) expectRedirect(response, '/cid/proposals')
      return response
    }
    case 'close': {
      const response = await postForm(supervisor, `/cid/${c.entryId}/close`, {
        rationale: 'Not charged within six months',
        version: await entryVersion(c),
      })
      if (!refusing) expectRedirect(response, '/cid/proposals')
      return response
    }
    case 'cid outcome': {
      const response = await postForm(cid, `/cid/${c.entryId}/outcome`, {
        outcome: act.outcome,
        ...dateFields('outcomeOn', today()),
        reference: act.outcome === 'arrested' ? `KD/${uniqueTag()}/26` : '',
        note: act.outcome === 'not_found' ? 'Not at the last known address' : '',
        version: await entryVersion(c),
      })
      if (!refusing) expectRedirect(response, '/cid')
      return response
    }
    case 'police outcome': {
      const response = await postForm(iom, `/failures/${c.failureId}/outcome`, {
        outcome: act.outcome,
        ...dateFields('outcomeOn', today()),
        reference: '',
        note: '',
        version: await failureVersion(c),
      })
      if (!refusing) expectRedirect(response, `/failures/${c.failureId}`)
      return response
    }
    case 'laboratory': {
      const response = await postForm(dip, `/drug-tests/${c.testId}/confirmation`, {
        opiates: act.opiates,
        cocaine: act.cocaine,
        ...dateFields('confirmedOn', today()),
      })
      if (!refusing) expectRedirect(response, `/drug-tests/${c.testId}`)
      return response
    }
    case 'marker ends': {
      const response = await postForm(iom, `/people/${c.person.id}/markers/${await markerId(c, act.code)}/end`, {})
      if (refusing) return response
      expectRedirect(response, `/people/${c.person.id}`)
      c.markers = c.markers.filter((m) => m.code !== act.code)
      return response
    }
    case 'time bar passes': {
      // Arranged: six months have passed since the failure, and the sweep runs.
      c.timeBar = daysAgo(1)
      await t.db.updateTable('dip_failure').set({ time_bar_date: c.timeBar }).where('id', '=', c.failureId!).execute()
      expect((await t.services.dipService.sweep()).closed, 'failures the sweep closed').toBe(1)
      return undefined
    }
  }
}

// ---- what is checked after every step ----

/** Everything a refused step must leave as it was: the person's failures, entries, their histories, markers and appointments. */
async function pathState(c: Chain) {
  const personId = c.person.id
  const failures = await t.db
    .selectFrom('dip_failure')
    .select(['id', 'status', 'version', 'statement_produced_on', 'wanted_since', 'wanted_reference'])
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute()
  const entries = await t.db
    .selectFrom('cid_entry')
    .select(['id', 'status', 'version', 'decided_by'])
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute()
  const failureEvents = await t.db
    .selectFrom('dip_failure_event as ev')
    .innerJoin('dip_failure as f', 'f.id', 'ev.failure_id')
    .select(['ev.id', 'ev.kind'])
    .where('f.person_id', '=', personId)
    .orderBy('ev.id')
    .execute()
  const entryEvents = await t.db
    .selectFrom('cid_entry_event as ev')
    .innerJoin('cid_entry as e', 'e.id', 'ev.entry_id')
    .select(['ev.id', 'ev.kind'])
    .where('e.person_id', '=', personId)
    .orderBy('ev.id')
    .execute()
  const markers = await t.db
    .selectFrom('person_marker')
    .select(['id', 'ended_on'])
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute()
  const appointments = await t.db
    .selectFrom('appointment')
    .select(['id', 'version', 'closed_on'])
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute()
  const assessments = await t.db
    .selectFrom('required_assessment')
    .select(['id', 'fell_away_on'])
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute()
  return { failures, entries, failureEvents, entryEvents, markers, appointments, assessments }
}

/** Every page of the CID list, as CID sees it. */
async function cidListPages(): Promise<string[]> {
  const pages: string[] = []
  for (let page = 1; ; page += 1) {
    const response = await cid.agent.get(page === 1 ? '/cid' : `/cid?page=${page}`)
    expect(response.status).toBe(200)
    pages.push(response.text)
    if (!response.text.includes('rel="next"')) return pages
  }
}

type CsvRow = Record<string, string>

async function cidCsv(): Promise<CsvRow[]> {
  const response = await cid.agent.get('/cid/export.csv')
  expect(response.status).toBe(200)
  expect(response.headers['content-type']).toMatch(/^text\/csv/)
  const rows: string[][] = parse(response.text, { columns: false })
  const [header, ...body] = rows
  expect(header?.[0]).toBe('protective_marking')
  for (const row of body) expect(row[0]).toBe('OFFICIAL-SENSITIVE')
  return body.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i] ?? ''])))
}

/** The briefing sheet's summary list, key to value, as text. */
function summaryOf(html: string): Record<string, string> {
  const pairs = [
    ...html.matchAll(
      /<dt class="govuk-summary-list__key">([\s\S]*?)<\/dt>\s*<dd class="govuk-summary-list__value">([\s\S]*?)<\/dd>/g,
    ),
  ]
  return Object.fromEntries(pairs.map((m) => [textOf(m[1] ?? ''), textOf(m[2] ?? '')]))
}

async function checkState(c: Chain, expected: Expected, label: string) {
  const failures = await t.db
    .selectFrom('dip_failure')
    .select(['id', 'status', 'section', 'failure_date', 'time_bar_date'])
    .where('person_id', '=', c.person.id)
    .execute()
  expect(
    failures.map((f) => f.status),
    `${label}: the failure`,
  ).toEqual(expected.failure ? [expected.failure] : [])
  if (failures[0])
    expect(failures[0]).toMatchObject({
      id: c.failureId,
      section: c.section,
      failure_date: todayInLondon(c.missed!.at),
      time_bar_date: c.timeBar,
    })

  const entries = await t.db
    .selectFrom('cid_entry')
    .select(['id', 'status', 'failure_id', 'decided_at'])
    .where('person_id', '=', c.person.id)
    .execute()
  expect(
    entries.map((e) => e.status),
    `${label}: the CID entry`,
  ).toEqual(expected.entry ? [expected.entry] : [])
  const entry = entries[0]
  if (entry) {
    expect(entry.failure_id).toBe(c.failureId)
    c.entryId = entry.id
  }

  const name = shownName(c.person)
  const listed = expected.seen === 'listed'

  // The list: the person's row, linking to this entry's sheet, on one of its pages, or on none.
  const pages = await cidListPages()
  const withName = pages.filter((page) => page.includes(name))
  expect(withName.length, `${label}: pages of the CID list naming the person`).toBe(listed ? 1 : 0)
  if (listed) {
    expect(withName[0]).toContain(`href="/cid/${c.entryId}/briefing"`)
    const rows = tablesOf(withName[0]!)
      .flatMap((table) => table.rows)
      .filter((row) => row[0]?.startsWith(name))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.slice(1, 5)).toEqual([
      `${c.section!.toUpperCase()} ${formatDate(failures[0]!.failure_date)}`,
      formatDate(c.wantedOn),
      `${formatDate(c.timeBar)} ${daysBetween(today(), c.timeBar!)} days left`,
      [...c.markers]
        .sort((a, b) => markerTypes.get(a.code)!.sortOrder - markerTypes.get(b.code)!.sortOrder)
        .map((m) => markerTypes.get(m.code)!.label)
        .join(' '),
    ])
  }

  // The CSV: every row marked, and the person's row there exactly while listed.
  const csv = (await cidCsv()).filter((row) => row.pnc_id === c.person.pnc_id)
  expect(csv.length, `${label}: rows of the CSV for the person`).toBe(listed ? 1 : 0)
  if (listed) {
    expect(csv[0]).toMatchObject({
      protective_marking: 'OFFICIAL-SENSITIVE',
      surname: c.person.surname,
      forenames: c.person.forenames,
      date_of_birth: c.person.date_of_birth,
      failure_section: c.section,
      failure_date: failures[0]!.failure_date,
      statement_date: c.statementOn,
      wanted_since: c.wantedOn,
      time_bar_date: c.timeBar,
      markers: [...c.markers]
        .sort((a, b) => markerTypes.get(a.code)!.sortOrder - markerTypes.get(b.code)!.sortOrder)
        .map((m) => markerTypes.get(m.code)!.label)
        .join(';'),
      countersigned_by: c.countersignedBy,
      countersigned_at: entry!.decided_at!.toISOString(),
      status: 'countersigned',
    })
  }

  // The briefing sheet: shown while listed or arrested (awaiting charge, or past the time bar), and otherwise not found.
  if (!entry) {
    expect(expected.seen, `${label}: without an entry nothing is seen`).toBe('off')
    return
  }
  const sheet = await cid.agent.get(`/cid/${c.entryId}/briefing`)
  expect(sheet.status, `${label}: the briefing sheet`).toBe(expected.seen === 'off' ? 404 : 200)
  if (sheet.status !== 200) return
  expect(headingOf(sheet.text)).toBe(name)
  const summary = summaryOf(sheet.text)
  const missed = c.missed!
  expect(summary).toMatchObject({
    'PNC ID': c.person.pnc_id,
    'Wanted for': `Drugs Act 2005 ${
      c.section === 's12'
        ? 's12 (failing to attend or remain for an initial assessment)'
        : 's14 (failing to attend or remain for a follow-up assessment)'
    }, failure on ${formatDate(failures[0]!.failure_date)}`,
    // The requirement as imposed in custody (a minute before the appointment it set), not as typed in.
    Requirement: `${custodySuiteName}, custody number ${c.custodyNumber}; imposed ${formatDateTime(new Date(initialAt(c).getTime() - 60_000))} by ${names.dip}`,
    'Appointment missed': `${missed.kind === 'initial' ? 'Initial' : 'Follow-up'} assessment, ${formatDateTime(missed.at)}, ${missed.place}`,
    'Evidential statement': `Produced and signed ${formatDate(c.statementOn)} by ${names.dip}`,
    Circulated: `${formatDate(c.wantedOn)}, ${c.reference}`,
    // Past the bar the sheet stays for the arrested person, to say why no charge is possible.
    'Time bar':
      daysBetween(today(), c.timeBar!) < 0
        ? `${formatDate(c.timeBar)}: time-barred. No charge or summons is possible now (MCA 1980 s127)`
        : `${formatDate(c.timeBar)} (${daysBetween(today(), c.timeBar!)} days left) : charge by then (MCA 1980 s127)`,
    'Why on the list': `${c.reason}${c.proposedByName ? `. Proposed by ${c.proposedByName}` : ''}`,
    Countersigned: `${c.countersignedBy}, ${formatDateTime(entry.decided_at)}: ${c.rationale}`,
  })
  expect(summary['Warning markers']).toBe(
    [...c.markers]
      .sort((a, b) => a.start.localeCompare(b.start))
      .map((m) => `${markerTypes.get(m.code)!.label}: since ${formatDate(m.start)}`)
      .join(' '),
  )
  expect(sheet.text).toContain(`action="/cid/${c.entryId}/outcome"`)
}

// ---- the people ----

type Scenario = { name: string; markers: MarkerCode[]; disputed?: boolean; steps: Step[] }

const drugTest = (o: { cocaine?: 'positive' | 'negative' } = {}): Step =>
  step({ kind: 'drug test', ...o }, at(null, null))
const requirement = (): Step => step({ kind: 'requirement' }, at(null, null))
const didNotAttend = (): Step => step({ kind: 'attendance', outcome: 'did_not_attend' }, at('open', null))
const statement = (): Step => step({ kind: 'statement' }, at('open', null))
const wanted = (): Step => step({ kind: 'wanted' }, at('wanted', null))
const proposed = (): Step => step({ kind: 'system proposal', proposes: 1 }, at('wanted', 'proposed'))
const notProposed = (failure: FailureStatus | null = 'wanted'): Step =>
  step({ kind: 'system proposal', proposes: 0 }, at(failure, null))
const countersigned = (by: 'supervisor' | 'second supervisor' = 'supervisor'): Step =>
  step({ kind: 'countersign', by }, at('wanted', 'countersigned', 'listed'))
const arrested = (): Step =>
  step({ kind: 'cid outcome', outcome: 'arrested' }, at('arrested', 'arrested', 'sheet only'))
const charged = (): Step => step({ kind: 'cid outcome', outcome: 'charged' }, at('charged', 'charged'))
/** A positive test, RA1, not attended, the statement, wanted: a failure ready for CID. */
const untilWanted = (): Step[] => [drugTest(), requirement(), didNotAttend(), statement(), wanted()]

const twoPersonRule = 'You proposed this hand-off: another supervisor must countersign it (two-person rule)'
const noMarker = 'The person no longer has a current violent or weapons marker: reject the proposal'
const countersignRefused = (text: string) => (c: Chain) => ({ href: `#countersign-${c.entryId}`, text })

const scenarios: Scenario[] = [
  {
    name: 'a violent person who fails to attend is circulated, countersigned, listed and charged',
    markers: ['violent'],
    steps: [...untilWanted(), proposed(), countersigned(), arrested(), charged()],
  },
  {
    name: 'a person with a weapons marker who leaves the assessment early is listed, arrested and summonsed',
    markers: ['weapons'],
    steps: [
      drugTest(),
      requirement(),
      step({ kind: 'attendance', outcome: 'left_early', goodCause: false }, at('open', null)),
      statement(),
      wanted(),
      proposed(),
      countersigned(),
      arrested(),
      step({ kind: 'cid outcome', outcome: 'summonsed' }, at('summonsed', 'summonsed')),
    ],
  },
  {
    name: 'a person with only a drugs marker is wanted but never proposed, and a proposal citing that marker is refused',
    markers: ['drugs'],
    steps: [
      ...untilWanted(),
      notProposed(),
      step({ kind: 'manual proposal', by: 'iom', cite: 'drugs' }, at('wanted', null), () => ({
        href: '#marker',
        text: 'Select a current violent or weapons marker of this person, or add one',
      })),
      notProposed(),
    ],
  },
  {
    name: 'a violent person who attends the initial assessment has no failure and is never listed',
    markers: ['violent'],
    steps: [
      drugTest(),
      requirement(),
      step({ kind: 'attendance', outcome: 'attended', followUp: 'ra5' }, at(null, null)),
      notProposed(null),
    ],
  },
  {
    name: 'a violent person who does not attend with good cause has no failure and is never listed',
    markers: ['violent'],
    steps: [
      drugTest(),
      requirement(),
      step({ kind: 'attendance', outcome: 'did_not_attend', goodCause: true }, at(null, null)),
      notProposed(null),
    ],
  },
  {
    name: 'a violent person cannot be recorded as wanted before the statement, and is listed once it is produced',
    markers: ['violent'],
    steps: [
      drugTest(),
      requirement(),
      didNotAttend(),
      step({ kind: 'wanted' }, at('open', null), () => ({
        href: '#wantedOn',
        text: 'Produce and sign the evidential statement before recording the person as wanted',
      })),
      notProposed('open'),
      statement(),
      wanted(),
      proposed(),
      countersigned(),
      step({ kind: 'cid outcome', outcome: 'not_found' }, at('wanted', 'countersigned', 'listed')),
    ],
  },
  {
    name: 'a violent person with a disputed test whose laboratory result is negative after the failure has the failure withdrawn and leaves the list',
    markers: ['violent'],
    disputed: true,
    steps: [
      drugTest(),
      step({ kind: 'requirement', workingDays: 4 }, at(null, null), (c) => ({
        href: '#appointmentDate',
        text: `The test is disputed: the initial assessment must be on or after ${formatDate(workingDaysAfter(c.sampleDay, 5))} (5 working days after the sample)`,
      })),
      requirement(),
      didNotAttend(),
      statement(),
      wanted(),
      proposed(),
      countersigned(),
      step({ kind: 'laboratory', opiates: 'negative', cocaine: 'not_tested' }, at('withdrawn', 'withdrawn')),
      notProposedWith('withdrawn', 'withdrawn'),
    ],
  },
  {
    name: 'a violent person with a disputed test negative in the laboratory for one drug but positive for the other stays listed and is charged',
    markers: ['violent'],
    disputed: true,
    steps: [
      drugTest({ cocaine: 'positive' }),
      requirement(),
      didNotAttend(),
      statement(),
      wanted(),
      proposed(),
      countersigned(),
      step({ kind: 'laboratory', opiates: 'negative', cocaine: 'positive' }, at('wanted', 'countersigned', 'listed')),
      arrested(),
      charged(),
    ],
  },
  {
    name: 'a listed person whose violent marker ends is suspended, off the list and the CSV, and cannot be countersigned again',
    markers: ['violent', 'drugs'],
    steps: [
      ...untilWanted(),
      proposed(),
      countersigned(),
      step({ kind: 'marker ends', code: 'violent' }, at('wanted', 'suspended')),
      step({ kind: 'countersign', by: 'second supervisor' }, at('wanted', 'suspended'), countersignRefused(noMarker)),
      notProposedWith('suspended'),
    ],
  },
  {
    name: 'a listed person whose statement is withdrawn leaves the list, and returns only when circulated and countersigned again',
    markers: ['violent'],
    steps: [
      ...untilWanted(),
      proposed(),
      countersigned(),
      step({ kind: 'statement withdrawn' }, at('open', 'suspended')),
      step({ kind: 'wanted' }, at('open', 'suspended'), () => ({
        href: '#wantedOn',
        text: 'Produce and sign the evidential statement before recording the person as wanted',
      })),
      step({ kind: 'statement' }, at('open', 'suspended')),
      step({ kind: 'wanted' }, at('wanted', 'suspended')),
      notProposedWith('suspended'),
      step({ kind: 'countersign', by: 'second supervisor' }, at('wanted', 'countersigned', 'listed')),
    ],
  },
  {
    name: 'a supervisor who proposes a hand-off cannot countersign it; another supervisor does, and the person is listed',
    markers: ['violent'],
    steps: [
      ...untilWanted(),
      step({ kind: 'manual proposal', by: 'supervisor', cite: 'violent' }, at('wanted', 'proposed')),
      step({ kind: 'countersign', by: 'supervisor' }, at('wanted', 'proposed'), countersignRefused(twoPersonRule)),
      notProposedWith('proposed'),
      countersigned('second supervisor'),
      arrested(),
      step({ kind: 'cid outcome', outcome: 'no_further_action' }, at('no_further_action', 'no_further_action')),
    ],
  },
  {
    name: 'a listed person arrested but not charged before the time bar is time-barred, and CID cannot then charge them',
    markers: ['violent'],
    steps: [
      ...untilWanted(),
      proposed(),
      countersigned(),
      arrested(),
      step({ kind: 'time bar passes' }, at('time_barred', 'arrested', 'sheet only')),
      step({ kind: 'cid outcome', outcome: 'charged' }, at('time_barred', 'arrested', 'sheet only'), () => ({
        href: '#outcomeOn',
        text: `Proceedings had to start by ${formatDate(daysAgo(1))} (six months after the failure, Magistrates' Courts Act 1980 s127): a charge after that is out of time`,
      })),
    ],
  },
  {
    name: 'a listed person arrested but not charged before the time bar is time-barred, the officer cannot charge them, and a supervisor closes the entry',
    markers: ['weapons'],
    steps: [
      ...untilWanted(),
      proposed(),
      countersigned(),
      arrested(),
      step({ kind: 'time bar passes' }, at('time_barred', 'arrested', 'sheet only')),
      step({ kind: 'police outcome', outcome: 'charged' }, at('time_barred', 'arrested', 'sheet only'), () => ({
        href: '#outcome',
        text: 'Not possible while the failure is time barred',
      })),
      step({ kind: 'close' }, at('time_barred', 'time_barred')),
      notProposedWith('time_barred', 'time_barred'),
    ],
  },
  {
    name: 'a wanted person without a marker is not proposed by the system, but is listed once an officer proposes them with a new weapons marker',
    markers: [],
    steps: [
      ...untilWanted(),
      notProposed(),
      step({ kind: 'manual proposal', by: 'iom', add: 'weapons' }, at('wanted', 'proposed')),
      notProposedWith('proposed'),
      countersigned(),
      arrested(),
      charged(),
    ],
  },
  {
    name: 'a violent person who attends the initial assessment but misses the follow-up is listed for an s14 failure',
    markers: ['violent'],
    steps: [
      drugTest(),
      requirement(),
      step({ kind: 'attendance', outcome: 'attended', followUp: 'ra4' }, at(null, null)),
      didNotAttend(),
      statement(),
      wanted(),
      proposed(),
      countersigned(),
    ],
  },
  {
    name: 'a violent person whose marker ends before countersignature is refused countersignature, and the proposal is rejected',
    markers: ['violent'],
    steps: [
      ...untilWanted(),
      proposed(),
      step({ kind: 'marker ends', code: 'violent' }, at('wanted', 'proposed')),
      step({ kind: 'countersign', by: 'supervisor' }, at('wanted', 'proposed'), countersignRefused(noMarker)),
      step({ kind: 'reject' }, at('wanted', 'rejected')),
      notProposedWith('rejected'),
    ],
  },
]

/** The system proposes nothing new: the person's one entry stays as it is. */
function notProposedWith(entry: CidStatus, failure: FailureStatus = 'wanted'): Step {
  return step({ kind: 'system proposal', proposes: 0 }, at(failure, entry))
}

describe('the DIP → CID chain, person by person', () => {
  it('has at least twelve people, each with a different path', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12)
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length)
  })

  it.each(scenarios)('$name', async (scenario) => {
    const person = await createPerson(t.db, { forenames: 'Alex', date_of_birth: '1984-06-11' })
    // Markers started on different days, so that the briefing sheet's order (by start date) is fixed.
    const markers = scenario.markers.map((code, i) => ({ code, start: daysAgo(200 + i) }))
    for (const m of markers) await marker(t.db, person.id, m.code, { startDate: m.start })
    const disputed = scenario.disputed ?? false
    // A disputed test: long enough ago for an initial assessment five working days later to be due.
    const sampleDay = disputed ? daysAgo(20) : daysAgo(4)
    const c: Chain = { person, markers, disputed, sampleDay }

    await checkState(c, at(null, null), 'before the test')
    for (const [i, s] of scenario.steps.entries()) {
      const label = `step ${i + 1} (${s.act.kind}${s.refused ? ', refused' : ''})`
      if (s.refused) {
        const before = await pathState(c)
        const response = await perform(c, s.act, true)
        expect(await pathState(c), `${label}: nothing written`).toEqual(before)
        expect(response?.status, `${label}: ${headingOf(response!.text)} ${errorSummaryText(response!)}`).toBe(400)
        expect(errorSummaryLinks(response!.text), label).toEqual([s.refused(c)])
      } else {
        await perform(c, s.act, false)
      }
      await checkState(c, s.then, label)
    }
  })
})
