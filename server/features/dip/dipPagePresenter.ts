import { formatDate } from '../../presenters/format.ts'
import {
  formatTime,
  outcomeOptions,
  policeOutcomeOptions,
  presentAppointment,
  presentAppointmentRow,
  presentFailure,
  presentTest,
  refusalActionOptions,
  resultOptions,
  yesNoOptions,
} from './dipPresenter.ts'
import { earliestInitialAppointment, londonDay } from './dipRules.ts'
import { presentStatement } from './statementPresenter.ts'

// What each DIP page shows, whole: its title, the record in words and its forms' choices. The
// routes add the form values (dates split for the three inputs) and the errors.

type ReferenceLists = {
  suites: readonly { code: string; name: string }[]
  offences: readonly { code: string; label: string }[]
}

const conditionOptions = [
  { value: 'arrest', text: 'On arrest' },
  { value: 'charge', text: 'On charge' },
]

/** The new drug test form (DT1): the custody suites and trigger offences, each after an empty choice, and the fixed answers. */
export function presentTestForm({ suites, offences }: ReferenceLists) {
  return {
    title: 'Record a drug test (DT1)',
    suiteOptions: [
      { value: '', text: 'Select a custody suite' },
      ...suites.map((s) => ({ value: s.code, text: s.name })),
    ],
    offenceOptions: [
      { value: '', text: 'None: authorised by an inspector' },
      ...offences.map((o) => ({ value: o.code, text: o.label })),
    ],
    conditionOptions,
    resultOptions,
    yesNoOptions,
    refusalActionOptions,
  }
}

/** The drug test page: the test, and the results its confirmation form offers. */
export function presentTestPage(test: Parameters<typeof presentTest>[0]) {
  return { title: 'Drug test', test: presentTest(test), resultOptions }
}

/**
 * The days ('YYYY-MM-DD') the requirement form starts from: imposed on the day of the sample,
 * the initial appointment on the earliest day the law allows after it.
 */
export function assessmentStartDays(test: { sample_taken_at: Date; disputed: boolean }) {
  return {
    imposedDate: londonDay(test.sample_taken_at),
    appointmentDate: earliestInitialAppointment(test.sample_taken_at, test.disputed),
  }
}

/** Today's (or this week's) appointments: the week's list gives each one's day as well as its time. */
export function presentAppointmentList(
  rows: Parameters<typeof presentAppointmentRow>[0][],
  range: 'today' | 'week',
  today: string,
  now: Date,
) {
  return {
    title: range === 'week' ? "This week's appointments" : "Today's appointments",
    range,
    today: formatDate(today),
    rows: rows.map((r) => presentAppointmentRow(r, range, now)),
  }
}

/** An appointment's page: the appointment, and the choices of its attendance form (RA3). */
export function presentAppointmentPage(appointment: Parameters<typeof presentAppointment>[0], now: Date) {
  return {
    title: appointment.kind === 'initial' ? 'Initial assessment' : 'Follow-up assessment',
    appointment: presentAppointment(appointment, now),
    outcomeOptions,
    yesNoOptions,
  }
}

/** The change form (RA2) starts from the appointment as booked: its day ('YYYY-MM-DD'), time and place, and the version read. */
export function appointmentAsBooked(a: { scheduled_at: Date; place: string; version: number }) {
  return {
    day: londonDay(a.scheduled_at),
    time: formatTime(a.scheduled_at),
    place: a.place,
    version: String(a.version),
  }
}

/**
 * A failure's page, or its evidential statement (printable, without the navigation), with what
 * the user may do about it: the police record its outcomes, the DIP team its statement.
 */
export function presentFailurePage(
  failure: Parameters<typeof presentFailure>[0],
  today: string,
  asStatement: boolean,
  may: { police: boolean; statements: boolean },
) {
  return {
    title: asStatement ? 'Evidential statement' : 'Failure to attend or remain',
    printable: asStatement,
    failure: presentFailure(failure, today),
    statement: asStatement ? presentStatement(failure) : undefined,
    canPolice: may.police,
    canStatement: may.statements,
    policeOutcomeOptions,
  }
}
