import { describe, expect, it } from 'vitest'
import {
  linkUpdateOf,
  newLinkColumns,
  partnerEditableFormFields,
  policeEditableFields,
} from '../../server/features/partners/partnersSchemas.ts'

// What the link forms' parsed values become for the service, without a database: a new link
// keeps only its own agency's fields, and an edit only the columns its editor may change.

const newLink = {
  agency: 'yos' as const,
  reference: 'Y-7',
  openedOn: '2026-11-01',
  contact: null,
  agreementId: 'ag1',
  maracRole: 'victim' as const,
  dashScore: 9,
  meetingDate: '2026-12-01',
  idvaAllocated: false,
  nextReview: null,
  yosDisposal: 'referral_order' as const,
  caseManager: 'Sam Patel',
  transitionDate: '2027-02-01',
  bragRating: 'red' as const,
  mashDecision: null,
  decisionDate: null,
  childrenInvolved: 2,
}

const edit = {
  status: 'closed' as const,
  closedOn: '2026-12-01',
  contact: 'Sam Patel',
  maracRole: null,
  dashScore: 12,
  meetingDate: null,
  idvaAllocated: null,
  nextReview: '2027-01-10',
  yosDisposal: null,
  caseManager: null,
  transitionDate: null,
  bragRating: 'amber' as const,
  mashDecision: null,
  decisionDate: null,
  childrenInvolved: null,
  version: 5,
}

describe('a new link', () => {
  it('keeps the chosen agency’s fields, as columns, and leaves every other agency’s null', () => {
    expect(newLinkColumns(newLink)).toEqual({
      agency: 'yos',
      reference: 'Y-7',
      opened_on: '2026-11-01',
      contact: null,
      agreementId: 'ag1',
      marac_role: null,
      dash_score: null,
      meeting_date: null,
      idva_allocated: null,
      next_review: null,
      yos_disposal: 'referral_order',
      case_manager: 'Sam Patel',
      transition_date: '2027-02-01',
      brag_rating: null,
      mash_decision: null,
      decision_date: null,
      children_involved: null,
    })
  })
})

describe('an edit of a link', () => {
  it('by the police changes every column the form sends, read at its version', () => {
    const { version, changes } = linkUpdateOf(edit, 'all')
    expect(version).toBe(5)
    expect(Object.keys(changes)).toEqual([
      'status',
      'closed_on',
      'contact',
      'marac_role',
      'dash_score',
      'meeting_date',
      'idva_allocated',
      'next_review',
      'yos_disposal',
      'case_manager',
      'transition_date',
      'brag_rating',
      'mash_decision',
      'decision_date',
      'children_involved',
    ])
  })

  it('by a partner keeps only the status, dates and ratings a partner may change', () => {
    expect(
      linkUpdateOf(edit, [
        'status',
        'closed_on',
        'next_review',
        'meeting_date',
        'decision_date',
        'dash_score',
        'brag_rating',
      ]),
    ).toEqual({
      version: 5,
      changes: {
        status: 'closed',
        closed_on: '2026-12-01',
        dash_score: 12,
        meeting_date: null,
        next_review: '2027-01-10',
        brag_rating: 'amber',
        decision_date: null,
      },
    })
  })

  it('names the fields each editor sees in the form', () => {
    expect(policeEditableFields).toEqual([
      'status',
      'closedOn',
      'contact',
      'maracRole',
      'dashScore',
      'meetingDate',
      'idvaAllocated',
      'nextReview',
      'yosDisposal',
      'caseManager',
      'transitionDate',
      'bragRating',
      'mashDecision',
      'decisionDate',
      'childrenInvolved',
    ])
    expect(partnerEditableFormFields).toEqual([
      'status',
      'closedOn',
      'nextReview',
      'meetingDate',
      'decisionDate',
      'dashScore',
      'bragRating',
    ])
  })
})
