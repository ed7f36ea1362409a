import { describe, expect, it } from 'vitest'
import {
  barChart,
  boroughName,
  boroughOptions,
  change,
  monthChoices,
  monthName,
  perYear,
  presentAsAt,
  presentPackHeading,
  presentPackLists,
  rate,
  wardOptions,
} from '../../server/features/performance/performancePresenter.ts'

// What the performance report and the meeting pack say, worked out from figures and rows without a database.

describe('the figures', () => {
  it('a rate is a percentage to one place, or a dash with nothing to divide by', () => {
    expect(rate(1, 3)).toBe('33.3%')
    expect(rate(0, 0)).toBe('—')
  })

  it('a count per person-year is to two places, or a dash with no time', () => {
    expect(perYear(3, 2)).toBe('1.50')
    expect(perYear(3, 0)).toBe('—')
    expect(perYear(3, Number.POSITIVE_INFINITY)).toBe('—')
  })

  it('a change is in words, never a sign', () => {
    expect(change(2, 1)).toBe('50% lower')
    expect(change(1, 1.094)).toBe('9.4% higher')
    expect(change(1, 1)).toBe('no change')
    expect(change(0, 1)).toBe('—')
  })

  it('a bar chart describes its figures for screen readers', () => {
    const chart = barChart('c', 'Tests', [
      { label: 'Oct 26', value: 2 },
      { label: 'Nov 26', value: 4 },
    ])
    expect(chart.description).toBe('Oct 26: 2; Nov 26: 4.')
    expect(chart.max).toBe(4)
    expect(chart.bars.map((b) => b.height)).toEqual([80, 160])
    expect(barChart('c', 'Tests', []).description).toBe('No data for this period.')
  })
})

describe('monthChoices', () => {
  it('offers this month and the 24 before it, newest first, by name', () => {
    const months = monthChoices('2026-11-26')
    expect(months).toHaveLength(25)
    expect(months[0]).toEqual({ value: '2026-11', text: 'November 2026' })
    expect(months[1]).toEqual({ value: '2026-10', text: 'October 2026' })
    expect(months[24]).toEqual({ value: '2024-11', text: 'November 2024' })
  })

  it('adds an older month a link names, last; anything else is left out', () => {
    expect(monthChoices('2026-11-26', '2020-01').at(-1)).toEqual({ value: '2020-01', text: 'January 2020' })
    expect(monthChoices('2026-11-26', '2026-10')).toHaveLength(25)
    expect(monthChoices('2026-11-26', 'January')).toHaveLength(25)
    expect(monthName('2026-02')).toBe('February 2026')
  })
})

describe('the place filters', () => {
  it('offer all boroughs, and all wards with their borough', () => {
    expect(boroughOptions([{ id: 'a1', name: 'Havering' }])).toEqual([
      { value: '', text: 'All boroughs' },
      { value: 'a1', text: 'Havering' },
    ])
    expect(wardOptions([{ id: 'w1', name: 'Harold Wood', borough_name: 'Havering' }])).toEqual([
      { value: '', text: 'All wards' },
      { value: 'w1', text: 'Harold Wood (Havering)' },
    ])
  })
})

describe('boroughName', () => {
  it('names the borough chosen, or all of them', () => {
    const boroughs = [{ id: 'a1', name: 'Havering' }]
    expect(boroughName(boroughs, 'a1')).toBe('Havering')
    expect(boroughName(boroughs, undefined)).toBe('All boroughs')
    expect(boroughName(boroughs, 'a2')).toBe('All boroughs')
  })
})

describe('presentAsAt', () => {
  it('says how old cached figures are, and nothing when figures are never cached', () => {
    const computedAt = new Date('2026-11-26T14:05:00Z')
    expect(presentAsAt(computedAt, 10)).toEqual({ time: '26 Nov 2026, 14:05', minutes: 10 })
    expect(presentAsAt(computedAt, 0)).toBeUndefined()
  })
})

describe('the meeting pack', () => {
  it('heads the pack with the month, the borough, and when and by whom it was printed', () => {
    expect(
      presentPackHeading(
        '2026-10',
        'Havering',
        { at: new Date('2026-11-26T14:05:00Z'), by: 'Sam Supervisor' },
        new Date('2026-11-26T14:00:00Z'),
      ),
    ).toEqual({
      title: 'Meeting pack: Oct 26',
      month: 'October 2026',
      borough: 'Havering',
      printedAt: '26 Nov 2026, 14:05',
      figuresAsAt: '26 Nov 2026, 14:00',
      printedBy: 'Sam Supervisor',
    })
  })

  it('lists what awaits a decision, each person by name with the dates in words', () => {
    const named = { person_id: 'p1', surname: 'Okafor', forenames: 'Daniel', pnc_id: '2019/0000001Z' }
    const failure = { ...named, section: 's12', failure_date: '2026-11-02', time_bar_date: '2027-05-02' }
    const shown = presentPackLists({
      // Late in the evening of 31 October in London is already 1 November in UTC: the day is London's.
      referrals: [{ ...named, programme: 'dip', referred_at: new Date('2026-10-31T23:30:00Z') }],
      proposals: [{ ...failure, status: 'proposed' }],
      statements: [failure],
      reviews: [{ id: 'p2', surname: 'Smith', forenames: 'Jo', pnc_id: null, review_on: '2026-11-01' }],
    })
    const failureShown = {
      personId: 'p1',
      name: 'OKAFOR, Daniel',
      pnc: '2019/0000001Z',
      section: 's12',
      failureOn: '2 November 2026',
      timeBar: '2 May 2027',
    }
    expect(shown).toEqual({
      referrals: [
        {
          personId: 'p1',
          name: 'OKAFOR, Daniel',
          pnc: '2019/0000001Z',
          programme: 'DIP',
          referredOn: '31 October 2026',
        },
      ],
      proposals: [{ ...failureShown, status: 'proposed' }],
      statements: [failureShown],
      reviews: [{ personId: 'p2', name: 'SMITH, Jo', pnc: null, reviewOn: '1 November 2026' }],
    })
  })
})
