import { describe, expect, it } from 'vitest'
import type { LinkRow, PartnerPolicy, PartnerView } from '../../server/features/partners/disclosurePolicy.ts'
import {
  agreementFormValues,
  agreementOptionsOf,
  linkFormOptions,
  linkFormValues,
  newAgreementValues,
  presentPartnerCase,
  presentPartnerCases,
  presentPoliceLink,
} from '../../server/features/partners/partnersPresenter.ts'
import type { LinkRecord } from '../../server/features/partners/partnersRepository.ts'

// What the partner link pages say, worked out from rows without a database: the police view of a
// link, the partner's view of their cases (only what the policy let through), and the forms' values.

const marac: Omit<LinkRow, 'id'> = {
  agency: 'marac',
  reference: 'M-0042',
  status: 'open',
  opened_on: '2026-10-01',
  closed_on: null,
  contact: null,
  marac_role: 'victim',
  dash_score: 16,
  meeting_date: '2026-12-12',
  idva_allocated: true,
  next_review: null,
  repeat_referral: false,
  yos_disposal: null,
  case_manager: null,
  transition_date: null,
  brag_rating: null,
  mash_decision: null,
  decision_date: null,
  children_involved: null,
  version: 2,
}

const record: LinkRecord = {
  id: 'l1',
  ...marac,
  person_id: 'p1',
  agreement_name: 'MARAC sharing 2026',
  agreement_agency: 'marac',
  agreement_categories: ['identity', 'link_details'],
  agreement_starts_on: '2026-01-01',
  agreement_ends_on: null,
  surname: 'Okafor',
  forenames: 'Daniela',
  date_of_birth: '1990-03-04',
  address: null,
  on_iom: false,
  lead_officer_name: null,
}

const change = {
  changes: { dash_score: { from: 12, to: 16 } },
  changed_at: new Date('2026-11-20T10:00:00Z'),
  changed_by_name: 'PC Jones',
}
const policy = (allowed: PartnerPolicy['allowed']): PartnerPolicy => ({ agency: 'marac', linkAgency: 'marac', allowed })

describe('a link as the police see it', () => {
  it('is titled by agency and reference, heads with the person and the one-line summary, and lists every detail and change', () => {
    expect(presentPoliceLink(record, [change])).toEqual({
      title: 'MARAC case M-0042',
      link: record,
      personName: 'OKAFOR, Daniela',
      headline: 'MARAC — high risk, victim, next meeting 12 December 2026',
      details: [
        ['Reference', 'M-0042'],
        ['Status', 'Open'],
        ['Opened', '1 October 2026'],
        ['Role', 'victim'],
        ['DASH score', '16 of 24 (high risk)'],
        ['Repeat referral', 'No'],
        ['Meeting date', '12 December 2026'],
        ['IDVA allocated', 'Yes'],
      ],
      changes: [{ when: '20 November 2026', by: 'PC Jones', what: 'dash score: 12 → 16' }],
    })
  })

  it('fills its edit form as the inputs expect: yes or no, dates in three parts, blanks for nothing recorded', () => {
    expect(linkFormValues(marac)).toEqual({
      status: 'open',
      closedOn: { day: '', month: '', year: '' },
      contact: '',
      maracRole: 'victim',
      dashScore: '16',
      meetingDate: { day: '12', month: '12', year: '2026' },
      idvaAllocated: 'yes',
      nextReview: { day: '', month: '', year: '' },
      yosDisposal: '',
      caseManager: '',
      transitionDate: { day: '', month: '', year: '' },
      bragRating: '',
      mashDecision: '',
      decisionDate: { day: '', month: '', year: '' },
      childrenInvolved: '',
      version: '2',
    })
  })
})

describe('a partner’s cases', () => {
  const shared: PartnerView = {
    linkId: 'l1',
    person: { surname: 'Okafor', forenames: 'Daniela', dateOfBirth: '1990-03-04' },
    link: marac,
  }

  it('show the case with its history, but never the name of the officer who changed it', () => {
    const shown = presentPartnerCase(
      { policy: policy(new Set(['identity', 'link_details'])), view: shared, changes: [change] },
      '2026-12-05',
    )
    expect(shown).toMatchObject({
      title: 'MARAC — high risk, victim, next meeting 12 December 2026',
      changes: [{ when: '20 November 2026', by: '', what: 'dash score: 12 → 16' }],
      canEdit: true,
    })
    expect(shown.view).toMatchObject({
      linkId: 'l1',
      name: 'OKAFOR, Daniela',
      dateOfBirth: '4 March 1990',
      address: '',
      iom: '',
    })
  })

  it('without the link’s details, show only the person, titled "Case", with nothing to edit', () => {
    const identityOnly: PartnerView = {
      linkId: 'l1',
      person: { surname: 'Okafor', forenames: 'Daniela', dateOfBirth: '1990-03-04' },
    }
    const shown = presentPartnerCase(
      { policy: policy(new Set(['identity'])), view: identityOnly, changes: [] },
      '2026-12-05',
    )
    expect(shown).toEqual({
      title: 'Case',
      view: {
        linkId: 'l1',
        name: 'OKAFOR, Daniela',
        dateOfBirth: '4 March 1990',
        address: '',
        iom: '',
        headline: '',
        details: [],
        transition: undefined,
        link: undefined,
      },
      changes: [],
      canEdit: false,
    })
  })

  it('are listed under the agency’s name, and say when no agreement is in force', () => {
    const unnamed: PartnerView = { linkId: 'l2', person: {} }
    expect(presentPartnerCases(policy(new Set()), [], '2026-12-05')).toEqual({
      title: 'Partner cases',
      agencyLabel: 'MARAC',
      noAgreement: true,
      rows: [],
    })
    const listed = presentPartnerCases(policy(new Set(['address'])), [unnamed], '2026-12-05')
    expect(listed.noAgreement).toBe(false)
    expect(listed.rows.map((r) => r.name)).toEqual(['Name not shared'])
  })
})

describe('the link and agreement forms', () => {
  it('offer the agreements in force after an empty first choice, and every list they choose from', () => {
    expect(agreementOptionsOf([{ id: 'ag1', name: 'MARAC sharing 2026' }])).toEqual([
      { value: '', text: 'Select an agreement in force' },
      { value: 'ag1', text: 'MARAC sharing 2026' },
    ])
    expect(linkFormOptions.agencyOptions).toEqual([
      { value: 'marac', text: 'MARAC' },
      { value: 'yos', text: 'YOS' },
      { value: 'mash', text: 'MASH' },
    ])
    expect(linkFormOptions.statusOptions).toEqual([
      { value: 'open', text: 'Open' },
      { value: 'closed', text: 'Closed' },
    ])
    expect(linkFormOptions.roleOptions.map((o) => o.text)).toEqual(['Not MARAC', 'Victim', 'Perpetrator'])
    expect(linkFormOptions.partnerAgencyOptions[0]).toEqual({ value: 'council', text: 'Council' })
  })

  it('start a new agreement today, with no categories and no end date', () => {
    expect(newAgreementValues('2026-12-05')).toEqual({
      categories: [],
      startsOn: { day: '5', month: '12', year: '2026' },
      endsOn: { day: '', month: '', year: '' },
    })
  })

  it('fill an agreement’s edit form with the agreement as it stands', () => {
    const agreement = {
      id: 'ag1',
      name: 'YOS sharing',
      agency: 'yos',
      categories: ['identity'],
      starts_on: '2026-01-01',
      ends_on: '2027-03-31',
      version: 4,
    }
    expect(agreementFormValues(agreement)).toEqual({
      name: 'YOS sharing',
      agency: 'yos',
      categories: ['identity'],
      startsOn: { day: '1', month: '1', year: '2026' },
      endsOn: { day: '31', month: '3', year: '2027' },
      version: '4',
    })
  })
})
