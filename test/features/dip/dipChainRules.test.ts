import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatWhen } from '../../../server/features/dip/dipPresenter.ts'
import { londonInstant, workingDaysAfter } from '../../../server/features/dip/dipRules.ts'
import { requirementFellAwayReason } from '../../../server/features/dip/dipService.ts'
import { formatDate } from '../../../server/presenters/format.ts'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import {
  createPerson,
  dateFields,
  demoUserIds,
  dipTables,
  drugTestForm,
  errorSummaryLinks,
  idFrom,
  imposedFields,
  postForm,
  rowCounts,
  uniqueTag,
  writeAuditCount,
  type DrugTestFields,
  type FormData,
} from '../../helpers/factories.ts'
import { textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { entry, failure as arrangedFailure, marker, onTheList, person, shownName } from '../cid/cidSupport.ts'

// The rules of the DIP → CID chain added with the 20261205T0100 migration, one test per rule,
// through the real forms. Refusals are a 400 with the message in the error summary, and write nothing.

type Session = { agent: Agent; csrf: string }

let t: TestApp
let dip: Session
let iom: Session
let cid: Session
let users: Awaited<ReturnType<typeof demoUserIds>>

const chainTables = [...dipTables, 'cid_entry', 'cid_entry_event'] as const

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  dip = await signInAs(t.app, 'dip')
  iom = await signInAs(t.app, 'iom')
  cid = await signInAs(t.app, 'cid')
  // Stale demo failures are closed now, so that no sweep during a test changes what it compares.
  await t.services.dipService.sweep()
})
afterAll(async () => {
  await t.close()
})

const today = () => todayInLondon()
const daysAgo = (n: number) => addDays(today(), -n)

/** Row counts of the whole chain, the write audit, and the chain's mutable columns: equal before and after means nothing was written. */
async function chainState() {
  const failures = await t.db
    .selectFrom('dip_failure')
    .select(['id', 'status', 'version', 'statement_produced_on'])
    .orderBy('id')
    .execute()
  const entries = await t.db.selectFrom('cid_entry').select(['id', 'status', 'version']).orderBy('id').execute()
  const appointments = await t.db
    .selectFrom('appointment')
    .select(['id', 'version', 'closed_on'])
    .orderBy('id')
    .execute()
  const assessments = await t.db
    .selectFrom('required_assessment')
    .select(['id', 'fell_away_on'])
    .orderBy('id')
    .execute()
  return {
    ...(await rowCounts(t.db, chainTables)),
    writeAudit: await writeAuditCount(t.db),
    failures,
    entries,
    appointments,
    assessments,
  }
}

async function recordedTest(fields: DrugTestFields = {}) {
  const who = await createPerson(t.db, { date_of_birth: '1984-06-11' })
  const response = await postForm(dip, `/people/${who.id}/drug-tests`, drugTestForm(fields))
  expect(response.status).toBe(303)
  return { person: who, testId: idFrom(response.headers.location, 'drug-tests') }
}

function assessmentForm(
  day: string,
  time: string,
  imposed: Record<string, string> = imposedFields(day, time),
): FormData {
  return {
    ...imposed,
    imposedByOfficer: '',
    ...dateFields('appointmentDate', day),
    appointmentTime: time,
    place: 'CJIT office, Romford',
    assessor: 'Sam Okafor',
  }
}

/**
 * A disputed positive test sampled 20 days ago, and its RA1 appointment today at 00:00: at least
 * five working days after the sample, on today's list, and already due.
 */
async function disputedWithAppointmentToday(
  results: { opiates: string; cocaine: string } = { opiates: 'positive', cocaine: 'negative' },
) {
  const sampleDay = daysAgo(20)
  expect(workingDaysAfter(sampleDay, 5) <= today()).toBe(true)
  const { person: who, testId } = await recordedTest({ sampleDay, disputed: 'yes', ...results })
  const imposed = await postForm(dip, `/drug-tests/${testId}/assessment`, assessmentForm(today(), '00:00'))
  expect(imposed.status).toBe(303)
  const appointment = await t.db
    .selectFrom('appointment')
    .selectAll()
    .where('person_id', '=', who.id)
    .executeTakeFirstOrThrow()
  const assessment = await t.db
    .selectFrom('required_assessment')
    .selectAll()
    .where('drug_test_id', '=', testId)
    .executeTakeFirstOrThrow()
  return { person: who, testId, appointment, assessment }
}

function confirmationForm(opiates: string, cocaine: string, day = today()): FormData {
  return { opiates, cocaine, ...dateFields('confirmedOn', day) }
}

const didNotAttend: FormData = { outcome: 'did_not_attend', goodCause: 'no' }

/** Whether today's appointments list (every page of it) links to the appointment. */
async function onTodaysAppointments(appointmentId: string): Promise<boolean> {
  for (let page = 1; ; page += 1) {
    const response = await dip.agent.get(`/appointments${page > 1 ? `?page=${page}` : ''}`)
    if (response.status === 404) return false
    expect(response.status).toBe(200)
    if (response.text.includes(`/appointments/${appointmentId}"`)) return true
    if (!response.text.includes(`page=${page + 1}`)) return false
  }
}

async function onCidList(name: string): Promise<boolean> {
  return (await cid.agent.get('/cid').expect(200)).text.includes(name)
}

const failureRow = (id: string) =>
  t.db.selectFrom('dip_failure').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const entryRow = (id: string) => t.db.selectFrom('cid_entry').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const failureEvents = (id: string) =>
  t.db
    .selectFrom('dip_failure_event')
    .select(['kind', 'event_date', 'note'])
    .where('failure_id', '=', id)
    .orderBy('recorded_at')
    .orderBy('id')
    .execute()
const entryEventKinds = async (id: string) =>
  (
    await t.db
      .selectFrom('cid_entry_event')
      .select('kind')
      .where('entry_id', '=', id)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute()
  ).map((e) => e.kind)

/** A positive test with RA1 two days ago, not attended: an open s12 failure, through the forms. */
async function openFailure() {
  const { person: who, testId } = await recordedTest()
  await postForm(dip, `/drug-tests/${testId}/assessment`, assessmentForm(daysAgo(2), '10:00')).expect(303)
  const appointment = await t.db
    .selectFrom('appointment')
    .selectAll()
    .where('person_id', '=', who.id)
    .executeTakeFirstOrThrow()
  const response = await postForm(dip, `/appointments/${appointment.id}/attendance`, didNotAttend).expect(303)
  const failureId = idFrom(response.headers.location, 'failures')
  return { person: who, testId, appointment, failureId, failure: await failureRow(failureId) }
}

/**
 * A disputed positive test (opiates) whose requirement was not kept: the failure is circulated as
 * wanted, and the violent person is countersigned onto the CID list. Arranged in the database.
 */
async function disputedFailureOnTheCidList() {
  const who = await person(t.db)
  await marker(t.db, who.id, 'violent')
  const sampleDay = daysAgo(30)
  const failureDay = workingDaysAfter(sampleDay, 6)
  const test = await t.db
    .insertInto('drug_test')
    .values({
      person_id: who.id,
      custody_suite_code: 'ROMFORD',
      custody_number: `KD/${uniqueTag()}/26`,
      condition: 'arrest',
      trigger_offence_code: 'THEFT',
      sample_taken_at: londonInstant(sampleDay, '09:30'),
      opiates: 'positive',
      cocaine: 'negative',
      disputed: true,
      recorded_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const assessment = await t.db
    .insertInto('required_assessment')
    .values({
      person_id: who.id,
      drug_test_id: test.id,
      imposed_by: users.dip,
      imposed_at: londonInstant(sampleDay, '11:00'),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const appointment = await t.db
    .insertInto('appointment')
    .values({
      assessment_id: assessment.id,
      person_id: who.id,
      kind: 'initial',
      form: 'RA1',
      scheduled_at: londonInstant(failureDay, '10:00'),
      place: 'CJIT office, Romford',
      assessor: 'Sam Okafor',
      created_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await t.db
    .insertInto('attendance')
    .values({ appointment_id: appointment.id, outcome: 'did_not_attend', good_cause: false, recorded_by: users.dip })
    .execute()
  const failed = await t.db
    .insertInto('dip_failure')
    .values({
      appointment_id: appointment.id,
      person_id: who.id,
      section: 's12',
      failure_date: failureDay,
      time_bar_date: addMonths(failureDay, 6),
      status: 'wanted',
      statement_produced_on: addDays(failureDay, 1),
      statement_produced_by: users.dip,
      wanted_since: addDays(failureDay, 2),
      wanted_reference: `PNC/WM/${uniqueTag()}`,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  const listed = await entry(t.db, failed)
  return {
    person: who,
    testId: test.id,
    assessmentId: assessment.id,
    appointmentId: appointment.id,
    failure: failed,
    entry: listed,
  }
}

describe('a negative laboratory result (REFERENCE.md, DIP 1)', () => {
  it('a negative confirmatory result for every drug that was positive ends the requirement', async () => {
    const chain = await disputedWithAppointmentToday()
    expect(await onTodaysAppointments(chain.appointment.id)).toBe(true)

    await postForm(dip, `/drug-tests/${chain.testId}/confirmation`, confirmationForm('negative', 'not_tested'))
      .expect(303)
      .expect('Location', `/drug-tests/${chain.testId}`)

    expect(
      await t.db
        .selectFrom('required_assessment')
        .select(['fell_away_on', 'fell_away_reason'])
        .where('id', '=', chain.assessment.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      fell_away_on: today(),
      fell_away_reason: requirementFellAwayReason,
    })
    const closed = await t.db
      .selectFrom('appointment')
      .selectAll()
      .where('id', '=', chain.appointment.id)
      .executeTakeFirstOrThrow()
    expect(closed).toMatchObject({ closed_on: today(), closed_reason: requirementFellAwayReason })
    // Gone from the DIP worker's lists: today's and the week's (whose filter is the same, closed_on is null).
    expect(await onTodaysAppointments(chain.appointment.id)).toBe(false)
    const weekRows = await t.db
      .selectFrom('appointment')
      .select('id')
      .where('person_id', '=', chain.person.id)
      .where('scheduled_at', '>=', londonInstant(today(), '00:00'))
      .where('scheduled_at', '<', londonInstant(addDays(today(), 7), '00:00'))
      .where('closed_on', 'is', null)
      .execute()
    expect(weekRows).toEqual([])

    // No attendance (and so no failure) can be recorded on it: refused with the reason, nothing written.
    const before = await chainState()
    const refused = await postForm(dip, `/appointments/${chain.appointment.id}/attendance`, didNotAttend)
    expect(refused.status).toBe(400)
    expect(errorSummaryLinks(refused.text)).toEqual([
      {
        href: '#outcome',
        text: `The requirement fell away on ${formatDate(today())}, when the laboratory result came back negative: this appointment is closed and no attendance or failure can be recorded`,
      },
    ])
    expect(await chainState()).toEqual(before)
    expect(
      await t.db.selectFrom('attendance').select('id').where('appointment_id', '=', chain.appointment.id).execute(),
    ).toEqual([])

    const page = textOf((await dip.agent.get(`/drug-tests/${chain.testId}`).expect(200)).text)
    expect(page).toContain(`The requirement fell away on ${formatDate(today())}: ${requirementFellAwayReason}`)
    expect(page).toContain(`Opiates Positive; laboratory: negative (${formatDate(today())})`)
    expect(page).toContain(`Cocaine Negative; laboratory: not tested (${formatDate(today())})`)
    expect(page).not.toContain('Save confirmatory result')
    const appointmentPage = await dip.agent.get(`/appointments/${chain.appointment.id}`).expect(200)
    expect(textOf(appointmentPage.text)).toContain(
      `This appointment is closed. ${requirementFellAwayReason}. No attendance or failure can be recorded.`,
    )
    expect(appointmentPage.text).not.toContain(`action="/appointments/${chain.appointment.id}/attendance"`)
  })

  it('a failure that already arose from the test is withdrawn when the laboratory result is negative, and leaves the CID list', async () => {
    const listed = await disputedFailureOnTheCidList()
    expect(await onCidList(shownName(listed.person))).toBe(true)

    await postForm(dip, `/drug-tests/${listed.testId}/confirmation`, confirmationForm('negative', 'negative')).expect(
      303,
    )

    expect(await failureRow(listed.failure.id)).toMatchObject({
      status: 'withdrawn',
      version: listed.failure.version + 1,
    })
    expect(await failureEvents(listed.failure.id)).toEqual([
      { kind: 'withdrawn', event_date: today(), note: requirementFellAwayReason },
    ])
    expect(await entryRow(listed.entry.id)).toMatchObject({ status: 'withdrawn', version: listed.entry.version + 1 })
    expect(await entryEventKinds(listed.entry.id)).toEqual(['proposed', 'countersigned', 'withdrawn'])
    expect(
      await t.db
        .selectFrom('required_assessment')
        .select('fell_away_on')
        .where('id', '=', listed.assessmentId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ fell_away_on: today() })
    expect(await onCidList(shownName(listed.person))).toBe(false)
    expect((await cid.agent.get('/cid/export.csv').expect(200)).text).not.toContain(listed.person.surname)
    const failurePage = textOf((await dip.agent.get(`/failures/${listed.failure.id}`).expect(200)).text)
    expect(failurePage).toContain(`Withdrawn. ${requirementFellAwayReason}`)
  })

  it('a confirmatory result negative for one drug but positive for another leaves the requirement standing', async () => {
    const chain = await disputedWithAppointmentToday({ opiates: 'positive', cocaine: 'positive' })

    await postForm(dip, `/drug-tests/${chain.testId}/confirmation`, confirmationForm('negative', 'positive')).expect(
      303,
    )

    expect(
      await t.db
        .selectFrom('required_assessment')
        .select(['fell_away_on', 'fell_away_reason'])
        .where('id', '=', chain.assessment.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      fell_away_on: null,
      fell_away_reason: null,
    })
    expect(
      await t.db
        .selectFrom('appointment')
        .select(['closed_on', 'version'])
        .where('id', '=', chain.appointment.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      closed_on: null,
      version: chain.appointment.version,
    })
    expect(await onTodaysAppointments(chain.appointment.id)).toBe(true)
    const page = textOf((await dip.agent.get(`/drug-tests/${chain.testId}`).expect(200)).text)
    expect(page).not.toContain('The requirement fell away')
    expect(page).toContain(`Cocaine Positive; laboratory: positive (${formatDate(today())})`)

    // The requirement stands: not attending it is a failure.
    const dna = await postForm(dip, `/appointments/${chain.appointment.id}/attendance`, didNotAttend).expect(303)
    const failed = await failureRow(idFrom(dna.headers.location, 'failures'))
    expect(failed).toMatchObject({ status: 'open', section: 's12', failure_date: today() })
  })
})

describe('the requirement (RA1)', () => {
  it('the requirement records when and by whom it was imposed, after the sample and before the appointment', async () => {
    const sampleDay = daysAgo(3)
    const { testId } = await recordedTest({ sampleDay, sampleTime: '09:00' })
    const imposed = (day: string, time: string) => ({ ...dateFields('imposedDate', day), imposedTime: time })
    const refusals: [string, FormData, string][] = [
      [
        'before the sample',
        assessmentForm(daysAgo(1), '10:00', imposed(sampleDay, '08:59')),
        'The requirement can only be imposed after the sample was taken',
      ],
      [
        'after the appointment',
        assessmentForm(daysAgo(1), '10:00', imposed(daysAgo(1), '10:30')),
        'The requirement must be imposed before the appointment it sets',
      ],
      [
        'at the appointment',
        assessmentForm(daysAgo(1), '10:00', imposed(daysAgo(1), '10:00')),
        'The requirement must be imposed before the appointment it sets',
      ],
      [
        'in the future',
        assessmentForm(addDays(today(), 3), '10:00', imposed(addDays(today(), 1), '09:00')),
        'Date the requirement was imposed must be today or in the past',
      ],
    ]
    for (const [when, form, message] of refusals) {
      const before = await chainState()
      const response = await postForm(dip, `/drug-tests/${testId}/assessment`, form)
      expect(response.status, when).toBe(400)
      expect(errorSummaryLinks(response.text), when).toEqual([{ href: '#imposedDate', text: message }])
      expect(await chainState(), when).toEqual(before)
    }

    const valid = {
      ...assessmentForm(daysAgo(1), '10:00', imposed(sampleDay, '16:45')),
      imposedByOfficer: 'PC 1234 Jo Bloggs',
    }
    const startedAt = Date.now()
    await postForm(dip, `/drug-tests/${testId}/assessment`, valid).expect(303)
    const assessment = await t.db
      .selectFrom('required_assessment')
      .selectAll()
      .where('drug_test_id', '=', testId)
      .executeTakeFirstOrThrow()
    expect(assessment.imposed_at.toISOString()).toBe(londonInstant(sampleDay, '16:45').toISOString())
    expect(assessment.imposed_by_officer).toBe('PC 1234 Jo Bloggs')
    // When it was typed in is kept apart from when it was imposed.
    expect(assessment.recorded_at.getTime()).toBeGreaterThanOrEqual(startedAt - 5_000)

    const appointment = await t.db
      .selectFrom('appointment')
      .select('id')
      .where('assessment_id', '=', assessment.id)
      .executeTakeFirstOrThrow()
    const dna = await postForm(dip, `/appointments/${appointment.id}/attendance`, didNotAttend).expect(303)
    const failureId = idFrom(dna.headers.location, 'failures')
    const statement = textOf((await dip.agent.get(`/failures/${failureId}/statement`).expect(200)).text)
    expect(statement).toContain(
      `Requirement imposed ${formatWhen(londonInstant(sampleDay, '16:45'))} by PC 1234 Jo Bloggs`,
    )
  })
})

describe('the evidential statement and the wanted status', () => {
  it('record as wanted is refused until the statement is produced', async () => {
    const open = await openFailure()
    const wanted = (version: number): FormData => ({
      ...dateFields('wantedOn', today()),
      reference: `PNC/WM/${uniqueTag()}`,
      version: String(version),
    })

    const before = await chainState()
    const refused = await postForm(iom, `/failures/${open.failureId}/wanted`, wanted(open.failure.version))
    expect(refused.status).toBe(400)
    expect(errorSummaryLinks(refused.text)).toEqual([
      { href: '#wantedOn', text: 'Produce and sign the evidential statement before recording the person as wanted' },
    ])
    expect(await chainState()).toEqual(before)
    expect(await failureRow(open.failureId)).toMatchObject({
      status: 'open',
      wanted_since: null,
      statement_produced_on: null,
    })

    await postForm(dip, `/failures/${open.failureId}/statement`, { version: String(open.failure.version) }).expect(303)
    expect(await failureRow(open.failureId)).toMatchObject({
      statement_produced_on: today(),
      statement_produced_by: users.dip,
    })
    await postForm(iom, `/failures/${open.failureId}/wanted`, wanted(open.failure.version + 1)).expect(303)
    expect(await failureRow(open.failureId)).toMatchObject({ status: 'wanted', wanted_since: today() })
    expect((await failureEvents(open.failureId)).map((e) => e.kind)).toEqual([
      'created',
      'statement_produced',
      'circulated_wanted',
    ])
  })

  it('a withdrawn statement takes the wanted status back to awaiting statement and off the CID list', async () => {
    const listed = await onTheList(t.db)
    expect(await onCidList(shownName(listed.person))).toBe(true)

    const reason = 'The assessor was on leave that day: the statement was wrong'
    await postForm(dip, `/failures/${listed.failure.id}/statement/withdraw`, {
      reason,
      version: String(listed.failure.version),
    }).expect(303)

    expect(await failureRow(listed.failure.id)).toMatchObject({
      status: 'open',
      statement_produced_on: null,
      statement_produced_by: null,
      wanted_since: null,
      wanted_reference: null,
      version: listed.failure.version + 1,
    })
    expect(await failureEvents(listed.failure.id)).toEqual([
      { kind: 'statement_withdrawn', event_date: today(), note: reason },
    ])
    expect(await entryRow(listed.entry.id)).toMatchObject({ status: 'suspended', version: listed.entry.version + 1 })
    expect(await entryEventKinds(listed.entry.id)).toEqual(['proposed', 'countersigned', 'suspended'])
    expect(await onCidList(shownName(listed.person))).toBe(false)
    expect((await cid.agent.get('/cid/export.csv').expect(200)).text).not.toContain(listed.person.surname)

    // There is no statement left to withdraw.
    const before = await chainState()
    const again = await postForm(dip, `/failures/${listed.failure.id}/statement/withdraw`, {
      reason,
      version: String(listed.failure.version + 1),
    })
    expect(again.status).toBe(400)
    expect(errorSummaryLinks(again.text)).toEqual([{ href: '#reason', text: 'There is no statement to withdraw' }])
    expect(await chainState()).toEqual(before)
  })
})

describe('the time bar (Magistrates’ Courts Act 1980 s127)', () => {
  it('a charge or summons after the six-month time bar is refused (MCA 1980 s127)', async () => {
    // An arrested failure not charged by its time bar is time-barred at once (the charge is refused,
    // nothing written); the sweep then closes it with its history row.
    const who = await person(t.db)
    const arrested = await arrangedFailure(t.db, who.id, {
      status: 'arrested',
      failureDate: addMonths(daysAgo(1), -6),
      timeBarDate: daysAgo(1),
    })
    const charge: FormData = {
      outcome: 'charged',
      ...dateFields('outcomeOn', today()),
      reference: '',
      note: '',
      version: String(arrested.version),
    }
    const unswept = await chainState()
    const refused = await postForm(iom, `/failures/${arrested.id}/outcome`, charge)
    expect(refused.status).toBe(400)
    expect(errorSummaryLinks(refused.text)).toEqual([
      { href: '#outcome', text: 'Not possible while the failure is time barred' },
    ])
    expect(await chainState()).toEqual(unswept)
    expect(await failureRow(arrested.id)).toMatchObject({ status: 'arrested', version: arrested.version })
    await t.services.dipService.sweep()
    expect(await failureRow(arrested.id)).toMatchObject({ status: 'time_barred', version: arrested.version + 1 })
    expect(await failureEvents(arrested.id)).toEqual([
      { kind: 'time_barred', event_date: daysAgo(1), note: 'Closed automatically: six months passed (MCA 1980 s127)' },
    ])
    const before = await chainState()
    const again = await postForm(iom, `/failures/${arrested.id}/outcome`, {
      ...charge,
      version: String(arrested.version + 1),
    })
    expect(again.status).toBe(400)
    expect(errorSummaryLinks(again.text)).toEqual([
      { href: '#outcome', text: 'Not possible while the failure is time barred' },
    ])
    expect(await chainState()).toEqual(before)

    // The database itself refuses a charge or summons dated after the time bar, and takes one on it.
    const inTime = await arrangedFailure(t.db, (await person(t.db)).id, { status: 'arrested' })
    for (const kind of ['charged', 'summonsed'] as const) {
      await expect(
        t.db
          .insertInto('dip_failure_event')
          .values({ failure_id: inTime.id, kind, event_date: addDays(inTime.time_bar_date, 1), recorded_by: users.iom })
          .execute(),
      ).rejects.toThrow(/out of time \(MCA 1980 s127\)/)
    }
    expect(await failureEvents(inTime.id)).toEqual([])
    await t.db
      .insertInto('dip_failure_event')
      .values({ failure_id: inTime.id, kind: 'charged', event_date: inTime.time_bar_date, recorded_by: users.iom })
      .execute()

    // CID's outcome form refuses the charge too, for an arrested entry whose failure's bar has passed.
    const late = await onTheList(t.db, {
      failureDate: addMonths(daysAgo(1), -6),
      timeBarDate: daysAgo(1),
      status: 'arrested',
    })
    await t.db.updateTable('cid_entry').set({ status: 'arrested' }).where('id', '=', late.entry.id).execute()
    const entryVersion = (await entryRow(late.entry.id)).version
    const cidBefore = await chainState()
    const cidRefused = await postForm(cid, `/cid/${late.entry.id}/outcome`, {
      outcome: 'charged',
      ...dateFields('outcomeOn', today()),
      reference: '',
      note: '',
      version: String(entryVersion),
    })
    expect(cidRefused.status).toBe(400)
    expect(errorSummaryLinks(cidRefused.text)).toEqual([
      {
        href: '#outcomeOn',
        text: `Proceedings had to start by ${formatDate(daysAgo(1))} (six months after the failure, Magistrates' Courts Act 1980 s127): a charge after that is out of time`,
      },
    ])
    expect(await chainState()).toEqual(cidBefore)
    expect((await failureEvents(late.failure.id)).map((e) => e.kind)).not.toContain('charged')
  })

  it('an arrested failure not yet charged shows charge by its time-bar date', async () => {
    const who = await person(t.db)
    const arrested = await arrangedFailure(t.db, who.id, { status: 'arrested', failureDate: daysAgo(40) })
    const page = textOf((await iom.agent.get(`/failures/${arrested.id}`).expect(200)).text)
    expect(page).toContain(`Charge by ${formatDate(arrested.time_bar_date)}`)
    expect(arrested.time_bar_date).toBe(addMonths(daysAgo(40), 6))

    // Once charged, there is nothing left to charge by.
    await postForm(iom, `/failures/${arrested.id}/outcome`, {
      outcome: 'charged',
      ...dateFields('outcomeOn', today()),
      reference: '',
      note: '',
      version: String(arrested.version),
    }).expect(303)
    expect(textOf((await iom.agent.get(`/failures/${arrested.id}`).expect(200)).text)).not.toContain('Charge by')
  })
})

describe('a refused test (PACE s63C)', () => {
  it('a refused test records the refusal and what was done about it, not results', async () => {
    // The results' radios are hidden once "refused" is chosen, but a browser still sends them.
    const { testId } = await recordedTest({
      refused: 'yes',
      refusalAction: 'charged',
      opiates: 'positive',
      cocaine: 'positive',
      disputed: 'yes',
    })
    expect(
      await t.db
        .selectFrom('drug_test')
        .select(['refused', 'refusal_action', 'opiates', 'cocaine', 'disputed'])
        .where('id', '=', testId)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      refused: true,
      refusal_action: 'charged',
      opiates: 'not_tested',
      cocaine: 'not_tested',
      disputed: false,
    })
    const page = textOf((await dip.agent.get(`/drug-tests/${testId}`).expect(200)).text)
    expect(page).toContain('Refused to give a sample Yes: Charged with refusing without good cause (PACE s63C)')
    expect(page).not.toContain('Require an assessment (RA1)')

    const who = await createPerson(t.db, { date_of_birth: '1984-06-11' })
    let before = await chainState()
    const noAction = await postForm(
      dip,
      `/people/${who.id}/drug-tests`,
      drugTestForm({ refused: 'yes', refusalAction: '', opiates: 'positive' }),
    )
    expect(noAction.status).toBe(400)
    expect(errorSummaryLinks(noAction.text)).toEqual([
      { href: '#refusalAction', text: 'Select what was done about the refusal (PACE s63C)' },
    ])
    expect(await chainState()).toEqual(before)

    before = await chainState()
    const assessment = await postForm(
      dip,
      `/drug-tests/${testId}/assessment`,
      assessmentForm(addDays(today(), 1), '10:00'),
    )
    expect(assessment.status).toBe(400)
    expect(errorSummaryLinks(assessment.text)).toEqual([
      {
        href: '#appointmentDate',
        text: 'A required assessment can only follow a positive test for opiates or cocaine',
      },
    ])
    expect(await chainState()).toEqual(before)

    // Nor can any other path store results for a refusal.
    await expect(
      t.db.updateTable('drug_test').set({ opiates: 'positive' }).where('id', '=', testId).execute(),
    ).rejects.toThrow(/drug_test_refusal_has_no_results/)
  })
})
