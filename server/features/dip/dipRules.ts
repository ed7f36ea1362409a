import Holidays from 'date-holidays'
import { addDays, addMonths, todayInLondon } from '../../domain/time.ts'
import type { AttendanceOutcome, TestResult } from '../../../db/types.ts'
import { formatDate } from '../../presenters/format.ts'

// The rules of the Drugs Act 2005 and PACE s63B as this service applies them (server/domain/REFERENCE.md, DIP).

// Made once: building an Intl formatter costs about a millisecond, using one a microsecond, and
// every list of appointments asks for UK wall-clock times.
/** UK wall-clock time to the minute, 24-hour: formats as 'YYYY-MM-DD, HH:MM'. */
export const londonWallClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
})

/** The calendar day in the UK of an instant, 'YYYY-MM-DD'. */
export function londonDay(instant: Date): string {
  return todayInLondon(instant)
}

/** The instant of a UK wall-clock time ('YYYY-MM-DD', 'HH:MM'), whatever the clocks are doing. */
export function londonInstant(day: string, time: string): Date {
  const naive = new Date(`${day}T${time}:00Z`)
  const offsetAt = (instant: Date) => {
    const parts = londonWallClock.formatToParts(instant)
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'))
    return asUtc - instant.getTime()
  }
  const firstGuess = new Date(naive.getTime() - offsetAt(naive))
  return new Date(naive.getTime() - offsetAt(firstGuess))
}

/** Whole years of age on a day. */
export function ageOn(dateOfBirth: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(dateOfBirth.slice(0, 4))
  return day.slice(5) < dateOfBirth.slice(5) ? years - 1 : years
}

/** PACE s63B: 18+ when tested on arrest, 14+ when tested on charge, at the time of the sample. */
export function testAgeProblem(
  dateOfBirth: string,
  condition: 'arrest' | 'charge',
  sampleTakenAt: Date,
): string | undefined {
  const age = ageOn(dateOfBirth, londonDay(sampleTakenAt))
  if (condition === 'arrest' && age < 18)
    return `A test on arrest needs the person to be 18 or over; they were ${age} at the sample time`
  if (condition === 'charge' && age < 14)
    return `A test on charge needs the person to be 14 or over; they were ${age} at the sample time`
  return undefined
}

export function isPositive(test: { opiates: TestResult; cocaine: TestResult }): boolean {
  return test.opiates === 'positive' || test.cocaine === 'positive'
}

type Results = { opiates: TestResult; cocaine: TestResult }

/**
 * A disputed test judged on the laboratory's result, drug by drug, where one came back (a drug
 * the laboratory did not test keeps the custody result). The same rule as the database's
 * drug_test_supports_requirement(), which refuses what gets past this; a test keeps them equal.
 */
export function judgedResults(
  test: Results,
  confirmation: { opiates: TestResult | null; cocaine: TestResult | null } | null,
): Results {
  const judged = (custody: TestResult, lab: TestResult | null | undefined) =>
    lab && lab !== 'not_tested' ? lab : custody
  return { opiates: judged(test.opiates, confirmation?.opiates), cocaine: judged(test.cocaine, confirmation?.cocaine) }
}

/**
 * Drugs Act 2005 s9 with PACE s63B: a test supports a requirement to attend while it was not
 * refused and is positive for a specified drug on the judged result. Once the laboratory finds
 * negative every drug that was positive, a requirement imposed on the test falls away.
 */
export function supportsRequirement(
  test: Results & { refused: boolean },
  confirmation: { opiates: TestResult | null; cocaine: TestResult | null } | null,
): boolean {
  return !test.refused && isPositive(judgedResults(test, confirmation))
}

/** RA1: the requirement is imposed in custody after the sample, by now, and before the appointment it sets. */
export function impositionProblem(
  imposedAt: Date,
  sampleTakenAt: Date,
  appointmentAt: Date,
  now: Date,
): string | undefined {
  if (imposedAt < sampleTakenAt) return 'The requirement can only be imposed after the sample was taken'
  if (imposedAt > now) return 'The time the requirement was imposed must be now or in the past'
  if (imposedAt >= appointmentAt) return 'The requirement must be imposed before the appointment it sets'
  return undefined
}

/** Drugs Act 2005 s9: an assessment only follows a positive test, and only for an adult. */
export function assessmentProblem(
  test: { opiates: TestResult; cocaine: TestResult; refused: boolean; sample_taken_at: Date },
  dateOfBirth: string,
): string | undefined {
  if (!isPositive(test)) return 'A required assessment can only follow a positive test for opiates or cocaine'
  if (ageOn(dateOfBirth, londonDay(test.sample_taken_at)) < 18)
    return 'A required assessment can only be imposed on a person aged 18 or over'
  return undefined
}

let holidays: Holidays | undefined
function isBankHoliday(day: string): boolean {
  holidays ??= new Holidays('GB', 'ENG')
  const found = holidays.isHoliday(new Date(`${day}T12:00:00Z`))
  return Array.isArray(found) && found.some((h) => h.type === 'public' || h.type === 'bank')
}

export function isWorkingDay(day: string): boolean {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay()
  return weekday !== 0 && weekday !== 6 && !isBankHoliday(day)
}

/** The n-th working day after a day (England and Wales bank holidays excluded). */
export function workingDaysAfter(day: string, n: number): string {
  let current = day
  let counted = 0
  while (counted < n) {
    current = addDays(current, 1)
    if (isWorkingDay(current)) counted += 1
  }
  return current
}

/** For a disputed test the initial assessment is at least 5 working days after the sample. */
export function earliestInitialAppointment(sampleTakenAt: Date, disputed: boolean): string {
  const sampleDay = londonDay(sampleTakenAt)
  return disputed ? workingDaysAfter(sampleDay, 5) : sampleDay
}

/** Magistrates' Courts Act 1980 s127: a summary offence must be charged within 6 months. */
export function timeBarDate(failureDate: string): string {
  return addMonths(failureDate, 6)
}

/**
 * MCA 1980 s127: the information is laid (a charge, or a summons requisition) on or before the
 * time-bar date; an arrest does not stop the clock. The database refuses the same
 * (dip_failure_charge_within_time_bar).
 */
export function chargeTimeBarProblem(outcome: string, outcomeOn: string, timeBar: string): string | undefined {
  if ((outcome === 'charged' || outcome === 'summonsed') && outcomeOn > timeBar) {
    return `Proceedings had to start by ${formatDate(timeBar)} (six months after the failure, Magistrates' Courts Act 1980 s127): a ${outcome === 'charged' ? 'charge' : 'summons'} after that is out of time`
  }
  return undefined
}

/** An arrested person not yet charged: their lead officer is warned this many days before the time bar. */
export const chargeWarningDays = 14

export function failureSection(kind: 'initial' | 'follow_up'): 's12' | 's14' {
  return kind === 'initial' ? 's12' : 's14'
}

/** s12/s14: failing to attend or to remain, without good cause, is the offence. */
export function isFailure(outcome: AttendanceOutcome, goodCause: boolean): boolean {
  return outcome !== 'attended' && !goodCause
}
