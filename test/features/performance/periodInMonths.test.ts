import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addDays } from '../../../server/domain/time.ts'
import { periodInMonths } from '../../../server/features/performance/performanceRepository.ts'

// A report's period is read as its whole months from the month tally and the days at either end
// from the day tally (decision 0139): every day of the period must be counted once, none twice.

const day = fc.integer({ min: 0, max: 3 * 366 }).map((n) => addDays('2024-01-01', n))

describe('a period split into whole months and the days either side', () => {
  it('covers each day from..to exactly once, and the months are whole', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 800 }), (from, length) => {
        const to = addDays(from, length)
        const { headTo, monthFrom, monthTo, tailFrom } = periodInMonths(from, to)
        expect(monthFrom.endsWith('-01') && monthTo.endsWith('-01')).toBe(true)
        expect(monthFrom <= monthTo).toBe(true)
        const notOnce: string[] = []
        for (let d = from; d <= to; d = addDays(d, 1)) {
          const parts = [d >= from && d < headTo, d >= monthFrom && d < monthTo, d >= tailFrom && d <= to]
          if (parts.filter(Boolean).length !== 1) notOnce.push(d)
        }
        expect(notOnce).toEqual([])
        // Nothing outside the period is read: the months, where there are any, lie within it.
        expect(headTo <= addDays(to, 1) && tailFrom >= from).toBe(true)
        expect(monthFrom === monthTo || (monthFrom >= from && monthTo <= addDays(to, 1))).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('reads a calendar year as twelve months and a year to a mid-month day as eleven months and two ends', () => {
    expect(periodInMonths('2026-01-01', '2026-12-31')).toEqual({
      headTo: '2026-01-01',
      monthFrom: '2026-01-01',
      monthTo: '2027-01-01',
      tailFrom: '2027-01-01',
    })
    expect(periodInMonths('2025-12-07', '2026-12-06')).toEqual({
      headTo: '2026-01-01',
      monthFrom: '2026-01-01',
      monthTo: '2026-12-01',
      tailFrom: '2026-12-01',
    })
    expect(periodInMonths('2026-03-05', '2026-03-20')).toEqual({
      headTo: '2026-03-21',
      monthFrom: '2026-03-01',
      monthTo: '2026-03-01',
      tailFrom: '2026-03-21',
    })
  })
})
