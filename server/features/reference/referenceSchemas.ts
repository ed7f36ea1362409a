import { z } from 'zod'
import { dateField } from '../../http/dates.ts'
import { text, uuid } from '../../http/forms.ts'

export const addEntrySchema = z.object({
  code: text('a code', 40).refine(
    (v) => /^[A-Za-z0-9_]*$/.test(v),
    'Code must contain only letters, numbers and underscores',
  ),
  label: text('a name', 200),
})

export const updateEntrySchema = z.object({
  label: text('a name', 200),
  active: z.enum(['yes', 'no'], { error: 'Select whether it is in use' }),
})

export const wardSchema = z.object({
  boroughId: uuid.or(z.literal('')).pipe(z.guid({ error: 'Select a borough' })),
  name: text('the ward name', 100),
  validFrom: dateField('the date the ward starts'),
})

export const endWardSchema = z.object({ validTo: dateField('the date the ward ends') })
