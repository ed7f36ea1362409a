import { describe, expect, it } from 'vitest'
import {
  ageOn,
  assessmentProblem,
  earliestInitialAppointment,
  failureSection,
  isFailure,
  isPositive,
  isWorkingDay,
  londonDay,
  londonInstant,
  testAgeProblem,
  timeBarDate,
  workingDaysAfter,
} from '../../../server/features/dip/dipRules.ts'
import type { TestResult } from '../../../db/types.ts'

// The pure DIP rules, against dates worked out by hand from the 2026/27 calendars
// (1 January 2026 is a Thursday; Easter Sunday 2026 is 5 April; Christmas Day 2026 is a Friday).

describe('age on a day', () => {
  it('counts whole years, turning a year older on the birthday and not the day before', () => {
    expect(ageOn('2008-03-10', '2026-03-09')).toBe(17)
    expect(ageOn('2008-03-10', '2026-03-10')).toBe(18)
    expect(ageOn('2008-03-10', '2026-12-31')).toBe(18)
  })

  it('a person born on 29 February turns a year older on 1 March in a common year', () => {
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17)
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18)
    expect(ageOn('2008-02-29', '2028-02-29')).toBe(20)
  })
})

describe('the UK calendar day of an instant', () => {
  it('is the London day, not the UTC day, in summer time', () => {
    expect(londonDay(new Date('2026-07-14T23:30:00Z'))).toBe('2026-07-15')
    expect(londonDay(new Date('2026-07-14T22:59:00Z'))).toBe('2026-07-14')
  })

  it('is the UTC day in winter, when London is on GMT', () => {
    expect(londonDay(new Date('2026-01-14T23:30:00Z'))).toBe('2026-01-14')
  })

  it('London wall-clock times become the right instants either side of the clocks changing', () => {
    expect(londonInstant('2026-07-15', '00:30').toISOString()).toBe('2026-07-14T23:30:00.000Z')
    expect(londonInstant('2026-01-15', '00:30').toISOString()).toBe('2026-01-15T00:30:00.000Z')
    expect(londonInstant('2026-03-30', '09:00').toISOString()).toBe('2026-03-30T08:00:00.000Z')
    expect(londonInstant('2026-10-26', '09:00').toISOString()).toBe('2026-10-26T09:00:00.000Z')
  })
})

describe('who may be tested (PACE s63B)', () => {
  const sampleAt = londonInstant('2026-03-10', '09:00')

  it('on arrest: refused the day before the 18th birthday, allowed on it', () => {
    expect(testAgeProblem('2008-03-11', 'arrest', sampleAt)).toBe(
      'A test on arrest needs the person to be 18 or over; they were 17 at the sample time',
    )
    expect(testAgeProblem('2008-03-10', 'arrest', sampleAt)).toBeUndefined()
    expect(testAgeProblem('1985-03-02', 'arrest', sampleAt)).toBeUndefined()
  })

  it('on charge: refused the day before the 14th birthday, allowed on it and at 15 or 17', () => {
    expect(testAgeProblem('2012-03-11', 'charge', sampleAt)).toBe(
      'A test on charge needs the person to be 14 or over; they were 13 at the sample time',
    )
    expect(testAgeProblem('2012-03-10', 'charge', sampleAt)).toBeUndefined()
    expect(testAgeProblem('2011-01-20', 'charge', sampleAt)).toBeUndefined()
    expect(testAgeProblem('2008-03-11', 'charge', sampleAt)).toBeUndefined()
  })

  it('the age is taken on the UK day of the sample: 00:30 on the birthday in summer is already the birthday', () => {
    const justAfterMidnight = londonInstant('2026-07-15', '00:30')
    expect(testAgeProblem('2008-07-15', 'arrest', justAfterMidnight)).toBeUndefined()
    expect(testAgeProblem('2008-07-16', 'arrest', justAfterMidnight)).toContain('they were 17')
    const lateEvening = londonInstant('2026-07-14', '23:59')
    expect(testAgeProblem('2008-07-15', 'arrest', lateEvening)).toContain('they were 17')
  })
})

describe('when an assessment may be required (Drugs Act 2005 s9)', () => {
  const sampleTakenAt = londonInstant('2026-03-10', '09:00')
  const adult = '1985-03-02'
  const test = (opiates: TestResult, cocaine: TestResult, refused = false) => ({
    opiates,
    cocaine,
    refused,
    sample_taken_at: sampleTakenAt,
  })
  const notPositive = 'A required assessment can only follow a positive test for opiates or cocaine'

  it.each([
    ['opiates', test('positive', 'negative')],
    ['cocaine', test('not_tested', 'positive')],
    ['both', test('positive', 'positive')],
  ])('follows a test positive for %s, for an adult', (_drug, positive) => {
    expect(isPositive(positive)).toBe(true)
    expect(assessmentProblem(positive, adult)).toBeUndefined()
  })

  it.each([
    ['negative for both', test('negative', 'negative')],
    ['not tested for either', test('not_tested', 'not_tested')],
    ['negative and not tested', test('negative', 'not_tested')],
    ['refused', test('not_tested', 'not_tested', true)],
  ])('is refused after a test %s', (_case, notPositiveTest) => {
    expect(isPositive(notPositiveTest)).toBe(false)
    expect(assessmentProblem(notPositiveTest, adult)).toBe(notPositive)
  })

  it('is refused for a 17-year-old tested on charge, even when positive, and allowed from the 18th birthday', () => {
    expect(assessmentProblem(test('positive', 'positive'), '2008-03-11')).toBe(
      'A required assessment can only be imposed on a person aged 18 or over',
    )
    expect(assessmentProblem(test('positive', 'positive'), '2008-03-10')).toBeUndefined()
  })
})

describe('working days, England and Wales', () => {
  it('weekends are not working days', () => {
    expect(isWorkingDay('2026-03-06')).toBe(true) // Friday
    expect(isWorkingDay('2026-03-07')).toBe(false) // Saturday
    expect(isWorkingDay('2026-03-08')).toBe(false) // Sunday
    expect(isWorkingDay('2026-03-09')).toBe(true) // Monday
  })

  it('England and Wales bank holidays, including substitute days, are not working days', () => {
    for (const day of [
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28',
      '2027-01-01',
    ]) {
      expect(isWorkingDay(day), day).toBe(false)
    }
  })

  it('Scottish-only bank holidays and Christmas Eve are working days in England and Wales', () => {
    expect(isWorkingDay('2026-01-02')).toBe(true) // 2 January: Scotland only
    expect(isWorkingDay('2026-08-03')).toBe(true) // first Monday of August: Scotland only
    expect(isWorkingDay('2026-11-30')).toBe(true) // St Andrew's Day: Scotland only
    expect(isWorkingDay('2026-12-24')).toBe(true)
  })

  it('across a weekend: 5 working days after Friday 6 March 2026 is Friday 13 March; 1 after Saturday is Monday', () => {
    expect(workingDaysAfter('2026-03-06', 5)).toBe('2026-03-13')
    expect(workingDaysAfter('2026-03-07', 1)).toBe('2026-03-09')
    expect(workingDaysAfter('2026-03-09', 4)).toBe('2026-03-13')
  })

  it('across Easter 2026: 5 working days after Wednesday 1 April is Friday 10 April', () => {
    // Thu 2 (1), Good Friday 3, weekend, Easter Monday 6, Tue 7 (2), Wed 8 (3), Thu 9 (4), Fri 10 (5)
    expect(workingDaysAfter('2026-04-01', 4)).toBe('2026-04-09')
    expect(workingDaysAfter('2026-04-01', 5)).toBe('2026-04-10')
    expect(workingDaysAfter('2026-04-02', 1)).toBe('2026-04-07')
  })

  it('across Christmas 2026: 5 working days after Wednesday 23 December is Monday 4 January 2027', () => {
    // Thu 24 (1), Christmas Fri 25, weekend, Boxing Day substitute Mon 28, Tue 29 (2), Wed 30 (3),
    // Thu 31 (4), New Year's Day Fri 1, weekend, Mon 4 (5)
    expect(workingDaysAfter('2026-12-23', 1)).toBe('2026-12-24')
    expect(workingDaysAfter('2026-12-23', 2)).toBe('2026-12-29')
    expect(workingDaysAfter('2026-12-23', 4)).toBe('2026-12-31')
    expect(workingDaysAfter('2026-12-23', 5)).toBe('2027-01-04')
    expect(workingDaysAfter('2026-12-24', 5)).toBe('2027-01-05')
  })

  it('zero working days after a day is the day itself', () => {
    expect(workingDaysAfter('2026-03-07', 0)).toBe('2026-03-07')
  })
})

describe('the earliest initial assessment', () => {
  it('for a disputed test is the 5th working day after the UK day of the sample', () => {
    expect(earliestInitialAppointment(londonInstant('2026-04-01', '10:00'), true)).toBe('2026-04-10')
    expect(earliestInitialAppointment(londonInstant('2026-12-23', '16:45'), true)).toBe('2027-01-04')
    // 00:30 on Thursday 2 April in London is still Wednesday 1 April in UTC: count from the Thursday.
    expect(earliestInitialAppointment(londonInstant('2026-04-02', '00:30'), true)).toBe('2026-04-13')
  })

  it('for an undisputed test is the day of the sample', () => {
    expect(earliestInitialAppointment(londonInstant('2026-04-01', '10:00'), false)).toBe('2026-04-01')
  })
})

describe('failures (s12, s14) and the six-month time bar (MCA 1980 s127)', () => {
  it('only did-not-attend or left-early without good cause is a failure', () => {
    expect(isFailure('did_not_attend', false)).toBe(true)
    expect(isFailure('left_early', false)).toBe(true)
    expect(isFailure('did_not_attend', true)).toBe(false)
    expect(isFailure('left_early', true)).toBe(false)
    expect(isFailure('attended', false)).toBe(false)
    expect(isFailure('attended', true)).toBe(false)
  })

  it('a failure at the initial assessment is s12, at the follow-up s14', () => {
    expect(failureSection('initial')).toBe('s12')
    expect(failureSection('follow_up')).toBe('s14')
  })

  it('the time bar is six calendar months on, held to the end of a shorter month', () => {
    expect(timeBarDate('2026-05-26')).toBe('2026-11-26')
    expect(timeBarDate('2026-09-15')).toBe('2027-03-15')
    expect(timeBarDate('2026-08-31')).toBe('2027-02-28')
    expect(timeBarDate('2027-08-31')).toBe('2028-02-29')
    expect(timeBarDate('2026-12-31')).toBe('2027-06-30')
  })
})
