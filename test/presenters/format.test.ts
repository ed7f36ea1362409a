import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatDate } from '../../server/presenters/format.ts'

// formatDate spells a well-formed day out from its digits; what it must give is what Intl gives.
const intl = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' })
const byIntl = (value: string) => {
  const parsed = new Date(`${value}T00:00:00Z`)
  return Number.isNaN(parsed.getTime()) ? value : intl.format(parsed)
}
const twoDigits = (n: number) => String(n).padStart(2, '0')

describe('formatDate', () => {
  it('spells every day from year 1000 to 9999 as Intl does', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        (instant) => {
          const day = instant.toISOString().slice(0, 10)
          expect(formatDate(day)).toBe(byIntl(day))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('gives what Intl gives for any digits in the shape of a day, impossible ones included', () => {
    const digits = fc.tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
    )
    fc.assert(
      fc.property(digits, ([year, month, day]) => {
        const value = `${String(year).padStart(4, '0')}-${twoDigits(month)}-${twoDigits(day)}`
        expect(formatDate(value)).toBe(byIntl(value))
      }),
      { numRuns: 2000 },
    )
  })

  it('knows leap years and month ends', () => {
    expect(formatDate('2024-02-29')).toBe('29 February 2024')
    expect(formatDate('1900-02-28')).toBe('28 February 1900')
    expect(formatDate('2000-02-29')).toBe('29 February 2000')
    expect(formatDate('2026-11-30')).toBe('30 November 2026')
    expect(formatDate('2026-12-31')).toBe('31 December 2026')
    // Not a day, but Date rolls it over: the answer is Intl's, as it always was.
    expect(formatDate('1900-02-29')).toBe(byIntl('1900-02-29'))
  })

  it('returns anything that is not a day as it came, and nothing for nothing', () => {
    expect(formatDate('not a date')).toBe('not a date')
    expect(formatDate('2026-13-01')).toBe('2026-13-01')
    expect(formatDate(null)).toBe('')
    expect(formatDate(undefined)).toBe('')
    expect(formatDate('')).toBe('')
  })
})
