import { describe, expect, it } from 'vitest'
import { disposableFrom, disposalProblem } from '../../../server/features/retention/retentionRules.ts'

// MoPI and the records management code (server/domain/REFERENCE.md, "Retention"): a record is
// reviewed when due, and kept at least six years after its last event whatever the review period.

describe('disposalProblem', () => {
  const today = '2026-12-06'

  it('allows disposal of a record due for review and last active six years ago or more', () => {
    expect(disposalProblem({ review_on: '2026-12-06', last_on: '2020-12-06' }, today)).toBeUndefined()
    expect(disposalProblem({ review_on: '2023-01-01', last_on: '2010-05-05' }, today)).toBeUndefined()
  })

  it('refuses a record last active less than six years ago, even when its review is due', () => {
    expect(disposalProblem({ review_on: '2025-12-07', last_on: '2020-12-07' }, today)).toBe(
      'This record was last active on 7 December 2020: it must be kept for 6 years, until 7 December 2026, before it can be disposed of',
    )
  })

  it('refuses a record not yet due for review, however old', () => {
    expect(disposalProblem({ review_on: '2026-12-07', last_on: '2001-01-01' }, today)).toBe(
      'This record is not due for review until 7 December 2026: it cannot be disposed of before then',
    )
  })

  it('refuses a record with no review basis of its own (combined into another)', () => {
    expect(disposalProblem(undefined, today)).toBe('This record is reviewed with the record it was combined into')
  })

  it('counts six years as the calendar does: from 29 February, the 28th six years on', () => {
    expect(disposableFrom('2020-02-29')).toBe('2026-02-28')
    expect(disposalProblem({ review_on: '2026-01-01', last_on: '2020-02-29' }, '2026-02-27')).toMatch(
      /until 28 February 2026/,
    )
    expect(disposalProblem({ review_on: '2026-01-01', last_on: '2020-02-29' }, '2026-02-28')).toBeUndefined()
  })
})
