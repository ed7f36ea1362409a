import { describe, expect, it } from 'vitest'
import {
  disposedMessage,
  packValue,
  presentQueueRow,
  presentReview,
  presentSubjectAccess,
  retainedMessage,
  subjectAccessDocument,
} from '../../server/features/retention/retentionPresenter.ts'

// What the retention pages and the subject access pack say, worked out from rows without a database.

const person = {
  id: 'p1',
  surname: 'Okafor',
  forenames: 'Daniel James',
  date_of_birth: '1990-03-04',
  pnc_id: '2019/0000001Z',
}
const generatedAt = new Date('2026-11-26T14:05:00Z')

describe('presentQueueRow', () => {
  it('adds the name and the dates as shown to the row', () => {
    const row = { ...person, area_name: 'Havering', review_on: '2026-10-01' }
    expect(presentQueueRow(row)).toEqual({
      ...row,
      name: 'OKAFOR, Daniel James',
      reviewOn: '1 October 2026',
      dateOfBirth: '4 March 1990',
    })
  })
})

describe('presentReview', () => {
  it('shows who, when the review is due, from when it may be disposed of, and each earlier decision', () => {
    const decision = {
      decision: 'retain',
      reason: 'Open MARAC case',
      next_review_on: '2028-11-26',
      decided_at: generatedAt,
      decided_by_name: 'Sam Supervisor',
    }
    expect(presentReview({ person, reviewOn: '2026-11-01', lastOn: '2020-02-29', decisions: [decision] })).toEqual({
      person: { id: 'p1', name: 'OKAFOR, Daniel James', dateOfBirth: '4 March 1990' },
      reviewOn: '1 November 2026',
      // Six years after a 29 February is the 28th.
      disposableFrom: '28 February 2026',
      minimumRetentionYears: 6,
      decisions: [{ ...decision, when: '26 Nov 2026, 14:05', next: '26 November 2028' }],
    })
  })

  it('a review date not set, and a disposal with no next review, are blank', () => {
    const decision = {
      decision: 'dispose',
      reason: 'No longer needed',
      next_review_on: null,
      decided_at: generatedAt,
      decided_by_name: null,
    }
    const shown = presentReview({ person, reviewOn: null, lastOn: null, decisions: [decision] })
    expect(shown.reviewOn).toBe('')
    expect(shown.disposableFrom).toBe('')
    expect(shown.decisions[0]?.next).toBe('')
  })
})

describe('the decision messages', () => {
  it('a record retained says until when', () => {
    expect(retainedMessage('2028-11-26')).toBe('Record retained until the next review on 26 November 2028')
    expect(disposedMessage).toBe('The record has been erased. The audit log keeps the fact of the erasure.')
  })
})

describe('packValue', () => {
  it('prints instants in ISO form, null as nothing, structures as JSON and the rest as text', () => {
    expect(packValue(generatedAt)).toBe('2026-11-26T14:05:00.000Z')
    expect(packValue(null)).toBe('')
    expect(packValue({ a: 1, b: ['x'] })).toBe('{"a":1,"b":["x"]}')
    expect(packValue(42)).toBe('42')
    expect(packValue(true)).toBe('true')
    expect(packValue('text')).toBe('text')
  })
})

describe('presentSubjectAccess', () => {
  it('puts the person first, then each table, with spaces for underscores in names and labels', () => {
    const sections = { person_alias: [{ surname: 'Okafor', alias_note: null }], drug_test: [] }
    expect(presentSubjectAccess(person, sections, generatedAt)).toEqual({
      name: 'OKAFOR, Daniel James',
      personId: 'p1',
      generated: '26 Nov 2026, 14:05',
      sections: [
        {
          name: 'person',
          rows: [
            [
              ['id', 'p1'],
              ['surname', 'Okafor'],
              ['forenames', 'Daniel James'],
              ['date of birth', '1990-03-04'],
              ['pnc id', '2019/0000001Z'],
            ],
          ],
        },
        {
          name: 'person alias',
          rows: [
            [
              ['surname', 'Okafor'],
              ['alias note', ''],
            ],
          ],
        },
        { name: 'drug test', rows: [] },
      ],
    })
  })
})

describe('subjectAccessDocument', () => {
  it('is marked, dated, and holds the person and every table as stored', () => {
    const sections = { drug_test: [{ id: 't1' }] }
    expect(subjectAccessDocument(person, sections, generatedAt)).toEqual({
      marking: 'OFFICIAL-SENSITIVE',
      generatedAt: '2026-11-26T14:05:00.000Z',
      person,
      drug_test: [{ id: 't1' }],
    })
  })
})
