import { describe, expect, it } from 'vitest'
import { presentDescriptionConflict } from '../../server/features/people/descriptionPresenter.ts'
import {
  markerOptionsOf,
  personFormOptions,
  presentDuplicates,
  presentPersonConflict,
  purposeQuestion,
  restrictedPurposeOptions,
} from '../../server/features/people/peoplePresenter.ts'
import type { PersonRecord, PersonSummary } from '../../server/features/people/peopleRepository.ts'

// What the people forms say, worked out from rows without a database: their lists, the likely
// duplicates a new person is held back by, the restricted record's question, and the pages an
// edit made over someone else's meanwhile answers.

const person = (changes: Partial<PersonRecord> = {}): PersonRecord => ({
  id: 'p1',
  surname: 'Okafor',
  forenames: 'Daniel James',
  date_of_birth: '1990-03-04',
  gender: 'male',
  pnc_id: '2019/0000001Z',
  cro_number: null,
  address: '1 High Street, Romford',
  ward_id: 'w1',
  area_id: 'a1',
  restricted: false,
  version: 3,
  created_by: null,
  created_at: new Date('2026-01-05T10:00:00Z'),
  updated_at: new Date('2026-01-05T10:00:00Z'),
  combined_into: null,
  height_cm: null,
  build: null,
  hair: null,
  eyes: null,
  distinguishing_marks: null,
  area_name: 'Havering',
  ward_name: 'Romford Town',
  ward_valid_to: null,
  ...changes,
})

const summary = (changes: Partial<PersonSummary> = {}): PersonSummary => ({
  id: 'p2',
  surname: 'Smith',
  forenames: 'John',
  date_of_birth: '1985-11-30',
  pnc_id: null,
  cro_number: null,
  area_name: 'Havering',
  ward_name: null,
  restricted: false,
  matched_alias: null,
  ...changes,
})

describe('the add and edit person forms', () => {
  it('list the genders, then the user’s boroughs and wards, each with its first, empty choice', () => {
    const options = personFormOptions({
      boroughs: [{ id: 'a1', name: 'Havering' }],
      wards: [{ id: 'w1', name: 'Romford Town', borough_name: 'Havering' }],
    })
    expect(options).toEqual({
      genderOptions: [
        { value: 'male', text: 'Male' },
        { value: 'female', text: 'Female' },
        { value: 'other', text: 'Other' },
        { value: 'unknown', text: 'Not known' },
      ],
      boroughOptions: [
        { value: '', text: 'Select a borough' },
        { value: 'a1', text: 'Havering' },
      ],
      wardOptions: [
        { value: '', text: 'Not known' },
        { value: 'w1', text: 'Romford Town (Havering)' },
      ],
    })
  })

  it('offer the marker types by code and label', () => {
    expect(markerOptionsOf([{ code: 'VIOLENT', label: 'Violent' }])).toEqual([{ value: 'VIOLENT', text: 'Violent' }])
  })
})

describe('the likely duplicates of a new person', () => {
  it('are shown as search results, and one with the same PNC ID cannot be confirmed past', () => {
    const matches = [summary({ pnc_id: '2019/0000001Z' }), summary({ id: 'p3', surname: 'Smyth' })]
    expect(presentDuplicates(matches, '2019/0000001Z')).toEqual({
      duplicates: [
        {
          id: 'p2',
          name: 'SMITH, John',
          dateOfBirth: '30 November 1985',
          pncId: '2019/0000001Z',
          croNumber: '',
          area: 'Havering',
          ward: '',
          restricted: false,
          matchedAlias: null,
        },
        {
          id: 'p3',
          name: 'SMYTH, John',
          dateOfBirth: '30 November 1985',
          pncId: '',
          croNumber: '',
          area: 'Havering',
          ward: '',
          restricted: false,
          matchedAlias: null,
        },
      ],
      samePnc: true,
    })
  })

  it('without a PNC ID in the form, no match is the same PNC, even one without a PNC ID itself', () => {
    expect(presentDuplicates([summary()], null).samePnc).toBe(false)
    expect(presentDuplicates([summary({ pnc_id: '2019/0000001Z' })], '2020/0000002A').samePnc).toBe(false)
  })
})

describe('the restricted record’s question', () => {
  it('names the record asked for, offers the purposes in order, and starts unanswered', () => {
    expect(purposeQuestion({ via: 'drugTest', recordId: 't1' })).toEqual({
      title: 'This record is restricted',
      via: 'drugTest',
      recordId: 't1',
      values: {},
      purposeOptions: [
        { value: 'offender_management', text: 'Managing this person (IOM or DIP)' },
        { value: 'investigation', text: 'Investigating an offence' },
        { value: 'safeguarding', text: 'Safeguarding' },
        { value: 'disclosure_request', text: 'Answering a disclosure request' },
        { value: 'supervision_or_audit', text: 'Supervision or audit' },
        { value: 'other', text: 'Another lawful purpose' },
      ],
    })
    expect(restrictedPurposeOptions).toHaveLength(6)
  })

  it('carries where to go back to, and whether it answers a refused post', () => {
    expect(
      purposeQuestion({ via: 'person', recordId: 'p1', returnTo: '/people/p1/edit', refusedPost: true }),
    ).toMatchObject({
      returnTo: '/people/p1/edit',
      refusedPost: true,
    })
  })
})

describe('an edit made over someone else’s meanwhile', () => {
  it('shows the person as they now are beside what was typed, the typed date of birth in words', () => {
    const yours = {
      surname: 'Okafor',
      forenames: 'Daniel',
      dateOfBirth: '1990-04-03',
      gender: 'male' as const,
      pncId: null,
      croNumber: null,
      address: null,
      wardId: null,
      areaId: 'a1',
    }
    expect(presentPersonConflict('p1', person(), yours, '2026-12-05')).toEqual({
      title: 'Someone else changed this record',
      personId: 'p1',
      current: {
        id: 'p1',
        name: 'OKAFOR, Daniel James',
        dateOfBirth: '4 March 1990',
        age: 36,
        gender: 'Male',
        pncId: '2019/0000001Z',
        croNumber: 'Not known',
        address: '1 High Street, Romford',
        ward: 'Romford Town',
        area: 'Havering',
        restricted: false,
        version: 3,
      },
      yours: { ...yours, dateOfBirth: '3 April 1990' },
    })
  })

  it('of a description, sets each part as it now is beside what was typed', () => {
    const theirs = {
      heightCm: 180,
      build: 'slim' as const,
      hair: null,
      eyes: 'blue' as const,
      distinguishingMarks: null,
    }
    const yours = {
      heightCm: 178,
      build: null,
      hair: 'Short, dark',
      eyes: 'blue' as const,
      distinguishingMarks: 'Scar on left hand',
    }
    expect(presentDescriptionConflict('p1', theirs, yours)).toEqual({
      title: 'Someone else changed this record',
      personId: 'p1',
      rows: [
        ['Height', '180 cm', '178 cm'],
        ['Build', 'Slim', 'Not recorded'],
        ['Hair', 'Not recorded', 'Short, dark'],
        ['Eyes', 'Blue', 'Blue'],
        ['Scars, marks and tattoos', 'Not recorded', 'Scar on left hand'],
      ],
    })
  })
})
