import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../server/features/audit/auditChainVerify.ts'
import { londonInstant } from '../../../server/features/dip/dipRules.ts'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import {
  createOutsideArea,
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
  sealed,
  uniqueTag,
  writeAuditCount,
  type DrugTestFields,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// The DIP rules through the real forms and a real database: each refusal is a 400 (or 404, 409)
// that writes nothing, and each accepted step adds rows and history instead of overwriting.

type Session = { agent: Agent; csrf: string }

let t: TestApp
let dip: Session
let iom: Session
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  dip = await signInAs(t.app, 'dip')
  iom = await signInAs(t.app, 'iom')
  // Close any stale demo failures now, so that no sweep during a test changes the counts it compares.
  await t.services.dipService.sweep()
})
afterAll(async () => {
  await t.close()
})

const today = () => todayInLondon()
const daysAgo = (n: number) => addDays(today(), -n)

/** The same day of the year, n years earlier (never used with 29 February). */
function yearsBefore(day: string, years: number): string {
  return `${Number(day.slice(0, 4)) - years}${day.slice(4)}`
}

/** Every DIP table's row count, and the audit rows that record writes: equal before and after means nothing was written. */
async function dipState() {
  return { ...(await rowCounts(t.db, dipTables)), writeAudit: await writeAuditCount(t.db) }
}

/** A person and a drug test recorded through the DT1 form. */
async function recordedTest(form: DrugTestFields = {}, dateOfBirth = '1985-03-02') {
  const person = await createPerson(t.db, { date_of_birth: dateOfBirth })
  const response = await postForm(dip, `/people/${person.id}/drug-tests`, drugTestForm(form))
  expect(response.status).toBe(303)
  return { personId: person.id, testId: idFrom(response.headers.location, 'drug-tests') }
}

function assessmentForm(day: string, time = '10:00', place = 'CJIT office, Romford'): FormData {
  return {
    ...imposedFields(day, time),
    ...dateFields('appointmentDate', day),
    appointmentTime: time,
    place,
    assessor: 'Sam Okafor',
  }
}

/** A positive test and its RA1 initial appointment, by default two days ago at 10:00 (so it is due). */
async function initialAppointment(options: { day?: string; time?: string; test?: DrugTestFields } = {}) {
  const { personId, testId } = await recordedTest(options.test)
  const response = await postForm(
    dip,
    `/drug-tests/${testId}/assessment`,
    assessmentForm(options.day ?? daysAgo(2), options.time),
  )
  expect(response.status).toBe(303)
  const appointment = await t.db
    .selectFrom('appointment')
    .selectAll()
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow()
  return { personId, testId, appointment }
}

const attended = (followUp: FormData): FormData => ({ outcome: 'attended', ...followUp })
const ra5: FormData = { followUp: 'ra5' }
const ra4 = (day: string, time = '10:00'): FormData => ({
  followUp: 'ra4',
  ...dateFields('followUpDate', day),
  followUpTime: time,
  followUpPlace: 'Recovery hub, Hornchurch',
  followUpAssessor: 'Priya Shah',
})
const noGoodCause = (outcome: 'did_not_attend' | 'left_early'): FormData => ({ outcome, goodCause: 'no' })

/** An initial appointment two days ago that the person did not attend: an open s12 failure. */
async function openFailure() {
  const chain = await initialAppointment()
  const response = await postForm(
    dip,
    `/appointments/${chain.appointment.id}/attendance`,
    noGoodCause('did_not_attend'),
  )
  expect(response.status).toBe(303)
  const failureId = idFrom(response.headers.location, 'failures')
  const failure = await t.db.selectFrom('dip_failure').selectAll().where('id', '=', failureId).executeTakeFirstOrThrow()
  return { ...chain, failureId, failure }
}

/** An open failure whose evidential statement is produced and signed: ready to be circulated as wanted (same version). */
async function failureWithStatement() {
  const open = await openFailure()
  await t.db
    .updateTable('dip_failure')
    .set({ statement_produced_on: open.failure.failure_date, statement_produced_by: users.dip })
    .where('id', '=', open.failureId)
    .execute()
  return open
}

const failureRow = (id: string) =>
  t.db.selectFrom('dip_failure').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const eventKinds = async (failureId: string) =>
  (
    await t.db
      .selectFrom('dip_failure_event')
      .select('kind')
      .where('failure_id', '=', failureId)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute()
  ).map((e) => e.kind)

function wantedForm(version: number, reference = `PNC/WM/${uniqueTag()}`, day = today()): FormData {
  return { ...dateFields('wantedOn', day), reference, version: String(version) }
}
function outcomeForm(outcome: string, version: number, reference = ''): FormData {
  return { outcome, ...dateFields('outcomeOn', today()), reference, note: '', version: String(version) }
}

describe('who may be tested (PACE s63B)', () => {
  const sampleDay = '2026-03-10'

  it.each([
    ['arrest', 18, 'A test on arrest needs the person to be 18 or over; they were 17 at the sample time'],
    ['charge', 14, 'A test on charge needs the person to be 14 or over; they were 13 at the sample time'],
  ])(
    'on %s: refused the day before the %ith birthday with nothing written, accepted on the birthday',
    async (condition, age, message) => {
      const tooYoung = await createPerson(t.db, { date_of_birth: addDays(yearsBefore(sampleDay, age), 1) })
      const before = await dipState()
      const refused = await postForm(dip, `/people/${tooYoung.id}/drug-tests`, drugTestForm({ condition, sampleDay }))
      expect(refused.status).toBe(400)
      expect(errorSummaryLinks(refused.text)).toEqual([{ href: '#condition', text: message }])
      expect(await dipState()).toEqual(before)

      const birthday = await createPerson(t.db, { date_of_birth: yearsBefore(sampleDay, age) })
      const accepted = await postForm(dip, `/people/${birthday.id}/drug-tests`, drugTestForm({ condition, sampleDay }))
      expect(accepted.status).toBe(303)
      const stored = await t.db.selectFrom('drug_test').selectAll().where('person_id', '=', birthday.id).execute()
      expect(stored).toHaveLength(1)
      expect(stored[0]).toMatchObject({ condition, recorded_by: users.dip })
      expect(stored[0]?.sample_taken_at.toISOString()).toBe('2026-03-10T09:00:00.000Z')
    },
  )

  it('a 15-year-old may be tested on charge', async () => {
    const fifteen = await createPerson(t.db, { date_of_birth: '2011-01-20' })
    const response = await postForm(
      dip,
      `/people/${fifteen.id}/drug-tests`,
      drugTestForm({ condition: 'charge', sampleDay }),
    )
    expect(response.status).toBe(303)
  })

  it('the age is taken on the UK day: at 00:30 on the 18th birthday in summer time the test on arrest is accepted', async () => {
    const eighteenToday = await createPerson(t.db, { date_of_birth: '2008-07-15' })
    const accepted = await postForm(
      dip,
      `/people/${eighteenToday.id}/drug-tests`,
      drugTestForm({ sampleDay: '2026-07-15', sampleTime: '00:30' }),
    )
    expect(accepted.status).toBe(303)
    const eighteenTomorrow = await createPerson(t.db, { date_of_birth: '2008-07-16' })
    const refused = await postForm(
      dip,
      `/people/${eighteenTomorrow.id}/drug-tests`,
      drugTestForm({ sampleDay: '2026-07-15', sampleTime: '23:30' }),
    )
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('they were 17 at the sample time')
  })
})

describe('a required assessment (RA1) follows only a positive test, for an adult', () => {
  it.each([
    ['negative for both drugs', { opiates: 'negative', cocaine: 'negative' }],
    ['not tested for either drug', { opiates: 'not_tested', cocaine: 'not_tested' }],
    ['refused', { opiates: 'not_tested', cocaine: 'not_tested', refused: 'yes', refusalAction: 'charged' }],
  ])('after a test %s it is refused with a message and nothing is written', async (_case, results) => {
    const { personId, testId } = await recordedTest(results)
    const before = await dipState()
    const response = await postForm(dip, `/drug-tests/${testId}/assessment`, assessmentForm(addDays(today(), 1)))
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      {
        href: '#appointmentDate',
        text: 'A required assessment can only follow a positive test for opiates or cocaine',
      },
    ])
    expect(await dipState()).toEqual(before)
    expect(await t.db.selectFrom('appointment').select('id').where('person_id', '=', personId).execute()).toEqual([])
  })

  it('a 17-year-old tested on charge and positive for both drugs gets no assessment', async () => {
    const sampleDay = daysAgo(3)
    const { testId } = await recordedTest(
      { condition: 'charge', opiates: 'positive', cocaine: 'positive', sampleDay },
      addDays(yearsBefore(sampleDay, 18), 1),
    )
    const before = await dipState()
    const response = await postForm(dip, `/drug-tests/${testId}/assessment`, assessmentForm(addDays(today(), 1)))
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#appointmentDate', text: 'A required assessment can only be imposed on a person aged 18 or over' },
    ])
    expect(await dipState()).toEqual(before)
  })

  it('an adult positive for cocaine only gets the assessment and the follow-up requirement, once', async () => {
    const { personId, testId } = await recordedTest({ opiates: 'negative', cocaine: 'positive' })
    const response = await postForm(
      dip,
      `/drug-tests/${testId}/assessment`,
      assessmentForm(addDays(today(), 2), '11:15'),
    )
    expect(response.status).toBe(303)
    const assessment = await t.db
      .selectFrom('required_assessment')
      .selectAll()
      .where('drug_test_id', '=', testId)
      .executeTakeFirstOrThrow()
    expect(assessment).toMatchObject({ person_id: personId, imposed_by: users.dip, follow_up_ended_on: null })
    const appointments = await t.db
      .selectFrom('appointment')
      .selectAll()
      .where('assessment_id', '=', assessment.id)
      .execute()
    expect(appointments).toHaveLength(1)
    expect(appointments[0]).toMatchObject({
      kind: 'initial',
      form: 'RA1',
      place: 'CJIT office, Romford',
      assessor: 'Sam Okafor',
      version: 1,
    })
    expect(appointments[0]?.scheduled_at.toISOString()).toBe(londonInstant(addDays(today(), 2), '11:15').toISOString())

    const before = await dipState()
    const again = await postForm(dip, `/drug-tests/${testId}/assessment`, assessmentForm(addDays(today(), 3)))
    expect(again.status).toBe(400)
    expect(again.text).toContain('An assessment has already been required after this test')
    expect(await dipState()).toEqual(before)
  })
})

describe('a disputed test: the initial assessment is at least 5 working days after the sample', () => {
  // Sample on Wednesday 1 April 2026. Good Friday (3 April) and Easter Monday (6 April) are
  // bank holidays: the 4th working day after is Thursday 9 April, the 5th Friday 10 April.
  const disputed = { sampleDay: '2026-04-01', sampleTime: '10:00', disputed: 'yes' }
  const message =
    'The test is disputed: the initial assessment must be on or after 10 April 2026 (5 working days after the sample)'

  it('RA1 on the 4th working day is refused with the earliest date, and on the 5th is accepted', async () => {
    const { testId } = await recordedTest(disputed)
    const before = await dipState()
    const fourth = await postForm(dip, `/drug-tests/${testId}/assessment`, assessmentForm('2026-04-09', '16:00'))
    expect(fourth.status).toBe(400)
    expect(errorSummaryLinks(fourth.text)).toEqual([{ href: '#appointmentDate', text: message }])
    expect(await dipState()).toEqual(before)

    const fifth = await postForm(dip, `/drug-tests/${testId}/assessment`, assessmentForm('2026-04-10', '09:00'))
    expect(fifth.status).toBe(303)
  })

  it('the test page tells the officer the earliest date before they choose', async () => {
    const { testId } = await recordedTest(disputed)
    const page = await dip.agent.get(`/drug-tests/${testId}`).expect(200)
    expect(page.text).toContain('the initial assessment must be on or after <strong>10 April 2026</strong>')
  })

  it('RA2 keeps to the same rule: moving the initial assessment to the 4th working day is refused and changes nothing', async () => {
    const { appointment } = await initialAppointment({ day: '2026-04-10', time: '09:00', test: disputed })
    const before = await dipState()
    const refused = await postForm(dip, `/appointments/${appointment.id}/reschedule`, {
      ...dateFields('appointmentDate', '2026-04-09'),
      appointmentTime: '09:00',
      place: appointment.place,
      reason: 'Assessor on leave',
      version: String(appointment.version),
    })
    expect(refused.status).toBe(400)
    expect(errorSummaryLinks(refused.text)).toEqual([
      { href: '#appointmentDate', text: 'The initial assessment must be on or after 10 April 2026' },
    ])
    expect(await dipState()).toEqual(before)
    expect(
      await t.db.selectFrom('appointment').selectAll().where('id', '=', appointment.id).executeTakeFirstOrThrow(),
    ).toEqual(appointment)

    const later = await postForm(dip, `/appointments/${appointment.id}/reschedule`, {
      ...dateFields('appointmentDate', '2026-04-13'),
      appointmentTime: '09:00',
      place: appointment.place,
      reason: 'Assessor on leave',
      version: String(appointment.version),
    })
    expect(later.status).toBe(303)
  })

  it('an undisputed test may be followed the same day, but not before the sample was taken', async () => {
    const { testId } = await recordedTest({ sampleDay: daysAgo(1), sampleTime: '14:00' })
    const before = await dipState()
    const earlier = await postForm(dip, `/drug-tests/${testId}/assessment`, assessmentForm(daysAgo(1), '13:00'))
    expect(earlier.status).toBe(400)
    expect(earlier.text).toContain('The appointment must be after the sample was taken')
    expect(await dipState()).toEqual(before)
    const sameDay = await postForm(dip, `/drug-tests/${testId}/assessment`, assessmentForm(daysAgo(1), '16:00'))
    expect(sameDay.status).toBe(303)
  })
})

describe('the follow-up (RA4 or RA5) is decided only after an attended initial assessment', () => {
  it('an attended initial assessment without a decision is refused and nothing is written', async () => {
    const { appointment } = await initialAppointment()
    const before = await dipState()
    const response = await postForm(dip, `/appointments/${appointment.id}/attendance`, { outcome: 'attended' })
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#followUp', text: 'Confirm a follow-up assessment (RA4) or end the requirement (RA5)' },
    ])
    expect(await dipState()).toEqual(before)
  })

  it.each([
    ['RA4', ra4(addDays(today(), 5))],
    ['RA5', ra5],
  ])(
    // The decision sits under "Attended" on the form: sent with a did-not-attend it is ignored (decision 0117).
    'a did-not-attend with an %s decision records the failure and ignores the decision: nothing booked or ended',
    async (_form, decision) => {
      const { appointment } = await initialAppointment()
      const response = await postForm(dip, `/appointments/${appointment.id}/attendance`, {
        ...noGoodCause('did_not_attend'),
        ...decision,
      })
      expect(response.status).toBe(303)
      expect(response.headers.location).toMatch(/^\/failures\//)
      const booked = await t.db
        .selectFrom('appointment')
        .select('id')
        .where('assessment_id', '=', appointment.assessment_id)
        .execute()
      expect(booked).toEqual([{ id: appointment.id }])
      const requirement = await t.db
        .selectFrom('required_assessment')
        .select('follow_up_ended_on')
        .where('id', '=', appointment.assessment_id)
        .executeTakeFirstOrThrow()
      expect(requirement.follow_up_ended_on).toBeNull()
    },
  )

  it('RA4 books the follow-up appointment on form RA4; a second decision for the same requirement is refused', async () => {
    const { personId, appointment } = await initialAppointment()
    const followUpDay = addDays(today(), 7)
    const response = await postForm(
      dip,
      `/appointments/${appointment.id}/attendance`,
      attended(ra4(followUpDay, '14:30')),
    )
    expect(response.status).toBe(303)
    expect(response.headers.location).toBe(`/people/${personId}`)
    const followUps = await t.db
      .selectFrom('appointment')
      .selectAll()
      .where('assessment_id', '=', appointment.assessment_id)
      .where('kind', '=', 'follow_up')
      .execute()
    expect(followUps).toHaveLength(1)
    expect(followUps[0]).toMatchObject({
      form: 'RA4',
      person_id: personId,
      place: 'Recovery hub, Hornchurch',
      assessor: 'Priya Shah',
      created_by: users.dip,
    })
    expect(followUps[0]?.scheduled_at.toISOString()).toBe(londonInstant(followUpDay, '14:30').toISOString())
    const attendance = await t.db
      .selectFrom('attendance')
      .selectAll()
      .where('appointment_id', '=', appointment.id)
      .executeTakeFirstOrThrow()
    expect(attendance).toMatchObject({ outcome: 'attended', good_cause: false, recorded_by: users.dip })

    const before = await dipState()
    const secondDecision = await postForm(dip, `/appointments/${appointment.id}/attendance`, attended(ra5))
    expect(secondDecision.status).toBe(400)
    expect(secondDecision.text).toContain('Attendance is already recorded for this appointment')
    expect(await dipState()).toEqual(before)
    const requirement = await t.db
      .selectFrom('required_assessment')
      .select('follow_up_ended_on')
      .where('id', '=', appointment.assessment_id)
      .executeTakeFirstOrThrow()
    expect(requirement.follow_up_ended_on).toBeNull()
  })

  it('RA5 ends the follow-up requirement on the day of the initial assessment, and books nothing', async () => {
    const { appointment } = await initialAppointment({ day: daysAgo(2) })
    const response = await postForm(dip, `/appointments/${appointment.id}/attendance`, attended(ra5))
    expect(response.status).toBe(303)
    const requirement = await t.db
      .selectFrom('required_assessment')
      .selectAll()
      .where('id', '=', appointment.assessment_id)
      .executeTakeFirstOrThrow()
    expect(requirement).toMatchObject({ follow_up_ended_on: daysAgo(2), follow_up_ended_by: users.dip })
    expect(
      await t.db
        .selectFrom('appointment')
        .select('id')
        .where('assessment_id', '=', appointment.assessment_id)
        .where('kind', '=', 'follow_up')
        .execute(),
    ).toEqual([])

    const before = await dipState()
    const secondDecision = await postForm(
      dip,
      `/appointments/${appointment.id}/attendance`,
      attended(ra4(addDays(today(), 7))),
    )
    expect(secondDecision.status).toBe(400)
    expect(await dipState()).toEqual(before)
  })

  it('an RA4 follow-up that is not after the initial assessment is refused', async () => {
    const { appointment } = await initialAppointment({ day: daysAgo(2), time: '10:00' })
    const before = await dipState()
    const response = await postForm(
      dip,
      `/appointments/${appointment.id}/attendance`,
      attended(ra4(daysAgo(2), '09:00')),
    )
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#followUpDate', text: 'The follow-up must be after the initial assessment' },
    ])
    expect(await dipState()).toEqual(before)
  })

  it('at an attended follow-up assessment there is no further decision to make', async () => {
    const { appointment } = await initialAppointment({ day: daysAgo(3) })
    await postForm(dip, `/appointments/${appointment.id}/attendance`, attended(ra4(daysAgo(1)))).expect(303)
    const followUp = await t.db
      .selectFrom('appointment')
      .selectAll()
      .where('assessment_id', '=', appointment.assessment_id)
      .where('kind', '=', 'follow_up')
      .executeTakeFirstOrThrow()
    const before = await dipState()
    const withDecision = await postForm(dip, `/appointments/${followUp.id}/attendance`, attended(ra5))
    expect(withDecision.status).toBe(400)
    expect(withDecision.text).toContain(
      'A follow-up can only be confirmed or ended after an attended initial assessment',
    )
    expect(await dipState()).toEqual(before)
    await postForm(dip, `/appointments/${followUp.id}/attendance`, { outcome: 'attended' }).expect(303)
  })
})

describe('a failure (s12, s14) only without good cause, and at most once per appointment', () => {
  it('an attended initial assessment is no failure', async () => {
    const { personId, appointment } = await initialAppointment()
    await postForm(dip, `/appointments/${appointment.id}/attendance`, attended(ra5)).expect(303)
    expect(await t.db.selectFrom('dip_failure').select('id').where('person_id', '=', personId).execute()).toEqual([])
  })

  it('a did-not-attend with good cause is recorded with its reason and is no failure', async () => {
    const { personId, appointment } = await initialAppointment()
    const response = await postForm(dip, `/appointments/${appointment.id}/attendance`, {
      outcome: 'did_not_attend',
      goodCause: 'yes',
      goodCauseNote: 'Admitted to hospital the night before',
    })
    expect(response.status).toBe(303)
    expect(response.headers.location).toBe(`/people/${personId}`)
    const attendance = await t.db
      .selectFrom('attendance')
      .selectAll()
      .where('appointment_id', '=', appointment.id)
      .executeTakeFirstOrThrow()
    expect(attendance).toMatchObject({
      outcome: 'did_not_attend',
      good_cause: true,
      good_cause_note: 'Admitted to hospital the night before',
    })
    expect(await t.db.selectFrom('dip_failure').select('id').where('person_id', '=', personId).execute()).toEqual([])
  })

  it('leaving the initial assessment early without good cause is an s12 failure', async () => {
    const { appointment } = await initialAppointment({ day: daysAgo(2) })
    const response = await postForm(dip, `/appointments/${appointment.id}/attendance`, noGoodCause('left_early'))
    expect(response.status).toBe(303)
    const failure = await failureRow(idFrom(response.headers.location, 'failures'))
    expect(failure).toMatchObject({
      section: 's12',
      status: 'open',
      failure_date: daysAgo(2),
      time_bar_date: addMonths(daysAgo(2), 6),
    })
  })

  it('leaving a follow-up early without good cause is an s14 failure dated that day, with a six-month time bar', async () => {
    const { personId, appointment } = await initialAppointment({ day: daysAgo(3) })
    await postForm(dip, `/appointments/${appointment.id}/attendance`, attended(ra4(daysAgo(1), '15:00'))).expect(303)
    const followUp = await t.db
      .selectFrom('appointment')
      .selectAll()
      .where('assessment_id', '=', appointment.assessment_id)
      .where('kind', '=', 'follow_up')
      .executeTakeFirstOrThrow()

    const response = await postForm(dip, `/appointments/${followUp.id}/attendance`, noGoodCause('left_early'))
    expect(response.status).toBe(303)
    const failureId = idFrom(response.headers.location, 'failures')
    const failure = await failureRow(failureId)
    expect(failure).toMatchObject({
      appointment_id: followUp.id,
      person_id: personId,
      section: 's14',
      status: 'open',
      failure_date: daysAgo(1),
      time_bar_date: addMonths(daysAgo(1), 6),
    })
    expect(await eventKinds(failureId)).toEqual(['created'])
  })

  it('recording attendance a second time is refused: one attendance and one failure remain', async () => {
    const { appointment, failureId } = await openFailure()
    const before = await dipState()
    const again = await postForm(dip, `/appointments/${appointment.id}/attendance`, noGoodCause('left_early'))
    expect(again.status).toBe(400)
    expect(again.text).toContain('Attendance is already recorded for this appointment')
    expect(await dipState()).toEqual(before)
    expect(
      await t.db.selectFrom('attendance').select('outcome').where('appointment_id', '=', appointment.id).execute(),
    ).toEqual([{ outcome: 'did_not_attend' }])
    expect(
      await t.db.selectFrom('dip_failure').select('id').where('appointment_id', '=', appointment.id).execute(),
    ).toEqual([{ id: failureId }])
  })

  it('two attendance records sent at the same moment: one is stored, the other refused, and there is one failure', async () => {
    const { personId, appointment } = await initialAppointment()
    const responses = await Promise.all([
      postForm(dip, `/appointments/${appointment.id}/attendance`, noGoodCause('did_not_attend')),
      postForm(dip, `/appointments/${appointment.id}/attendance`, noGoodCause('did_not_attend')),
    ])
    expect(responses.map((r) => r.status).sort()).toEqual([303, 400])
    expect(
      await t.db.selectFrom('attendance').select('id').where('appointment_id', '=', appointment.id).execute(),
    ).toHaveLength(1)
    const failures = await t.db
      .selectFrom('dip_failure')
      .select('id')
      .where('appointment_id', '=', appointment.id)
      .execute()
    expect(failures).toHaveLength(1)
    expect(await eventKinds(failures[0]?.id ?? '')).toEqual(['created'])
    const recorded = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select('event')
      .where('person_id', '=', personId)
      .where('event', '=', 'attendance.recorded')
      .execute()
    expect(recorded).toHaveLength(1)
  })
})

describe('attendance waits for the appointment', () => {
  it('attendance for an appointment that has not started yet is refused and nothing is written', async () => {
    const { appointment } = await initialAppointment({ day: addDays(today(), 1), time: '10:00' })
    const page = await dip.agent.get(`/appointments/${appointment.id}`).expect(200)
    expect(page.text).toContain('Attendance can be recorded once the appointment is due.')
    const before = await dipState()
    const response = await postForm(dip, `/appointments/${appointment.id}/attendance`, noGoodCause('did_not_attend'))
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#outcome', text: 'The appointment has not started yet: record attendance once it is due' },
    ])
    expect(await dipState()).toEqual(before)
  })
})

describe('wanted only while the failure is open and not time-barred; outcomes in order', () => {
  it('a failure past its time bar shows as time-barred before any sweep, cannot be circulated, and is closed by the sweep with a history row', async () => {
    const { failureId, failure } = await openFailure()
    const barredOn = daysAgo(1)
    await t.db.updateTable('dip_failure').set({ time_bar_date: barredOn }).where('id', '=', failureId).execute()

    const page = await iom.agent.get(`/failures/${failureId}`).expect(200)
    expect(page.text).toContain('<strong class="govuk-tag">Time-barred</strong>')
    expect(page.text).not.toContain('Circulate as wanted')
    // Reading wrote nothing: the row is as it was, and a POST is refused on what the page showed.
    expect(await failureRow(failureId)).toMatchObject({ status: 'open', version: failure.version })
    const unswept = await dipState()
    const early = await postForm(iom, `/failures/${failureId}/wanted`, wantedForm(failure.version))
    expect(early.status).toBe(400)
    expect(errorSummaryLinks(early.text)[0]?.text).toBe('Not possible while the failure is time barred')
    expect(await dipState()).toEqual(unswept)

    expect((await t.services.dipService.sweep()).closed).toBe(1)
    expect(await failureRow(failureId)).toMatchObject({ status: 'time_barred', version: failure.version + 1 })
    const events = await t.db
      .selectFrom('dip_failure_event')
      .selectAll()
      .where('failure_id', '=', failureId)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute()
    expect(events.map((e) => [e.kind, e.event_date, e.recorded_by])).toEqual([
      ['created', failure.failure_date, users.dip],
      ['time_barred', barredOn, null],
    ])
    const sweepAudit = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['category', 'event', 'actor_username', 'entity_type', 'entity_id'])
      .where('person_id', '=', failure.person_id)
      .where('event', '=', 'failure.time_barred')
      .execute()
    expect(sweepAudit).toEqual([
      {
        category: 'alteration',
        event: 'failure.time_barred',
        actor_username: 'system',
        entity_type: 'dip_failure',
        entity_id: failureId,
      },
    ])

    const before = await dipState()
    const wanted = await postForm(iom, `/failures/${failureId}/wanted`, wantedForm(failure.version + 1))
    expect(wanted.status).toBe(400)
    expect(errorSummaryLinks(wanted.text)[0]?.text).toBe('Not possible while the failure is time barred')
    await iom.agent.get(`/failures/${failureId}`).expect(200)
    expect(await dipState()).toEqual(before)
    expect(await failureRow(failureId)).toMatchObject({
      status: 'time_barred',
      wanted_since: null,
      wanted_reference: null,
    })
  })

  it('one sweep that closes several failures audits each of them, and the audit chain still verifies', async () => {
    const [first, second] = [await openFailure(), await openFailure()]
    await t.db
      .updateTable('dip_failure')
      .set({ time_bar_date: daysAgo(3) })
      .where('id', 'in', [first.failureId, second.failureId])
      .execute()
    expect((await t.services.dipService.sweep()).closed).toBe(2)
    const audited = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['entity_id', 'person_id', 'actor_username'])
      .where('event', '=', 'failure.time_barred')
      .where('entity_id', 'in', [first.failureId, second.failureId])
      .orderBy('entity_id')
      .execute()
    expect(audited).toEqual(
      [first, second]
        .map((f) => ({ entity_id: f.failureId, person_id: f.personId, actor_username: 'system' }))
        .sort((a, b) => a.entity_id.localeCompare(b.entity_id)),
    )
    expect(await verifyAuditChain(t.db)).toMatchObject({ firstBrokenId: null })
    expect((await t.services.dipService.sweep()).closed).toBe(0)
  })

  it('on its time-bar date a failure may still be circulated as wanted', async () => {
    const { failureId, failure } = await failureWithStatement()
    await t.db.updateTable('dip_failure').set({ time_bar_date: today() }).where('id', '=', failureId).execute()
    const wanted = await postForm(iom, `/failures/${failureId}/wanted`, wantedForm(failure.version, 'PNC/WM/LASTDAY'))
    expect(wanted.status).toBe(303)
    expect(await failureRow(failureId)).toMatchObject({
      status: 'wanted',
      wanted_since: today(),
      wanted_reference: 'PNC/WM/LASTDAY',
    })
  })

  it('circulating as wanted twice is refused and keeps the first circulation', async () => {
    const { failureId, failure } = await failureWithStatement()
    await postForm(iom, `/failures/${failureId}/wanted`, wantedForm(failure.version, 'PNC/WM/FIRST')).expect(303)
    const before = await dipState()
    const second = await postForm(
      iom,
      `/failures/${failureId}/wanted`,
      wantedForm(failure.version + 1, 'PNC/WM/SECOND'),
    )
    expect(second.status).toBe(400)
    expect(second.text).toContain('Not possible while the failure is wanted')
    expect(await dipState()).toEqual(before)
    expect(await failureRow(failureId)).toMatchObject({
      status: 'wanted',
      wanted_reference: 'PNC/WM/FIRST',
      version: failure.version + 1,
    })
  })

  it('a person cannot be wanted before the failure happened', async () => {
    const { failureId, failure } = await failureWithStatement()
    const before = await dipState()
    const response = await postForm(
      iom,
      `/failures/${failureId}/wanted`,
      wantedForm(failure.version, 'PNC/WM/EARLY', addDays(failure.failure_date, -1)),
    )
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#wantedOn', text: 'The person cannot be wanted before the failure happened' },
    ])
    expect(await dipState()).toEqual(before)
  })

  it('charged before arrested is refused; arrested needs a custody number; then arrested and charged are recorded as history', async () => {
    const { failureId, failure } = await failureWithStatement()
    await postForm(iom, `/failures/${failureId}/wanted`, wantedForm(failure.version)).expect(303)

    const before = await dipState()
    const chargedFirst = await postForm(
      iom,
      `/failures/${failureId}/outcome`,
      outcomeForm('charged', failure.version + 1),
    )
    expect(chargedFirst.status).toBe(400)
    expect(chargedFirst.text).toContain('Not possible while the failure is wanted')
    const noCustodyNumber = await postForm(
      iom,
      `/failures/${failureId}/outcome`,
      outcomeForm('arrested', failure.version + 1, ''),
    )
    expect(noCustodyNumber.status).toBe(400)
    expect(errorSummaryLinks(noCustodyNumber.text)).toEqual([
      { href: '#reference', text: 'Enter the custody number of the arrest' },
    ])
    expect(await dipState()).toEqual(before)
    expect((await failureRow(failureId)).status).toBe('wanted')

    await postForm(
      iom,
      `/failures/${failureId}/outcome`,
      outcomeForm('arrested', failure.version + 1, 'KD/55555/26'),
    ).expect(303)
    await postForm(iom, `/failures/${failureId}/outcome`, outcomeForm('charged', failure.version + 2)).expect(303)
    const afterCharge = await dipState()
    const withdrawnAfterCharge = await postForm(
      iom,
      `/failures/${failureId}/outcome`,
      outcomeForm('withdrawn', failure.version + 3),
    )
    expect(withdrawnAfterCharge.status).toBe(400)
    expect(await dipState()).toEqual(afterCharge)

    expect(await failureRow(failureId)).toMatchObject({ status: 'charged', version: failure.version + 3 })
    const events = await t.db
      .selectFrom('dip_failure_event')
      .select(['kind', 'reference', 'recorded_by'])
      .where('failure_id', '=', failureId)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute()
    expect(events.map((e) => e.kind)).toEqual(['created', 'circulated_wanted', 'arrested', 'charged'])
    expect(events[2]).toEqual({ kind: 'arrested', reference: 'KD/55555/26', recorded_by: users.iom })
  })
})

describe('every step is audited and kept as history', () => {
  async function writeAuditFor(personId: string) {
    return (await sealed(t.db))
      .selectFrom('audit_event')
      .select(['category', 'event', 'entity_type', 'entity_id', 'actor_username'])
      .where('person_id', '=', personId)
      .where('category', '<>', 'consultation')
      .orderBy('id')
      .execute()
  }

  it('each DIP write adds exactly one audit row naming what changed, and a failed write adds none', async () => {
    const person = await createPerson(t.db)
    const sampleDay = daysAgo(21)
    const step = async (session: Session, path: string, form: FormData, expected: Record<string, unknown>) => {
      const before = await writeAuditFor(person.id)
      const response = await postForm(session, path, form)
      expect(response.status, path).toBe(303)
      const after = await writeAuditFor(person.id)
      expect(after.slice(0, before.length)).toEqual(before)
      expect(after.slice(before.length)).toEqual([expect.objectContaining(expected)])
      return response
    }

    const test = await step(dip, `/people/${person.id}/drug-tests`, drugTestForm({ sampleDay, disputed: 'yes' }), {
      category: 'collection',
      event: 'drug_test.recorded',
      entity_type: 'drug_test',
      actor_username: 'dip',
    })
    const testId = idFrom(test.headers.location, 'drug-tests')
    await step(
      dip,
      `/drug-tests/${testId}/confirmation`,
      { opiates: 'positive', cocaine: 'negative', ...dateFields('confirmedOn', addDays(sampleDay, 4)) },
      { category: 'collection', event: 'drug_test.confirmed', entity_id: testId },
    )
    await step(dip, `/drug-tests/${testId}/assessment`, assessmentForm(daysAgo(3)), {
      category: 'collection',
      event: 'assessment.required',
      entity_type: 'required_assessment',
    })
    const appointment = await t.db
      .selectFrom('appointment')
      .selectAll()
      .where('person_id', '=', person.id)
      .executeTakeFirstOrThrow()
    await step(
      dip,
      `/appointments/${appointment.id}/reschedule`,
      {
        ...dateFields('appointmentDate', daysAgo(2)),
        appointmentTime: '11:00',
        place: 'Recovery hub, Hornchurch',
        reason: 'Office closed',
        version: '1',
      },
      {
        category: 'alteration',
        event: 'appointment.rescheduled',
        entity_type: 'appointment',
        entity_id: appointment.id,
      },
    )
    const dna = await step(dip, `/appointments/${appointment.id}/attendance`, noGoodCause('did_not_attend'), {
      category: 'collection',
      event: 'attendance.recorded',
      entity_id: appointment.id,
    })
    const failureId = idFrom(dna.headers.location, 'failures')
    await step(
      dip,
      `/failures/${failureId}/statement`,
      { version: '1' },
      { category: 'alteration', event: 'failure.statement_produced', entity_type: 'dip_failure', entity_id: failureId },
    )
    await step(iom, `/failures/${failureId}/wanted`, wantedForm(2), {
      category: 'alteration',
      event: 'failure.circulated_wanted',
      entity_id: failureId,
      actor_username: 'iom',
    })
    await step(iom, `/failures/${failureId}/outcome`, outcomeForm('arrested', 3, 'KD/77/26'), {
      category: 'alteration',
      event: 'failure.arrested',
      entity_id: failureId,
    })
    await step(iom, `/failures/${failureId}/outcome`, outcomeForm('no_further_action', 4), {
      category: 'alteration',
      event: 'failure.no_further_action',
      entity_id: failureId,
    })

    const refused = await postForm(iom, `/failures/${failureId}/outcome`, outcomeForm('charged', 5))
    expect(refused.status).toBe(400)
    expect(await writeAuditFor(person.id)).toHaveLength(9)

    const viewed = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('entity_id', '=', failureId)
      .where('event', '=', 'failure.viewed')
      .executeTakeFirstOrThrow()
    await dip.agent.get(`/failures/${failureId}`).expect(200)
    const viewedAfter = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('entity_id', '=', failureId)
      .where('event', '=', 'failure.viewed')
      .executeTakeFirstOrThrow()
    expect(Number(viewedAfter.n)).toBe(Number(viewed.n) + 1)
  })

  it('RA2 keeps every earlier time and place in the change history; the appointment holds only the latest', async () => {
    const { appointment } = await initialAppointment({ day: addDays(today(), 3), time: '10:00' })
    const first = { day: addDays(today(), 4), time: '11:30', place: 'Recovery hub, Hornchurch' }
    const second = { day: addDays(today(), 6), time: '09:15', place: 'CJIT office, Ilford' }
    for (const [i, move] of [first, second].entries()) {
      await postForm(dip, `/appointments/${appointment.id}/reschedule`, {
        ...dateFields('appointmentDate', move.day),
        appointmentTime: move.time,
        place: move.place,
        reason: `Change ${i + 1}`,
        version: String(appointment.version + i),
      }).expect(303)
    }
    const changes = await t.db
      .selectFrom('appointment_change')
      .selectAll()
      .where('appointment_id', '=', appointment.id)
      .orderBy('changed_at')
      .orderBy('id')
      .execute()
    expect(
      changes.map((c) => [
        c.previous_scheduled_at.toISOString(),
        c.previous_place,
        c.new_scheduled_at.toISOString(),
        c.new_place,
        c.reason,
        c.changed_by,
      ]),
    ).toEqual([
      [
        appointment.scheduled_at.toISOString(),
        appointment.place,
        londonInstant(first.day, first.time).toISOString(),
        first.place,
        'Change 1',
        users.dip,
      ],
      [
        londonInstant(first.day, first.time).toISOString(),
        first.place,
        londonInstant(second.day, second.time).toISOString(),
        second.place,
        'Change 2',
        users.dip,
      ],
    ])
    const now = await t.db
      .selectFrom('appointment')
      .selectAll()
      .where('id', '=', appointment.id)
      .executeTakeFirstOrThrow()
    expect(now).toMatchObject({ place: second.place, version: appointment.version + 2, form: 'RA1', kind: 'initial' })
    expect(now.scheduled_at.toISOString()).toBe(londonInstant(second.day, second.time).toISOString())
    const page = await dip.agent.get(`/appointments/${appointment.id}`).expect(200)
    expect(page.text).toContain('Change 1')
    expect(page.text).toContain('Change 2')
  })

  it('once attendance is recorded the appointment cannot be moved: what happened stays as it happened', async () => {
    const { appointment } = await openFailure()
    const before = await dipState()
    const response = await postForm(dip, `/appointments/${appointment.id}/reschedule`, {
      ...dateFields('appointmentDate', addDays(today(), 2)),
      appointmentTime: '10:00',
      place: 'Somewhere else',
      reason: 'Rebooked',
      version: String(appointment.version),
    })
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#appointmentDate', text: 'Attendance is already recorded: the appointment cannot be moved' },
    ])
    expect(await dipState()).toEqual(before)
    expect(
      await t.db.selectFrom('appointment').selectAll().where('id', '=', appointment.id).executeTakeFirstOrThrow(),
    ).toEqual(appointment)
  })

  it('the laboratory confirmation is a new row: the original result stays, and it cannot be recorded twice', async () => {
    const { testId } = await recordedTest({
      sampleDay: daysAgo(5),
      opiates: 'positive',
      cocaine: 'negative',
      disputed: 'yes',
    })
    const original = await t.db.selectFrom('drug_test').selectAll().where('id', '=', testId).executeTakeFirstOrThrow()
    await postForm(dip, `/drug-tests/${testId}/confirmation`, {
      opiates: 'negative',
      cocaine: 'negative',
      ...dateFields('confirmedOn', daysAgo(1)),
    }).expect(303)
    // The test's own result is as it was; only the fact the database keeps of it says it is now confirmed.
    expect(await t.db.selectFrom('drug_test').selectAll().where('id', '=', testId).executeTakeFirstOrThrow()).toEqual({
      ...original,
      confirmed: true,
    })
    expect(original.confirmed).toBe(false)
    const confirmation = await t.db
      .selectFrom('drug_test_confirmation')
      .selectAll()
      .where('drug_test_id', '=', testId)
      .executeTakeFirstOrThrow()
    expect(confirmation).toMatchObject({
      opiates: 'negative',
      cocaine: 'negative',
      confirmed_on: daysAgo(1),
      recorded_by: users.dip,
    })

    const before = await dipState()
    const again = await postForm(dip, `/drug-tests/${testId}/confirmation`, {
      opiates: 'positive',
      cocaine: 'positive',
      ...dateFields('confirmedOn', today()),
    })
    expect(again.status).toBe(400)
    expect(again.text).toContain('The confirmatory result is already recorded')
    expect(await dipState()).toEqual(before)
  })

  it('an undisputed test has no confirmatory result', async () => {
    const { testId } = await recordedTest()
    const before = await dipState()
    const response = await postForm(dip, `/drug-tests/${testId}/confirmation`, {
      opiates: 'positive',
      cocaine: 'negative',
      ...dateFields('confirmedOn', today()),
    })
    expect(response.status).toBe(400)
    expect(response.text).toContain('Only a disputed test has a confirmatory result')
    expect(await dipState()).toEqual(before)
  })
})

describe('area scope: records of a person outside the user’s areas are not found', () => {
  /** A whole DIP chain written straight to the database for a person no demo user may see. */
  async function outsideChain() {
    const outside = await createOutsideArea(t.db)
    const person = await createPerson(t.db, { areaCode: outside.boroughCode })
    const testRow = (disputed: boolean) => ({
      person_id: person.id,
      custody_suite_code: 'ROMFORD',
      custody_number: `XX/${uniqueTag()}/26`,
      condition: 'arrest' as const,
      trigger_offence_code: 'THEFT',
      sample_taken_at: londonInstant(daysAgo(20), '09:00'),
      opiates: 'positive' as const,
      cocaine: 'positive' as const,
      disputed,
      recorded_by: users.dip,
    })
    const lonelyTest = await t.db
      .insertInto('drug_test')
      .values(testRow(true))
      .returning('id')
      .executeTakeFirstOrThrow()
    const chainTest = await t.db
      .insertInto('drug_test')
      .values(testRow(false))
      .returning('id')
      .executeTakeFirstOrThrow()
    const assessment = await t.db
      .insertInto('required_assessment')
      .values({ person_id: person.id, drug_test_id: chainTest.id, imposed_by: users.dip })
      .returning('id')
      .executeTakeFirstOrThrow()
    const appointment = (kind: 'initial' | 'follow_up', scheduledAt: Date) =>
      t.db
        .insertInto('appointment')
        .values({
          assessment_id: assessment.id,
          person_id: person.id,
          kind,
          scheduled_at: scheduledAt,
          place: 'Elsewhere hub',
          assessor: 'A N Other',
          form: kind === 'initial' ? 'RA1' : 'RA4',
          created_by: users.dip,
        })
        .returning(['id', 'version'])
        .executeTakeFirstOrThrow()
    const missed = await appointment('initial', londonInstant(daysAgo(10), '10:00'))
    const upcoming = await appointment('follow_up', londonInstant(addDays(today(), 1), '10:00'))
    await t.db
      .insertInto('attendance')
      .values({ appointment_id: missed.id, outcome: 'did_not_attend', good_cause: false, recorded_by: users.dip })
      .execute()
    const failure = await t.db
      .insertInto('dip_failure')
      .values({
        appointment_id: missed.id,
        person_id: person.id,
        section: 's12',
        failure_date: daysAgo(10),
        time_bar_date: addMonths(daysAgo(10), 6),
      })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow()
    await t.db
      .insertInto('dip_failure_event')
      .values({ failure_id: failure.id, kind: 'created', event_date: daysAgo(10), recorded_by: users.dip })
      .execute()
    return { personId: person.id, testId: lonelyTest.id, appointment: upcoming, failure }
  }

  it('the DIP worker and the IOM officer get 404 for every page and form, see none of it in lists, and nothing is written or logged', async () => {
    const o = await outsideChain()
    const before = await dipState()

    for (const path of [
      `/people/${o.personId}/drug-tests/new`,
      `/drug-tests/${o.testId}`,
      `/appointments/${o.appointment.id}`,
      `/failures/${o.failure.id}`,
      `/failures/${o.failure.id}/statement`,
    ]) {
      expect((await dip.agent.get(path)).status, path).toBe(404)
    }
    expect((await iom.agent.get(`/failures/${o.failure.id}`)).status).toBe(404)

    const posts: [Session, string, FormData][] = [
      [dip, `/people/${o.personId}/drug-tests`, drugTestForm()],
      [
        dip,
        `/drug-tests/${o.testId}/confirmation`,
        { opiates: 'positive', cocaine: 'negative', ...dateFields('confirmedOn', today()) },
      ],
      [dip, `/drug-tests/${o.testId}/assessment`, assessmentForm(addDays(today(), 10))],
      [
        dip,
        `/appointments/${o.appointment.id}/reschedule`,
        {
          ...dateFields('appointmentDate', addDays(today(), 2)),
          appointmentTime: '10:00',
          place: 'Here',
          reason: 'Moved',
          version: String(o.appointment.version),
        },
      ],
      [dip, `/appointments/${o.appointment.id}/attendance`, noGoodCause('did_not_attend')],
      [dip, `/failures/${o.failure.id}/statement`, { version: String(o.failure.version) }],
      [iom, `/failures/${o.failure.id}/wanted`, wantedForm(o.failure.version)],
      [iom, `/failures/${o.failure.id}/outcome`, outcomeForm('arrested', o.failure.version, 'KD/1/26')],
    ]
    for (const [session, path, form] of posts) {
      expect((await postForm(session, path, form)).status, path).toBe(404)
    }

    const week = await dip.agent.get('/appointments?range=week').expect(200)
    expect(week.text).not.toContain(o.appointment.id)
    const awaiting = await dip.agent.get('/failures').expect(200)
    expect(awaiting.text).not.toContain(o.failure.id)

    expect(await dipState()).toEqual(before)
    expect(
      await (await sealed(t.db)).selectFrom('audit_event').select('id').where('person_id', '=', o.personId).execute(),
    ).toEqual([])
  })
})

describe('optimistic concurrency: a stale version gets 409 and changes nothing', () => {
  it('RA2 with the version read before someone else moved the appointment', async () => {
    const { appointment } = await initialAppointment({ day: addDays(today(), 3) })
    const move = (day: string, place: string) => ({
      ...dateFields('appointmentDate', day),
      appointmentTime: '10:00',
      place,
      reason: 'Clash',
      version: String(appointment.version),
    })
    await postForm(dip, `/appointments/${appointment.id}/reschedule`, move(addDays(today(), 4), 'First move')).expect(
      303,
    )
    const moved = await t.db
      .selectFrom('appointment')
      .selectAll()
      .where('id', '=', appointment.id)
      .executeTakeFirstOrThrow()

    const before = await dipState()
    const stale = await postForm(
      dip,
      `/appointments/${appointment.id}/reschedule`,
      move(addDays(today(), 5), 'Second move'),
    )
    expect(stale.status).toBe(409)
    expect(await dipState()).toEqual(before)
    expect(
      await t.db.selectFrom('appointment').selectAll().where('id', '=', appointment.id).executeTakeFirstOrThrow(),
    ).toEqual(moved)
  })

  it('wanted with the version read before the statement was recorded', async () => {
    const { failureId, failure } = await openFailure()
    await postForm(dip, `/failures/${failureId}/statement`, { version: String(failure.version) }).expect(303)
    const current = await failureRow(failureId)

    const before = await dipState()
    const stale = await postForm(iom, `/failures/${failureId}/wanted`, wantedForm(failure.version))
    expect(stale.status).toBe(409)
    expect(await dipState()).toEqual(before)
    expect(await failureRow(failureId)).toEqual(current)
    await postForm(iom, `/failures/${failureId}/wanted`, wantedForm(current.version)).expect(303)
  })

  it('an outcome with the version read before the person was circulated', async () => {
    const { failureId, failure } = await failureWithStatement()
    await postForm(iom, `/failures/${failureId}/wanted`, wantedForm(failure.version)).expect(303)
    const current = await failureRow(failureId)

    const before = await dipState()
    const stale = await postForm(
      iom,
      `/failures/${failureId}/outcome`,
      outcomeForm('arrested', failure.version, 'KD/2/26'),
    )
    expect(stale.status).toBe(409)
    expect(await dipState()).toEqual(before)
    expect(await failureRow(failureId)).toEqual(current)
  })
})
