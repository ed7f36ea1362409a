import { describe, expect, it } from 'vitest'
import type { PersonRecord } from '../../server/features/people/peopleRepository.ts'
import { presentCombinedRecord, presentPersonPage } from '../../server/features/personPage/personPagePresenter.ts'
import type { PersonPanels } from '../../server/features/personPage/personPanels.ts'

// What the person page says, worked out from its panels' rows without a database: the markers
// current and ended, the casework panels, and the old address of a record combined into another.

const person: PersonRecord = {
  id: 'p1',
  surname: 'Okafor',
  forenames: 'Daniel',
  date_of_birth: '1990-03-04',
  gender: 'male',
  pnc_id: null,
  cro_number: null,
  address: null,
  ward_id: null,
  area_id: 'a1',
  restricted: false,
  version: 1,
  created_by: null,
  created_at: new Date('2026-01-05T10:00:00Z'),
  updated_at: new Date('2026-01-05T10:00:00Z'),
  combined_into: null,
  height_cm: 178,
  build: null,
  hair: null,
  eyes: null,
  distinguishing_marks: null,
  area_name: 'Havering',
  ward_name: null,
  ward_valid_to: null,
}

const marker = {
  id: 'm1',
  marker_code: 'VIOLENT',
  label: 'Violent',
  start_date: '2026-02-01',
  review_date: '2027-02-01',
  note: null,
  ended_on: null,
  set_by_name: 'PC Jones',
}
const contact = {
  id: 'c1',
  contact_date: '2026-11-30',
  type_label: 'Home visit',
  pathway: 'health',
  note: 'Seen at home',
  outcome: 'engaged' as const,
  recorded_by_name: 'PC Jones',
  total_contacts: 1,
}
const action = {
  id: 'x1',
  description: 'Book a housing appointment',
  due_date: '2026-12-01',
  pathway: 'accommodation',
  version: 1,
  owner_name: 'PC Jones',
}

const panels = (changes: Partial<PersonPanels> = {}): PersonPanels => ({
  aliases: [],
  markers: [],
  memberships: [],
  events: [],
  referrals: [],
  contacts: [],
  actions: [],
  tests: [],
  appointments: [],
  failures: [],
  links: [],
  photo: [],
  ...changes,
})

describe('the person page', () => {
  it('parts current markers from ended ones, each with its dates in words', () => {
    const ended = { ...marker, id: 'm2', ended_on: '2026-06-30' }
    const page = presentPersonPage({ person, ...panels({ markers: [marker, ended] }) }, '2026-12-05')
    expect(page.title).toBe('OKAFOR, Daniel')
    expect(page.currentMarkers).toEqual([{ ...marker, start: '1 February 2026', review: '1 February 2027' }])
    expect(page.endedMarkers).toEqual([{ ...ended, start: '1 February 2026', ended: '30 June 2026' }])
  })

  it('shows contacts and open actions as the casework pages do: dates, urgency and pathways in words', () => {
    const page = presentPersonPage({ person, ...panels({ contacts: [contact], actions: [action] }) }, '2026-12-05')
    expect(page.contacts).toEqual([{ ...contact, date: '30 November 2026', pathway: 'Health', outcome: 'Engaged' }])
    expect(page.actions).toEqual([
      { ...action, due: '1 December 2026', status: { text: 'Overdue', colour: 'red' }, pathway: 'Accommodation' },
    ])
  })

  it('describes the person, and has no photograph panel without a photograph', () => {
    const page = presentPersonPage({ person, ...panels() }, '2026-12-05')
    expect(page.description).toMatchObject({ height: '178 cm', build: 'Not recorded', recorded: true })
    expect(page.photo).toBeUndefined()
    expect(page.links).toEqual([])
  })

  it('at the old address of a combined record, says so and points only to the kept record', () => {
    expect(presentCombinedRecord('p9')).toEqual({
      title: 'This record has been combined with another',
      survivorId: 'p9',
    })
  })
})
