import { describe, expect, it } from 'vitest'
import {
  cohortCsvRow,
  cohortFilterOptions,
  presentCaseloadRow,
  presentCohortRow,
  presentMembership,
  presentReferral,
} from '../../server/features/cohorts/cohortsPresenter.ts'
import { withBlank } from '../../server/presenters/options.ts'
import type { CohortRow } from '../../server/features/cohorts/cohortsRepository.ts'

// What the cohort pages say, worked out from rows without a database.

const cohortRow = (changes: Partial<CohortRow> = {}): CohortRow => ({
  membership_id: 'm1',
  programme: 'iom_fixed',
  status: 'active',
  tier: 'red',
  adopted_on: '2026-03-09',
  person_id: 'p1',
  surname: 'Okafor',
  forenames: 'Daniel James',
  date_of_birth: '1990-03-04',
  pnc_id: '2019/0000001Z',
  area_name: 'Havering',
  ward_name: 'Romford Town',
  lead_officer_name: 'PC Sam Hart',
  ...changes,
})

const caseloadRow = {
  person_id: 'p1',
  surname: 'Okafor',
  forenames: 'Daniel James',
  date_of_birth: '1990-03-04',
  pnc_id: null,
  programme: 'dip' as const,
  tier: 'amber' as const,
  status: 'in_custody',
  ward_name: null,
  next_action_due: '2026-12-04',
}

describe('cohorts presenter', () => {
  it('shows a cohort row with its labels, dates and blanks for what is unknown', () => {
    expect(presentCohortRow(cohortRow())).toEqual({
      personId: 'p1',
      name: 'OKAFOR, Daniel James',
      dateOfBirth: '4 March 1990',
      pncId: '2019/0000001Z',
      programme: 'IOM Fixed',
      tier: 'Red',
      status: 'Active',
      area: 'Havering',
      ward: 'Romford Town',
      leadOfficer: 'PC Sam Hart',
      adoptedOn: '9 March 2026',
    })
    const unknown = presentCohortRow(
      cohortRow({ tier: null, pnc_id: null, ward_name: null, lead_officer_name: null, status: 'in_custody' }),
    )
    expect(unknown).toMatchObject({ tier: '', pncId: '', ward: '', leadOfficer: '', status: 'In custody' })
  })

  it('marks a caseload action due before today as overdue, and one due today as not', () => {
    expect(presentCaseloadRow(caseloadRow, '2026-12-05')).toMatchObject({
      name: 'OKAFOR, Daniel James',
      programme: 'DIP',
      tier: 'Amber',
      tierColour: 'orange',
      status: 'In custody',
      pncId: '',
      nextActionDue: '4 December 2026',
      nextActionOverdue: true,
    })
    expect(presentCaseloadRow(caseloadRow, '2026-12-04').nextActionOverdue).toBe(false)
    expect(presentCaseloadRow({ ...caseloadRow, next_action_due: null }, '2026-12-05')).toMatchObject({
      nextActionDue: '',
      nextActionOverdue: false,
    })
    expect(presentCaseloadRow({ ...caseloadRow, tier: 'red' }, '2026-12-05').tierColour).toBe('red')
    expect(presentCaseloadRow({ ...caseloadRow, tier: null }, '2026-12-05')).toMatchObject({
      tier: '',
      tierColour: 'green',
    })
  })

  it('dates a referral by the London day it was made', () => {
    const referral = {
      surname: 'Ng',
      forenames: 'Mai',
      date_of_birth: '2001-12-31',
      programme: 'iom_flex' as const,
      referred_at: new Date('2026-11-30T23:30:00Z'),
    }
    expect(presentReferral(referral)).toMatchObject({
      name: 'NG, Mai',
      dateOfBirth: '31 December 2001',
      programmeLabel: 'IOM Flex',
      referredOn: '30 November 2026',
    })
    // Late on a summer evening in London is already the next day in UTC's terms, and the other way round.
    expect(presentReferral({ ...referral, referred_at: new Date('2026-06-30T23:30:00Z') }).referredOn).toBe(
      '1 July 2026',
    )
    expect(presentMembership({ surname: 'Ng', forenames: 'Mai', programme: 'dip' as const })).toMatchObject({
      name: 'NG, Mai',
      programmeLabel: 'DIP',
    })
  })

  it('puts an empty "all" choice first in every filter', () => {
    const options = cohortFilterOptions({
      officers: [{ id: 'u1', display_name: 'PC Sam Hart' }],
      boroughs: [{ id: 'a1', name: 'Havering' }],
      wards: [{ id: 'w1', name: 'Romford Town', borough_name: 'Havering' }],
    })
    expect(options.officerOptions).toEqual([
      { value: '', text: 'All officers' },
      { value: 'u1', text: 'PC Sam Hart' },
    ])
    expect(options.wardOptions[1]).toEqual({ value: 'w1', text: 'Romford Town (Havering)' })
    for (const list of Object.values(options)) expect(list[0]?.value).toBe('')
    expect(withBlank('Not changed', [])).toEqual([{ value: '', text: 'Not changed' }])
  })

  it('exports a row as its stored codes, in the header order', () => {
    expect(cohortCsvRow(cohortRow())).toEqual([
      '2019/0000001Z',
      'Okafor',
      'Daniel James',
      '1990-03-04',
      'iom_fixed',
      'red',
      'active',
      'Havering',
      'Romford Town',
      'PC Sam Hart',
      '2026-03-09',
    ])
  })
})
