import { describe, expect, it } from 'vitest'
import {
  contactTypeOptionsOf,
  ownerOptionsOf,
  presentContact,
  presentMyAction,
  presentOpenAction,
} from '../../server/features/casework/caseworkPresenter.ts'

// What the casework pages say, worked out from rows without a database: the forms' lists, an
// open action's due date and urgency, and a contact's date and pathway in words.

const action = {
  id: 'x1',
  description: 'Book a housing appointment',
  due_date: '2026-12-05',
  pathway: 'accommodation',
  version: 1,
  owner_name: 'PC Jones',
}

describe('the contact and action forms', () => {
  it('list the contact types and the owners, each after its empty first choice', () => {
    expect(contactTypeOptionsOf([{ code: 'home_visit', label: 'Home visit' }])).toEqual([
      { value: '', text: 'Select a type' },
      { value: 'home_visit', text: 'Home visit' },
    ])
    expect(ownerOptionsOf([{ id: 'u1', display_name: 'PC Jones' }])).toEqual([
      { value: '', text: 'Select an owner' },
      { value: 'u1', text: 'PC Jones' },
    ])
  })
})

describe('an open action', () => {
  it('keeps its row, and says when it is due, how urgent that is, and its pathway in words', () => {
    expect(presentOpenAction(action, '2026-12-01')).toEqual({
      ...action,
      due: '5 December 2026',
      status: { text: 'Due', colour: 'blue' },
      pathway: 'Accommodation',
    })
  })

  it('is due today on its day, and overdue after it', () => {
    expect(presentOpenAction(action, '2026-12-05').status).toEqual({ text: 'Due today', colour: 'orange' })
    expect(presentOpenAction(action, '2026-12-06').status).toEqual({ text: 'Overdue', colour: 'red' })
  })

  it('in "My actions" also names the person it is about', () => {
    const mine = { ...action, person_id: 'p1', surname: 'Okafor', forenames: 'Daniel', pathway: 'drugs_alcohol' }
    expect(presentMyAction(mine, '2026-12-06')).toEqual({
      ...mine,
      name: 'OKAFOR, Daniel',
      due: '5 December 2026',
      status: { text: 'Overdue', colour: 'red' },
      pathway: 'Drugs and alcohol',
    })
  })
})

describe('a contact on the person page', () => {
  it('keeps its row, with its date and pathway in words; an unknown pathway code is shown as it is', () => {
    const contact = {
      id: 'c1',
      contact_date: '2026-11-30',
      type_label: 'Home visit',
      pathway: 'health',
      note: 'Seen at home',
      outcome: 'engaged' as const,
      recorded_by_name: 'PC Jones',
    }
    expect(presentContact(contact)).toEqual({
      ...contact,
      date: '30 November 2026',
      pathway: 'Health',
      outcome: 'Engaged',
    })
    expect(presentContact({ ...contact, pathway: 'retired_code' }).pathway).toBe('retired_code')
  })
})
