import { faker } from '@faker-js/faker/locale/en_GB'
import Holidays from 'date-holidays'
import type { Insertable } from 'kysely'
import type { AttendanceOutcome, Database, FailureEventKind, TestResult } from '../types.ts'
import { addDays } from '../../server/domain/time.ts'
import {
  earliestInitialAppointment,
  londonDay,
  londonInstant,
  timeBarDate,
} from '../../server/features/dip/dipRules.ts'

// The building blocks of the demo DIP chain. Each step writes its rows the way the service
// would (RA1 → RA2 → RA3 → RA4/RA5 → s12/s14 failure → history), so the rows obey its rules.

type Row<T extends keyof Database> = Insertable<Database[T]>
export type Borough = 'HV' | 'BD' | 'RB'
export type DipPerson = { id: string; dateOfBirth: string; borough: Borough; createdAt: Date }
export type DipUsers = { dip: string; iom: string }
export type Results = {
  opiates: TestResult
  cocaine: TestResult
  refused?: boolean
  disputed?: boolean
  condition?: 'arrest' | 'charge'
}
/** earliestDay: the first day the initial assessment may be (5 working days on when disputed). */
export type Test = { id: string; person: DipPerson; sampleAt: Date; disputed: boolean; earliestDay: string }
export type Assessment = { id: string; person: DipPerson; test: Test; imposedAt: Date; row: Row<'required_assessment'> }
export type Appointment = {
  id: string
  assessment: Assessment
  kind: 'initial' | 'follow_up'
  at: Date
  recordedAt?: Date
}
export type FailureStep = {
  kind:
    | 'statement_produced'
    | 'circulated_wanted'
    | 'arrested'
    | 'charged'
    | 'summonsed'
    | 'no_further_action'
    | 'withdrawn'
  after: number
  note?: string
}

export const int = (min: number, max: number) => faker.number.int({ min, max })
export const pick = <T>(items: readonly T[]): T => faker.helpers.arrayElement(items)
export const chance = (probability: number) => faker.datatype.boolean({ probability })
const pad = (n: number) => String(n).padStart(2, '0')
export const plusMinutes = (t: Date, minutes: number) => new Date(t.getTime() + minutes * 60_000)
const earliestOf = (...ts: Date[]) => new Date(Math.min(...ts.map((t) => t.getTime())))
const latestOf = (...ts: Date[]) => new Date(Math.max(...ts.map((t) => t.getTime())))

// The same calendar as dipRules' isWorkingDay (England and Wales bank holidays), read a year
// at a time: asking day by day is slow and the seed asks hundreds of times. Disputed tests'
// earliest appointments still go through workingDaysAfter (earliestInitialAppointment) itself.
const bankHolidays = new Map<number, Set<string>>()
let calendar: Holidays | undefined
function isWorkingDayFast(day: string): boolean {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay()
  if (weekday === 0 || weekday === 6) return false
  const year = Number(day.slice(0, 4))
  let holidays = bankHolidays.get(year)
  if (!holidays) {
    calendar ??= new Holidays('GB', 'ENG')
    holidays = new Set(
      calendar
        .getHolidays(year)
        .filter((h) => h.type === 'public' || h.type === 'bank')
        .map((h) => h.date.slice(0, 10)),
    )
    bankHolidays.set(year, holidays)
  }
  return !holidays.has(day)
}

/** The n-th working day after a day, counted as workingDaysAfter counts them. */
export function afterWorkingDays(day: string, n: number): string {
  let current = day
  for (let counted = 0; counted < n;) {
    current = addDays(current, 1)
    if (isWorkingDayFast(current)) counted += 1
  }
  return current
}

/** The last working day on or before a day. */
export function workingDayOnOrBefore(day: string): string {
  let current = day
  while (!isWorkingDayFast(current)) current = addDays(current, -1)
  return current
}

/** An office-hours time on the quarter hour. */
export const officeTime = (day: string) => londonInstant(day, `${pad(int(9, 16))}:${pad(pick([0, 15, 30, 45]))}`)

/** Custody never closes, but most samples are taken in the afternoon and evening. */
export const custodyTime = (day: string) =>
  londonInstant(
    day,
    `${pad(
      faker.helpers.weightedArrayElement([
        { value: int(0, 7), weight: 1 },
        { value: int(8, 13), weight: 3 },
        { value: int(14, 23), weight: 6 },
      ]),
    )}:${pad(int(0, 59))}`,
  )

/**
 * Seven office-hours times today, ascending, whatever the time the demo is seeded: in the working
 * day up to four already past and the rest to come, so the list has both; before the office opens
 * all seven are to come, and after it closes all are past. Today keeps its appointments even at
 * a weekend, since the demo promises some dated today, but never outside office hours.
 */
export function todaySlots(today: string, now: Date, wantPast = 4, total = 7): Date[] {
  const office = ['09:15', '10:00', '10:45', '11:30', '12:15', '13:30', '14:15', '15:00', '15:45', '16:30'].map((t) =>
    londonInstant(today, t),
  )
  // A slot within a quarter of an hour of now is neither clearly past nor clearly to come.
  const past = office.filter((t) => t <= plusMinutes(now, -15))
  const future = office.filter((t) => t >= plusMinutes(now, 15))
  const pastCount = Math.min(past.length, Math.max(wantPast, total - future.length))
  return [...past.slice(past.length - pastCount), ...future.slice(0, total - pastCount)]
}

const suites: Record<Borough, { value: string; weight: number }[]> = {
  HV: [
    { value: 'ROMFORD', weight: 9 },
    { value: 'FOREST_GATE', weight: 1 },
  ],
  BD: [
    { value: 'FOREST_GATE', weight: 7 },
    { value: 'ROMFORD', weight: 3 },
  ],
  RB: [
    { value: 'ILFORD', weight: 17 },
    { value: 'FOREST_GATE', weight: 3 },
  ],
}
const suitePrefix: Record<string, string> = { ROMFORD: 'KD', FOREST_GATE: 'KF', ILFORD: 'JI' }
const offenceWeights: Record<string, number> = {
  THEFT: 30,
  BURGLARY: 10,
  ROBBERY: 6,
  POSSESSION_A: 14,
  PWITS_A: 4,
  SUPPLY_A: 2,
  HANDLING: 5,
  TWOC: 3,
  GOING_EQUIPPED: 3,
  FRAUD: 3,
  BEGGING: 2,
  ATT_THEFT: 3,
  ATT_BURGLARY: 2,
}
const places: Record<Borough, string[]> = {
  HV: ['DIP office, Romford police station', 'Havering drug and alcohol service, South Street, Romford'],
  BD: ['Barking and Dagenham drug and alcohol service, Barking', 'DIP office, Dagenham'],
  RB: ['Redbridge drug and alcohol service, Ilford', 'DIP office, Ilford police station'],
}
const postponedReasons = [
  'Person admitted to hospital: new date given in writing on discharge',
  'Assessor off sick: moved to the next free slot and the person told by phone and letter',
  'Clash with a court date: moved at the person’s request, new time given on RA2',
  'Held in custody on another matter on the original date',
]
const broughtForwardReasons = [
  'Brought forward at the person’s request: starting a new job on the original day',
  'An earlier slot came free: the person agreed and was given the new time on RA2',
]
const placeReasons = [
  'Office closed for building works: moved to the other office, new place given on RA2',
  'Moved nearer home: the person has no money for travel',
]
const goodCauseNotes = [
  'Admitted to hospital overnight: discharge letter seen',
  'Held in custody on another matter: custody record checked',
  'Child taken ill: GP letter provided',
  'Attending a funeral: order of service provided',
]

export function createDipPlan(today: string, now: Date, users: DipUsers, offences: string[]) {
  const rows = {
    tests: [] as Row<'drug_test'>[],
    confirmations: [] as Row<'drug_test_confirmation'>[],
    assessments: [] as Row<'required_assessment'>[],
    appointments: [] as Row<'appointment'>[],
    changes: [] as Row<'appointment_change'>[],
    attendances: [] as Row<'attendance'>[],
    failures: [] as Row<'dip_failure'>[],
    events: [] as Row<'dip_failure_event'>[],
  }
  const assessor = () => `${faker.person.firstName()} ${faker.person.lastName()}`
  const assessors = { HV: [assessor(), assessor()], BD: [assessor()], RB: [assessor()] }
  const offenceChoices = offences.map((code) => ({ value: code, weight: offenceWeights[code] ?? 1 }))
  const notAfterNow = (t: Date) => earliestOf(t, plusMinutes(now, -1))
  let custodySeq = int(100, 5000)
  const custodyNumber = (suite: string, at: Date) => {
    custodySeq += 1
    return `${suitePrefix[suite] ?? 'XX'}/${String(10000 + ((custodySeq * 7919) % 89999)).padStart(5, '0')}/${londonDay(at).slice(2, 4)}`
  }

  function test(person: DipPerson, sampleAt: Date, results: Results): Test {
    const id = faker.string.uuid()
    const suite = faker.helpers.weightedArrayElement(suites[person.borough])
    const authorised = chance(0.06) || offenceChoices.length === 0
    rows.tests.push({
      id,
      person_id: person.id,
      custody_suite_code: suite,
      custody_number: custodyNumber(suite, sampleAt),
      condition: results.condition ?? (chance(0.12) ? 'charge' : 'arrest'),
      trigger_offence_code: authorised ? null : faker.helpers.weightedArrayElement(offenceChoices),
      authorised_by: authorised ? `Inspector ${faker.person.lastName()}` : null,
      sample_taken_at: sampleAt,
      opiates: results.refused ? 'not_tested' : results.opiates,
      cocaine: results.refused ? 'not_tested' : results.cocaine,
      refused: results.refused ?? false,
      disputed: results.disputed ?? false,
      recorded_by: chance(0.6) ? users.dip : users.iom,
      recorded_at: notAfterNow(plusMinutes(sampleAt, int(20, 180))),
    })
    const disputed = results.disputed ?? false
    return { id, person, sampleAt, disputed, earliestDay: earliestInitialAppointment(sampleAt, disputed) }
  }

  /** The laboratory's answer to a disputed result, a few working days later, if it has come back. */
  function confirm(t: Test, results: { opiates: TestResult; cocaine: TestResult }): boolean {
    const confirmedOn = afterWorkingDays(londonDay(t.sampleAt), int(3, 5))
    if (confirmedOn >= today) return false
    rows.confirmations.push({
      drug_test_id: t.id,
      opiates: results.opiates,
      cocaine: results.cocaine,
      confirmed_on: confirmedOn,
      recorded_by: users.dip,
      recorded_at: londonInstant(confirmedOn, `${pad(int(9, 16))}:${pad(int(0, 59))}`),
    })
    return true
  }

  function impose(t: Test): Assessment {
    const row: Row<'required_assessment'> = {
      id: faker.string.uuid(),
      person_id: t.person.id,
      drug_test_id: t.id,
      imposed_by: users.iom,
      imposed_at: notAfterNow(plusMinutes(t.sampleAt, int(30, 150))),
    }
    rows.assessments.push(row)
    return { id: row.id as string, person: t.person, test: t, imposedAt: row.imposed_at as Date, row }
  }

  /** An appointment at its final time and place; with `changes`, the RA2 history that led there. */
  function appoint(
    a: Assessment,
    kind: 'initial' | 'follow_up',
    at: Date,
    options: { createdAt: Date; changes?: number; movePlace?: boolean },
  ): Appointment {
    const id = faker.string.uuid()
    const ownPlaces = places[a.person.borough]
    const earliestDay = kind === 'initial' ? a.test.earliestDay : null
    const history = [{ at, place: pick(ownPlaces) }]
    for (let k = 0; k < (options.changes ?? 0); k++) {
      const next = history[0]!
      const nextDay = londonDay(next.at)
      let earlier = officeTime(workingDayOnOrBefore(addDays(nextDay, -int(1, 2))))
      if (earlier <= plusMinutes(options.createdAt, 120) || (earliestDay !== null && londonDay(earlier) < earliestDay))
        earlier = officeTime(afterWorkingDays(nextDay, int(1, 2)))
      const movePlace = options.movePlace ?? chance(0.3)
      history.unshift({
        at: earlier,
        place: movePlace ? (ownPlaces.find((p) => p !== next.place) ?? next.place) : next.place,
      })
    }
    // Each change is made after the booking and before any of the times involved has passed.
    const lo = options.createdAt.getTime()
    const hi = notAfterNow(earliestOf(...history.map((h) => h.at))).getTime()
    const changes = hi > lo ? history.length - 1 : 0
    rows.appointments.push({
      id,
      assessment_id: a.id,
      person_id: a.person.id,
      kind,
      scheduled_at: at,
      place: history[history.length - 1]!.place,
      assessor: pick(assessors[a.person.borough]),
      form: kind === 'initial' ? 'RA1' : 'RA4',
      created_by: kind === 'initial' ? users.iom : users.dip,
      created_at: options.createdAt,
      version: 1 + changes,
    })
    for (let k = 0; k < changes; k++) {
      const before = history[history.length - 1 - changes + k]!
      const after = history[history.length - changes + k]!
      rows.changes.push({
        appointment_id: id,
        previous_scheduled_at: before.at,
        previous_place: before.place,
        new_scheduled_at: after.at,
        new_place: after.place,
        reason:
          before.place !== after.place
            ? pick(placeReasons)
            : after.at < before.at
              ? pick(broughtForwardReasons)
              : pick(postponedReasons),
        changed_by: users.dip,
        changed_at: new Date(lo + ((hi - lo) * (k + 1)) / (changes + 1)),
      })
    }
    return { id, assessment: a, kind, at }
  }

  /** RA3; an attended initial assessment needs followUp() (RA4) or endFollowUp() (RA5) after it. */
  function attend(appt: Appointment, outcome: AttendanceOutcome, goodCause: boolean): Appointment {
    const minutes = outcome === 'attended' ? int(60, 100) : outcome === 'left_early' ? int(20, 40) : int(30, 60)
    const recordedAt = latestOf(appt.at, notAfterNow(plusMinutes(appt.at, minutes)))
    rows.attendances.push({
      appointment_id: appt.id,
      outcome,
      good_cause: outcome !== 'attended' && goodCause,
      good_cause_note: outcome !== 'attended' && goodCause ? pick(goodCauseNotes) : null,
      recorded_by: users.dip,
      recorded_at: recordedAt,
    })
    appt.recordedAt = recordedAt
    return appt
  }

  /** RA4: the follow-up, booked when the initial assessment was recorded as attended. */
  function followUp(initial: Appointment, at: Date, changes = 0): Appointment {
    return appoint(initial.assessment, 'follow_up', at, { createdAt: initial.recordedAt ?? initial.at, changes })
  }

  /** RA5: the follow-up requirement ended at the initial assessment. */
  function endFollowUp(initial: Appointment): void {
    initial.assessment.row.follow_up_ended_on = londonDay(initial.at)
    initial.assessment.row.follow_up_ended_by = users.dip
  }

  /** The s12/s14 failure of an appointment attended without good cause, and its history. */
  function fail(appt: Appointment, steps: FailureStep[]): void {
    const id = faker.string.uuid()
    const failureDate = londonDay(appt.at)
    const createdAt = appt.recordedAt ?? appt.at
    const row: Row<'dip_failure'> = {
      id,
      appointment_id: appt.id,
      person_id: appt.assessment.person.id,
      section: appt.kind === 'initial' ? 's12' : 's14',
      failure_date: failureDate,
      time_bar_date: timeBarDate(failureDate),
      status: 'open',
      statement_produced_on: null,
      wanted_since: null,
      wanted_reference: null,
      version: 1 + steps.length,
      created_at: createdAt,
    }
    rows.failures.push(row)
    rows.events.push({
      failure_id: id,
      kind: 'created',
      event_date: failureDate,
      recorded_by: users.dip,
      recorded_at: createdAt,
    })
    let last = createdAt
    for (const step of steps) {
      const eventDate = addDays(failureDate, step.after)
      last = latestOf(
        plusMinutes(last, 1),
        notAfterNow(londonInstant(eventDate, `${pad(int(9, 17))}:${pad(int(0, 59))}`)),
      )
      const suite = faker.helpers.weightedArrayElement(suites[appt.assessment.person.borough])
      const reference =
        step.kind === 'circulated_wanted'
          ? `PNC/WM/${eventDate.slice(2, 4)}/${String(int(1, 999_999)).padStart(6, '0')}`
          : step.kind === 'arrested'
            ? custodyNumber(suite, last)
            : null
      if (step.kind === 'statement_produced') row.statement_produced_on = eventDate
      else row.status = step.kind === 'circulated_wanted' ? 'wanted' : step.kind
      if (step.kind === 'circulated_wanted') {
        row.wanted_since = eventDate
        row.wanted_reference = reference
      }
      const kind: FailureEventKind = step.kind
      rows.events.push({
        failure_id: id,
        kind,
        event_date: eventDate,
        reference,
        note: step.note ?? null,
        recorded_by: kind === 'statement_produced' ? users.dip : users.iom,
        recorded_at: last,
      })
    }
  }

  return { rows, test, confirm, impose, appoint, attend, followUp, endFollowUp, fail }
}

export type DipPlan = ReturnType<typeof createDipPlan>
