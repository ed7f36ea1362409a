import { describe, expect, it } from 'vitest'
import {
  appointmentAsBooked,
  assessmentStartDays,
  presentAppointmentList,
  presentAppointmentPage,
  presentFailurePage,
  presentTestForm,
  presentTestPage,
} from '../../server/features/dip/dipPagePresenter.ts'
import {
  outcomeOptions,
  policeOutcomeOptions,
  resultOptions,
  yesNoOptions,
} from '../../server/features/dip/dipPresenter.ts'

// What each DIP page is given, from records alone: its title, the record in words, and where
// its forms start. A summer instant late in the evening (UTC) is the next day in London.

type TestRecord = Parameters<typeof presentTestPage>[0]
type AppointmentRecord = Parameters<typeof presentAppointmentPage>[0]
type AppointmentRow = Parameters<typeof presentAppointmentList>[0][number]
type FailureRecord = Parameters<typeof presentFailurePage>[0]

const test = (changes: Partial<TestRecord> = {}): TestRecord =>
  ({
    id: 't1',
    person_id: 'p1',
    surname: 'Okafor',
    forenames: 'Daniel',
    sample_taken_at: new Date('2026-11-02T14:10:00Z'),
    opiates: 'positive',
    cocaine: 'negative',
    refused: false,
    refusal_action: null,
    disputed: true,
    confirmation_id: null,
    confirmed_opiates: null,
    confirmed_cocaine: null,
    confirmed_on: null,
    assessment_id: null,
    imposed_at: null,
    fell_away_on: null,
    fell_away_reason: null,
    ...changes,
  }) as unknown as TestRecord

const appointment = (changes: Partial<AppointmentRecord> = {}): AppointmentRecord =>
  ({
    id: 'a1',
    surname: 'Okafor',
    forenames: 'Daniel',
    kind: 'initial',
    scheduled_at: new Date('2026-12-05T10:30:00Z'),
    place: 'CJIT office, Romford',
    attendance_outcome: null,
    version: 3,
    changes: [],
    ...changes,
  }) as unknown as AppointmentRecord

const failure = {
  id: '0a1b2c3d-0000-4000-8000-000000000001',
  version: 2,
  status: 'open',
  section: 's12',
  appointment_kind: 'initial',
  scheduled_at: new Date('2026-11-10T10:00:00Z'),
  place: 'CJIT office, Romford',
  assessor: 'Sam Okafor',
  form: 'RA1',
  outcome: 'did_not_attend',
  surname: 'Chainford',
  forenames: 'Dale',
  date_of_birth: '1985-03-02',
  pnc_id: '2009/0417263X',
  custody_suite_name: 'Romford',
  custody_number: 'KD/12345/26',
  sample_taken_at: new Date('2026-11-02T14:10:00Z'),
  opiates: 'positive',
  cocaine: 'negative',
  confirmed_opiates: null,
  confirmed_cocaine: null,
  confirmed_on: null,
  imposed_at: new Date('2026-11-02T16:45:00Z'),
  imposed_by_officer: 'PC 1234 Jo Bloggs',
  imposed_by_name: null,
  failure_date: '2026-11-10',
  time_bar_date: '2027-05-10',
  statement_produced_on: null,
  wanted_since: null,
  events: [],
} as unknown as FailureRecord

describe('the new drug test form', () => {
  it('offers the custody suites and trigger offences after an empty choice, and the fixed answers', () => {
    const form = presentTestForm({
      suites: [{ code: 'ROM', name: 'Romford' }],
      offences: [{ code: 'THEFT', label: 'Theft' }],
    })
    expect(form.title).toBe('Record a drug test (DT1)')
    expect(form.suiteOptions).toEqual([
      { value: '', text: 'Select a custody suite' },
      { value: 'ROM', text: 'Romford' },
    ])
    expect(form.offenceOptions).toEqual([
      { value: '', text: 'None: authorised by an inspector' },
      { value: 'THEFT', text: 'Theft' },
    ])
    expect(form.conditionOptions).toEqual([
      { value: 'arrest', text: 'On arrest' },
      { value: 'charge', text: 'On charge' },
    ])
    expect(form.resultOptions).toBe(resultOptions)
    expect(form.yesNoOptions).toBe(yesNoOptions)
    expect(form.refusalActionOptions.map((o) => o.value)).toEqual(['charged', 'reported', 'good_cause', 'pending'])
  })
})

describe('the drug test page', () => {
  it('shows the test in words, with the earliest day a disputed test allows for the assessment', () => {
    const page = presentTestPage(test())
    expect(page.title).toBe('Drug test')
    expect(page.resultOptions).toBe(resultOptions)
    expect(page.test).toMatchObject({
      name: 'OKAFOR, Daniel',
      sampleWhen: 'Mon, 2 Nov 2026, 14:10',
      opiatesText: 'Positive',
      earliest: '9 November 2026',
      positive: true,
    })
  })

  it('starts the requirement form on the London day of the sample, and the appointment 5 working days later when disputed', () => {
    const lateEvening = new Date('2026-07-01T23:30:00Z')
    expect(assessmentStartDays({ sample_taken_at: lateEvening, disputed: false })).toEqual({
      imposedDate: '2026-07-02',
      appointmentDate: '2026-07-02',
    })
    expect(assessmentStartDays({ sample_taken_at: lateEvening, disputed: true })).toEqual({
      imposedDate: '2026-07-02',
      appointmentDate: '2026-07-09',
    })
  })
})

describe('the appointments list', () => {
  const row = {
    id: 'a1',
    surname: 'Okafor',
    forenames: 'Daniel',
    kind: 'initial',
    scheduled_at: new Date('2026-12-05T10:30:00Z'),
    outcome: null,
  } as unknown as AppointmentRow
  const now = new Date('2026-12-05T12:00:00Z')

  it('is titled for its range and dated today; the week gives each appointment its day', () => {
    const week = presentAppointmentList([{ ...row }], 'week', '2026-12-05', now)
    expect(week).toMatchObject({ title: "This week's appointments", range: 'week', today: '5 December 2026' })
    expect(week.rows[0]).toMatchObject({ name: 'OKAFOR, Daniel', when: 'Sat, 5 Dec 2026, 10:30', due: true })
    const today = presentAppointmentList([{ ...row }], 'today', '2026-12-05', now)
    expect(today).toMatchObject({ title: "Today's appointments", range: 'today', today: '5 December 2026' })
    expect(today.rows[0]?.when).toBe('10:30')
  })
})

describe('an appointment page', () => {
  it('is titled by the kind of assessment and offers the attendance answers', () => {
    const page = presentAppointmentPage(appointment(), new Date('2026-12-05T10:00:00Z'))
    expect(page.title).toBe('Initial assessment')
    expect(page.appointment).toMatchObject({
      name: 'OKAFOR, Daniel',
      when: 'Sat, 5 Dec 2026, 10:30',
      due: false,
      outcomeLabel: '',
    })
    expect(page.outcomeOptions).toBe(outcomeOptions)
    expect(page.yesNoOptions).toBe(yesNoOptions)
    expect(presentAppointmentPage(appointment({ kind: 'follow_up' }), new Date()).title).toBe('Follow-up assessment')
  })

  it('starts the change form from the appointment as booked, on its London day and time', () => {
    expect(
      appointmentAsBooked({
        scheduled_at: new Date('2026-07-01T23:30:00Z'),
        place: 'CJIT office, Romford',
        version: 3,
      }),
    ).toEqual({
      day: '2026-07-02',
      time: '00:30',
      place: 'CJIT office, Romford',
      version: '3',
    })
  })
})

describe('a failure page', () => {
  it('shows the failure, with what this user may do about it', () => {
    const page = presentFailurePage(failure, '2026-12-05', false, { police: true, statements: false })
    expect(page).toMatchObject({
      title: 'Failure to attend or remain',
      printable: false,
      statement: undefined,
      canPolice: true,
      canStatement: false,
    })
    expect(page.failure).toMatchObject({
      name: 'CHAINFORD, Dale',
      sectionText: 's12 failure: initial assessment',
      statusText: 'Open: awaiting circulation',
      failureDateText: '10 November 2026',
      imposedBy: 'PC 1234 Jo Bloggs',
      timeBar: { date: '10 May 2027', daysLeft: 156, text: '156 days left' },
    })
    expect(page.policeOutcomeOptions).toBe(policeOutcomeOptions)
  })

  it('as the evidential statement, is printable and carries the MG11', () => {
    const page = presentFailurePage(failure, '2026-12-05', true, { police: false, statements: true })
    expect(page).toMatchObject({ title: 'Evidential statement', printable: true, canPolice: false, canStatement: true })
    expect(page.statement).toMatchObject({ witness: 'Sam Okafor', reference: 'DIP failure 0A1B2C3D' })
  })
})
