import { describe, expect, it } from 'vitest'
import {
  cidCsvHeader,
  cidCsvRow,
  cidFilterOptions,
  presentCidList,
  presentCidRow,
  presentProposal,
  presentQueue,
} from '../../server/features/cid/cidPresenter.ts'
import type { CidRow } from '../../server/features/cid/cidRepository.ts'

// What the CID pages say, worked out from rows without a database: the words, the urgency, the
// two-person rule and the expiry of a hand-off past its time bar.

const row = (changes: Partial<CidRow> = {}): CidRow => ({
  id: 'e1',
  version: 1,
  status: 'countersigned',
  reason: 'Wanted for an s12 DIP failure, with a current violent marker',
  source: 'system',
  decided_at: null,
  rationale: null,
  person_id: 'p1',
  pnc_id: '2019/0000001Z',
  surname: 'Okafor',
  forenames: 'Daniel James',
  date_of_birth: '1990-03-04',
  address: null,
  ward_name: null,
  area_name: 'Havering',
  failure_id: 'f1',
  section: 's12',
  failure_date: '2026-11-02',
  wanted_since: '2026-11-10',
  wanted_reference: null,
  time_bar_date: '2027-05-02',
  days_left: 148,
  markers: 'Violent;Weapons',
  last_violence_marker: null,
  lead_officer: null,
  partner_links: '',
  statement_produced_on: '2026-11-09',
  countersigned_by: null,
  proposed_by_name: null,
  ...changes,
})

type QueueRow = Parameters<typeof presentQueue>[0][number]
const queued = (changes: Partial<QueueRow>): QueueRow =>
  ({
    ...row(),
    status: 'proposed',
    proposed_at: new Date('2026-11-10T09:30:00Z'),
    proposed_by: 'u-proposer',
    circulated_by: 'u-circulator',
    failure_status: 'wanted',
    ...changes,
  }) as QueueRow

describe('the CID list row', () => {
  it('spells the failure, the dates and the markers, and is urgent at 30 days or fewer to the time bar', () => {
    const shown = presentCidRow(row())
    expect(shown).toMatchObject({
      failure: 'S12 2 November 2026',
      dateOfBirth: '4 March 1990',
      wantedSince: '10 November 2026',
      timeBar: '2 May 2027',
      markerList: ['Violent', 'Weapons'],
      urgent: false,
    })
    expect(shown.name).toContain('OKAFOR')
    expect(presentCidRow(row({ days_left: 30 })).urgent).toBe(true)
    expect(presentCidRow(row({ days_left: 31 })).urgent).toBe(false)
    expect(presentCidRow(row({ markers: '' })).markerList).toEqual([])
  })
})

describe('the supervisor’s queue', () => {
  it('says on the page who may not countersign, under the two-person rule', () => {
    const rows = [queued({ id: 'a', proposed_by: 'me' }), queued({ id: 'b', circulated_by: 'me' }), queued({ id: 'c' })]
    const { proposals } = presentQueue(rows, 'me', '2026-12-05')
    expect(proposals.map((p) => [p.id, p.notYours])).toEqual([
      ['a', 'You proposed this hand-off'],
      ['b', 'You circulated this failure as wanted'],
      ['c', ''],
    ])
  })

  it('sorts entries into proposals, suspended entries and entries to close, and marks those past the time bar or no longer wanted as expired', () => {
    const rows = [
      queued({ id: 'p' }),
      queued({ id: 's', status: 'suspended' }),
      queued({ id: 'old', time_bar_date: '2026-12-04' }),
      queued({ id: 'charged', failure_status: 'charged' }),
      queued({ id: 'close', status: 'countersigned' }),
      queued({ id: 'arrested', status: 'arrested' }),
    ]
    const shown = presentQueue(rows, 'me', '2026-12-05')
    expect(shown.proposals.map((p) => [p.id, p.expired])).toEqual([
      ['p', false],
      ['old', true],
      ['charged', true],
    ])
    expect(shown.suspended.map((p) => p.id)).toEqual(['s'])
    expect(shown.forClosure.map((p) => p.id)).toEqual(['close', 'arrested'])
  })
})

describe('the manual proposal', () => {
  it('offers each current violent or weapons marker with its start, review date and note', () => {
    const failure = {
      ...row(),
      violenceMarkers: [
        {
          id: 'm1',
          marker_code: 'violent',
          label: 'Violent',
          start_date: '2025-01-15',
          review_date: '2026-01-15',
          note: 'Assault on staff',
        },
        { id: 'm2', marker_code: 'weapons', label: 'Weapons', start_date: '2026-06-01', review_date: null, note: null },
      ],
    } as unknown as Parameters<typeof presentProposal>[0]
    expect(presentProposal(failure).markerOptions).toEqual([
      { value: 'm1', text: 'Violent, since 15 January 2025', hint: 'Review 15 January 2026. Assault on staff' },
      { value: 'm2', text: 'Weapons, since 1 June 2026', hint: undefined },
    ])
  })
})

describe('the CID list page', () => {
  it('offers every borough and ward after an "all" choice, naming each ward with its borough', () => {
    const options = cidFilterOptions({
      boroughs: [{ id: 'b1', name: 'Havering' }],
      wards: [{ id: 'w1', name: 'Romford Town', borough_name: 'Havering' }],
    })
    expect(options).toEqual({
      areaOptions: [
        { value: '', text: 'All boroughs' },
        { value: 'b1', text: 'Havering' },
      ],
      wardOptions: [
        { value: '', text: 'All wards' },
        { value: 'w1', text: 'Romford Town (Havering)' },
      ],
    })
  })

  it('is titled, dated today, and shows each row in words', () => {
    const page = presentCidList([row()], '2026-12-05')
    expect(page.title).toBe('Wanted for DIP failure — violent')
    expect(page.today).toBe('5 December 2026')
    expect(page.rows.map((r) => r.failure)).toEqual(['S12 2 November 2026'])
  })

  it('exports each row as it is stored, under the protective marking, one value a column', () => {
    const countersigned = cidCsvRow(
      row({ countersigned_by: 'Sgt Price', decided_at: new Date('2026-11-11T09:00:00Z'), address: '1 High St' }),
    )
    expect(countersigned).toEqual([
      'OFFICIAL-SENSITIVE',
      '2019/0000001Z',
      'Okafor',
      'Daniel James',
      '1990-03-04',
      '1 High St',
      'Havering',
      null,
      's12',
      '2026-11-02',
      '2026-11-09',
      '2026-11-10',
      '2027-05-02',
      'Violent;Weapons',
      null,
      'Sgt Price',
      '2026-11-11T09:00:00.000Z',
      'countersigned',
    ])
    expect(cidCsvHeader).toHaveLength(countersigned.length)
    expect(cidCsvHeader[0]).toBe('protective_marking')
    expect(cidCsvRow(row())[16]).toBeNull()
  })
})
