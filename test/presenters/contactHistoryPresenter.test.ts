import { describe, expect, it } from 'vitest'
import {
  contactOutcomeOptions,
  contactTypeFilterOptionsOf,
  outcomeLabel,
  presentContactHistory,
} from '../../server/features/casework/caseworkPresenter.ts'

// What the contact history and the contact form say about outcomes, worked out from rows
// without a database: the outcome in words, the filter's list of types, and the caption.

const row = (id: string, changes: Partial<Row> = {}): Row => ({
  id,
  contact_date: '2026-11-30',
  type_label: 'Home visit',
  pathway: 'accommodation',
  outcome: 'engaged',
  note: 'Seen at home',
  recorded_by_name: 'PC Jones',
  total_rows: 3,
  ...changes,
})
type Row = {
  id: string
  contact_date: string
  type_label: string
  pathway: string
  outcome: 'engaged' | 'not_seen' | 'refused' | null
  note: string
  recorded_by_name: string | null
  total_rows: number
}

describe('a contact’s outcome', () => {
  it('is in words, and says so when a contact recorded before outcomes were asked for has none', () => {
    expect(outcomeLabel('engaged')).toBe('Engaged')
    expect(outcomeLabel('partially_engaged')).toBe('Partially engaged')
    expect(outcomeLabel('not_seen')).toBe('No answer or not seen')
    expect(outcomeLabel('refused')).toBe('Refused contact')
    expect(outcomeLabel(null)).toBe('Not recorded')
  })

  it('is offered on the form as the six outcomes, best first and "Other" last, each but "Other" explained', () => {
    expect(contactOutcomeOptions.map((o) => [o.value, o.text])).toEqual([
      ['engaged', 'Engaged'],
      ['partially_engaged', 'Partially engaged'],
      ['did_not_engage', 'Did not engage'],
      ['not_seen', 'No answer or not seen'],
      ['refused', 'Refused contact'],
      ['other', 'Other'],
    ])
    expect(contactOutcomeOptions.filter((o) => !o.hint).map((o) => o.value)).toEqual(['other'])
  })
})

describe('the contact history', () => {
  it('filters by any type first, then each type, a retired one marked as no longer used', () => {
    expect(
      contactTypeFilterOptionsOf([
        { code: 'phone', label: 'Phone', active: true },
        { code: 'letter', label: 'Letter', active: false },
      ]),
    ).toEqual([
      { value: '', text: 'Any type' },
      { value: 'phone', text: 'Phone' },
      { value: 'letter', text: 'Letter (no longer used)' },
    ])
  })

  it('shows each row’s date, pathway and outcome in words, and counts every contact', () => {
    const page = presentContactHistory([row('c1'), row('c2', { outcome: null, pathway: 'drugs_alcohol' })], false)
    expect(page.total).toBe(3)
    expect(page.caption).toBe('3 contacts')
    expect(page.contacts).toEqual([
      { ...row('c1'), date: '30 November 2026', pathway: 'Accommodation', outcome: 'Engaged' },
      { ...row('c2'), date: '30 November 2026', pathway: 'Drugs and alcohol', outcome: 'Not recorded' },
    ])
  })

  it('says how many contacts the filters found, in the singular for one, and when there are none', () => {
    expect(presentContactHistory([row('c1', { total_rows: 1 })], true).caption).toBe('1 contact matches the filters')
    expect(presentContactHistory([row('c1', { total_rows: 12 })], true).caption).toBe('12 contacts match the filters')
    expect(presentContactHistory([], true)).toEqual({
      contacts: [],
      total: 0,
      caption: 'No contacts match the filters',
    })
    expect(presentContactHistory([row('c1', { total_rows: 1 })], false).caption).toBe('1 contact')
    expect(presentContactHistory([], false).caption).toBe('No contacts recorded')
  })
})
