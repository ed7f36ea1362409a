import Holidays from 'date-holidays'
import { addDays, addMonths, todayInLondon } from '../../http/dates.ts'
import type { AttendanceOutcome, TestResult } from '../../../db/types.ts'

// The rules of the Drugs Act 2005 and PACE s63B as this service applies them (domain.md, DIP).

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
export function testAgeProblem(dateOfBirth: string, condition: 'arrest' | 'charge', sampleTakenAt: Date): string | undefined {
  const age = ageOn(dateOfBirth, londonDay(sampleTakenAt))
  if (condition === 'arrest' && age < 18) return `A test on arrest needs the person to be 18 or over; they were ${age} at the sample time`
  if (condition === 'charge' && age < 14) return `A test on charge needs the person to be 14 or over; they were ${age} at the sample time`
  return undefined
}

export function isPositive(test: { opiates: TestResult; cocaine: TestResult }): boolean {
  return test.opiates === 'positive' || test.cocaine === 'positive'
}

/** Drugs Act 2005 s9: an assessment only follows a positive test, and only for an adult. */
export function assessmentProblem(test: { opiates: TestResult; cocaine: TestResult; refused: boolean; sample_taken_at: Date }, dateOfBirth: string): string | undefined {
  if (!isPositive(test)) return 'A required assessment can only follow a positive test for opiates or cocaine'
  if (ageOn(dateOfBirth, londonDay(test.sample_taken_at)) < 18) return 'A required assessment can only be imposed on a person aged 18 or over'
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

export function failureSection(kind: 'initial' | 'follow_up'): 's12' | 's14' {
  return kind === 'initial' ? 's12' : 's14'
}

/** s12/s14: failing to attend or to remain, without good cause, is the offence. */
export function isFailure(outcome: AttendanceOutcome, goodCause: boolean): boolean {
  return outcome !== 'attended' && !goodCause
}
