import { describe, expect, it } from 'vitest'
import {
  checkPageKeys,
  presentBlockers,
  presentHistory,
} from '../../server/features/combination/combinationPresenter.ts'
import type { CombinationRow } from '../../server/features/combination/combinationRepository.ts'
import { blockerText } from '../../server/features/combination/combinationRules.ts'

// What the combination pages say about what stops a combination and what can be reversed.

describe('blockers in words', () => {
  it('says what stops the combination, and what to do', () => {
    expect(blockerText({ kind: 'sharedProgramme', programme: 'iom_fixed' })).toBe(
      'Both records are on IOM Fixed. End one of the memberships before combining.',
    )
    expect(blockerText({ kind: 'twoIomCohorts', kept: 'iom_fixed', other: 'iom_flex' })).toBe(
      'The record kept is on IOM Fixed and the duplicate on IOM Flex: a person is on one IOM cohort at a time. End one of the memberships before combining.',
    )
    expect(blockerText({ kind: 'absorbedRecently', until: new Date('2026-12-20T10:00:00Z') })).toBe(
      'The duplicate record had another record combined into it, which can be reversed until 20 Dec 2026, 10:00. Keep the duplicate record instead, or wait until then.',
    )
  })

  it('a programme not in the vocabulary is named by its code', () => {
    expect(presentBlockers([{ kind: 'sharedProgramme', programme: 'retired_scheme' }])).toEqual([
      'Both records are on retired_scheme. End one of the memberships before combining.',
    ])
  })
})

const combination = (changes: Partial<CombinationRow> = {}): CombinationRow => ({
  id: 'c1',
  survivor_id: 'keep',
  merged_id: 'other',
  reason: 'Same fingerprints',
  combined_at: new Date('2026-11-20T09:00:00Z'),
  reversed_at: null,
  reversal_reason: null,
  version: 1,
  survivor_surname: 'Okafor',
  survivor_forenames: 'Daniel',
  merged_surname: 'Okafor',
  merged_forenames: 'Danny',
  merged_date_of_birth: '1990-03-04',
  combined_by_name: 'Sam Supervisor',
  reversed_by_name: null,
  reversible_until: new Date('2026-12-20T09:00:00Z'),
  reversible: true,
  ...changes,
})

describe('presentHistory', () => {
  const rows = [combination({ id: 'c2' }), combination({ id: 'c1' }), combination({ id: 'c0', reversible: false })]

  it('the form is for the combination asked for, if it can be reversed', () => {
    expect(presentHistory(rows, 'keep', 'c1').reversing?.id).toBe('c1')
  })

  it('else for the newest that can be', () => {
    expect(presentHistory(rows, 'keep', 'c0').reversing?.id).toBe('c2')
    expect(presentHistory(rows, 'keep', undefined).reversing?.id).toBe('c2')
  })

  it('only the record kept can reverse: seen from the duplicate, none is offered', () => {
    const shown = presentHistory(rows, 'other', 'c1')
    expect(shown.reversing).toBeUndefined()
    expect(shown.combinations[0]).toMatchObject({
      kept: false,
      otherId: 'keep',
      status: 'Can be reversed',
      combined: '20 Nov 2026, 09:00 by Sam Supervisor',
    })
  })
})

describe('checkPageKeys', () => {
  it('names the duplicate and the versions both records were read at', () => {
    expect(checkPageKeys({ version: 3 }, { id: 'other', version: 5 })).toEqual({
      mergedId: 'other',
      survivorVersion: 3,
      mergedVersion: 5,
    })
  })
})
