import { describe, expect, it } from 'vitest'
import {
  auditCsvHeader,
  auditCsvRow,
  categoryOptions,
  presentAuditPage,
  presentAuditRow,
  presentByDay,
} from '../../server/features/auditViews/auditViewsPresenter.ts'
import type { AuditRow } from '../../server/features/auditViews/auditViewsRepository.ts'

// What the audit log pages say, worked out from rows without a database.

const row = (changes: Partial<AuditRow> = {}): AuditRow => ({
  id: 1001,
  occurred_at: new Date('2026-11-26T14:05:00Z'),
  category: 'consultation',
  event: 'person.viewed_record',
  actor_user_id: 'u1',
  actor_username: 'officer1',
  entity_type: 'person',
  entity_id: 'p1',
  person_id: 'p1',
  purpose: 'Checking a warrant',
  recipients: null,
  request_id: 'r1',
  client_request_id: null,
  ip: '10.0.0.1',
  ...changes,
})

describe('categoryOptions', () => {
  it('offers all actions first, then each category by its label', () => {
    expect(categoryOptions[0]).toEqual({ value: '', text: 'All actions' })
    expect(categoryOptions[1]).toEqual({ value: 'collection', text: 'Collection' })
    expect(categoryOptions).toHaveLength(9)
  })
})

describe('presentAuditRow', () => {
  it('says when, the action, what happened in words, who, and the person named', () => {
    expect(presentAuditRow(row(), new Map([['p1', 'OKAFOR, Daniel']]))).toEqual({
      ...row(),
      when: '26 Nov 2026, 14:05',
      categoryLabel: 'Consultation',
      what: 'person viewed record',
      who: 'officer1',
      personName: 'OKAFOR, Daniel',
    })
  })

  it('an entry with no user is the system’s; a person the reader may not see has no name', () => {
    const shown = presentAuditRow(row({ actor_username: null }), new Map())
    expect(shown.who).toBe('system')
    expect(shown.personName).toBe('')
    expect(presentAuditRow(row({ person_id: null })).personName).toBe('')
  })
})

describe('presentAuditPage', () => {
  it('shows a page of entries; one more read means the next page starts before the last shown', () => {
    const rows = [row({ id: 3 }), row({ id: 2 }), row({ id: 1 })]
    const page = presentAuditPage(rows, 2)
    expect(page.rows.map((r) => r.id)).toEqual([3, 2])
    expect(page.nextBefore).toBe(2)
    expect(presentAuditPage(rows, 3).nextBefore).toBeUndefined()
  })
})

describe('presentByDay', () => {
  it('labels each day’s category', () => {
    expect(presentByDay([{ day: '2026-11-26', category: 'disclosure' as const, n: 3 }])).toEqual([
      { day: '2026-11-26', category: 'disclosure', n: 3, categoryLabel: 'Disclosure' },
    ])
  })
})

describe('the CSV download', () => {
  it('has one column for each heading, the instant in ISO form', () => {
    const cells = auditCsvRow(row())
    expect(cells).toEqual([
      '1001',
      '2026-11-26T14:05:00.000Z',
      'consultation',
      'person.viewed_record',
      'officer1',
      'p1',
      'person',
      'p1',
      'Checking a warrant',
      null,
      'r1',
      null,
    ])
    expect(cells).toHaveLength(auditCsvHeader.length)
  })
})
