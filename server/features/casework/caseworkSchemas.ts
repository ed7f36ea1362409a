import { z } from 'zod'
import { dateField } from '../../http/dates.ts'
import { choice, text, uuid, version } from '../../http/forms.ts'
import { pathways } from '../people/vocabulary.ts'

export const contactSchema = z.object({
  contactDate: dateField('contact date', { notFuture: true }),
  contactType: text('a contact type', 40),
  pathway: choice(pathways, 'Select a pathway'),
  note: text('a note of the contact', 4000),
})

export const actionSchema = z.object({
  description: text('what needs doing', 500),
  ownerId: uuid.or(z.literal('')).pipe(z.guid({ error: 'Select who owns the action' })),
  dueDate: dateField('due date', { notPast: true }),
  actionPathway: choice(pathways, 'Select a pathway'),
})

export const completeActionSchema = z.object({ version })
