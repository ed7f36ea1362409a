import { describe, expect, it } from 'vitest'
import {
  boroughOptions,
  endingErrors,
  endWardInputId,
  entryFormValues,
  presentLists,
  presentWards,
} from '../../server/features/reference/referencePresenter.ts'

// What the reference data pages say, worked out from rows without a database.

const today = { day: '26', month: '11', year: '2026' }
const current = { id: 'w1', name: 'Harold Wood', valid_from: '2022-05-05', valid_to: null, borough: 'Havering' }
const ended = { id: 'w2', name: 'Gooshays', valid_from: '2002-05-02', valid_to: '2022-05-04', borough: 'Havering' }

describe('presentLists', () => {
  it('lists each code list by its name in the address and its title', () => {
    expect(
      presentLists({ offences: { title: 'Trigger offences' }, 'contact-types': { title: 'Contact types' } }),
    ).toEqual([
      { name: 'offences', title: 'Trigger offences' },
      { name: 'contact-types', title: 'Contact types' },
    ])
  })
})

describe('entryFormValues', () => {
  it('fills the entry form: in use as yes or no', () => {
    expect(entryFormValues({ label: 'Violent', active: true })).toEqual({ label: 'Violent', active: 'yes' })
    expect(entryFormValues({ label: 'Old', active: false })).toEqual({ label: 'Old', active: 'no' })
  })
})

describe('boroughOptions', () => {
  it('asks for a borough first', () => {
    expect(boroughOptions([{ id: 'a1', name: 'Havering' }])).toEqual([
      { value: '', text: 'Select a borough' },
      { value: 'a1', text: 'Havering' },
    ])
  })
})

describe('presentWards', () => {
  it('dates each ward, and fills each end form with today', () => {
    expect(presentWards([current, ended], today)).toEqual([
      { ...current, from: '5 May 2022', to: '', endId: 'validTo-w1', endValue: today, endError: undefined },
      { ...ended, from: '2 May 2002', to: '4 May 2022', endId: 'validTo-w2', endValue: today, endError: undefined },
    ])
  })

  it('puts a refused end date back on its own ward’s form, with what is wrong', () => {
    const typed = { day: '31', month: '2', year: '2026' }
    const [first, second] = presentWards([current, ended], today, {
      wardId: 'w1',
      typed,
      error: 'The date the ward ends must be a real date',
    })
    expect(first).toMatchObject({ endValue: typed, endError: 'The date the ward ends must be a real date' })
    expect(second).toMatchObject({ endValue: today, endError: undefined })
  })
})

describe('endingErrors', () => {
  it('links the summary to the refused ward’s date input', () => {
    expect(endWardInputId('w1')).toBe('validTo-w1')
    const errors = {
      summary: [{ text: 'Enter the date the ward ends', href: '#validTo' }],
      fields: { validTo: 'Enter the date the ward ends' },
    }
    expect(endingErrors(errors, 'w1')).toEqual({
      summary: [{ text: 'Enter the date the ward ends', href: '#validTo-w1' }],
      fields: errors.fields,
    })
  })
})
