import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { optionalDateField } from '../../server/http/dates.ts'
import { fieldsOf, formReader } from '../../server/http/formPost.ts'
import { choice, noneOr, revealedBy, text } from '../../server/http/forms.ts'

// revealedBy: a field shown under a radio (a GOV.UK conditional reveal) is checked and kept only
// while that radio is chosen; whatever a hidden field holds is blanked before the form is checked.

const contact = revealedBy(
  z.object({
    how: choice(['email', 'phone', 'post'], 'Select how to contact you'),
    email: text('an email address', 100, { required: false }),
    phone: text('a phone number', 20, { required: false }),
    callOn: optionalDateField('day to call', { minYear: 2000 }),
    callNote: text('a note for the call', 50, { required: false }),
    note: text('a note', 10, { required: false }),
  }),
  { how: { email: ['email'], phone: ['phone', 'callOn', 'callNote'] } },
).superRefine((v, ctx) => {
  if (v.how === 'email' && !v.email)
    ctx.addIssue({ code: 'custom', path: ['email'], message: 'Enter an email address' })
})

const nested = revealedBy(
  z.object({
    outer: choice(['a', 'b'], 'Select one'),
    inner: noneOr(z.enum(['x', 'y']), 'Select x or y'),
    deep: text('the deep field', 5, { required: false }),
  }),
  { outer: { a: ['inner'] }, inner: { x: ['deep'] } },
)

const tooLong = 'x'.repeat(101)
const impossibleDate = { day: '31', month: '2', year: '2026' }
// A date input always arrives as its three parts, gathered by formPost.
const blankDate = { day: '', month: '', year: '' }

describe('revealedBy', () => {
  it('ignores the fields of the options not chosen: neither checked nor kept', () => {
    const parsed = contact.parse({ how: 'email', email: 'a@b.example', phone: tooLong, callOn: impossibleDate })
    expect(parsed).toEqual({ how: 'email', email: 'a@b.example', phone: '', callOn: null, callNote: '', note: '' })
  })

  it('checks the fields of the option chosen, and the refinements still see them', () => {
    expect(
      contact.safeParse({ how: 'phone', phone: tooLong, callOn: blankDate }).error?.issues.map((i) => i.path[0]),
    ).toEqual(['phone'])
    expect(contact.safeParse({ how: 'phone', callOn: impossibleDate }).error?.issues[0]?.message).toBe(
      'Day to call must be a real date',
    )
    expect(contact.safeParse({ how: 'email', email: '' }).error?.issues[0]?.message).toBe('Enter an email address')
    expect(
      contact.parse({ how: 'phone', phone: '0123', callOn: { day: '1', month: '2', year: '2026' } }),
    ).toMatchObject({ phone: '0123', callOn: '2026-02-01' })
  })

  it('always checks a field no option reveals', () => {
    expect(contact.safeParse({ how: 'post', note: tooLong }).error?.issues.map((i) => i.path[0])).toEqual(['note'])
  })

  it('hides what lies inside a hidden field: an outer choice first, then the choices inside it', () => {
    expect(nested.parse({ outer: 'b', inner: 'nonsense', deep: tooLong })).toEqual({
      outer: 'b',
      inner: null,
      deep: '',
    })
    expect(nested.parse({ outer: 'a', inner: 'y', deep: tooLong })).toEqual({ outer: 'a', inner: 'y', deep: '' })
    expect(nested.safeParse({ outer: 'a', inner: 'x', deep: tooLong }).success).toBe(false)
    expect(nested.safeParse({ outer: 'a', inner: 'nonsense' }).success).toBe(false)
  })

  it('a chosen value that is no option, or not one value, reveals nothing and breaks nothing', () => {
    for (const how of ['constructor', '__proto__', 'toString', 'hasOwnProperty', ['email', 'phone'], undefined]) {
      const result = contact.safeParse({ how, email: tooLong, phone: tooLong, callOn: impossibleDate })
      expect(result.error?.issues.map((i) => i.path[0])).toEqual(['how'])
    }
  })

  it('keeps the form readable by formPost: field order and date inputs, as the object declares them', () => {
    expect(fieldsOf(contact)).toEqual({
      names: ['how', 'email', 'phone', 'callOn', 'callNote', 'note'],
      dates: ['callOn'],
    })
    const read = formReader(contact)
    const refused = read({
      how: 'phone',
      phone: tooLong,
      'callOn-day': '31',
      'callOn-month': '2',
      'callOn-year': '2026',
    })
    expect(refused.errors?.summary.map((s) => s.href)).toEqual(['#phone', '#callOn'])
    expect(refused.values).toMatchObject({ how: 'phone', callOn: impossibleDate })
    // The same date typed under another option is kept to show again, but not checked.
    const hidden = read({
      how: 'email',
      email: 'a@b.example',
      'callOn-day': '31',
      'callOn-month': '2',
      'callOn-year': '2026',
    })
    expect(hidden.errors).toBeUndefined()
    expect(hidden.data).toMatchObject({ callOn: null })
    expect(hidden.values).toMatchObject({ callOn: impossibleDate })
  })
})
