import { z } from 'zod'
import { dateField, optionalDateField } from '../../http/dates.ts'
import { anyOr, choice, text, uuid, version } from '../../http/forms.ts'
import { pageParam } from '../../http/paging.ts'
import { pathways } from '../people/vocabulary.ts'
import { contactOutcomes } from './contactOutcomes.ts'

export const contactSchema = z.object({
  contactDate: dateField('contact date', { notFuture: true }),
  contactType: text('a contact type', 40),
  pathway: choice(pathways, 'Select a pathway'),
  note: text('a note of the contact', 4000),
  outcome: choice(contactOutcomes, 'Select the outcome of the contact'),
})

export const actionSchema = z.object({
  description: text('what needs doing', 500),
  ownerId: uuid.or(z.literal('')).pipe(z.guid({ error: 'Select who owns the action' })),
  dueDate: dateField('due date', { notPast: true }),
  actionPathway: choice(pathways, 'Select a pathway'),
})

export const completeActionSchema = z.object({ version })

/** My actions' query string: ?due=today for the actions due today only (the home page's count). */
export const myActionsFilterSchema = z.object({
  due: anyOr(z.enum(['today'], { error: 'Show all actions or those due today' })),
})

/** The contact history's filters, in the form's order (the error summary follows it). */
export const contactFilterFields = ['type', 'from', 'to', 'q'] as const

/**
 * The contact history's query string: a contact type from the list (retired types too, which old
 * contacts still have), a date range, words to find in the notes, and the page. Blank is "any".
 */
export function contactFilterSchema(typeCodes: readonly string[]) {
  return z
    .object({
      type: anyOr(
        z.string().refine((v) => typeCodes.includes(v), 'Select a type of contact from the list'),
        'Select a type of contact from the list',
      ),
      from: optionalDateField('from date'),
      to: optionalDateField('to date'),
      q: text('the words to search for', 100, { required: false }).transform((v) => v || undefined),
      page: pageParam,
    })
    .refine((v) => !v.from || !v.to || v.from <= v.to, {
      path: ['to'],
      message: 'The to date must be on or after the from date',
    })
}

export type ContactFilters = { type?: string; from?: string; to?: string; text?: string }
