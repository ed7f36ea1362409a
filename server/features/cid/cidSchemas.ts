import { z } from 'zod'
import { dateField } from '../../http/dates.ts'
import { choice, text, uuid, version } from '../../http/forms.ts'
import { pageParam } from '../../http/paging.ts'

export const cidFilterSchema = z.object({
  areaId: z.union([z.literal(''), uuid]).optional().transform((v) => v || undefined),
  wardId: z.union([z.literal(''), uuid]).optional().transform((v) => v || undefined),
  days: z
    .union([z.literal(''), z.string().regex(/^\d{1,3}$/, 'Days to the time bar must be a whole number from 0 to 200')])
    .optional()
    .transform((v) => (v ? Number(v) : undefined))
    .refine((v) => v === undefined || v <= 200, 'Days to the time bar must be a whole number from 0 to 200'),
  page: pageParam,
})

export const decisionSchema = z.object({ rationale: text('your rationale', 1000), version })
export const rejectSchema = z.object({ rationale: text('why the proposal is rejected', 1000), version })
export const closeSchema = z.object({ rationale: text('a closing note', 1000), version })
export const proposalSchema = z.object({ reason: text('why this person should be handed to CID', 1000) })

export const cidOutcomeSchema = z.object({
  outcome: choice(['not_found', 'arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn'], 'Select the outcome'),
  outcomeOn: dateField('date', { notFuture: true }),
  reference: text('the reference', 60, { required: false }).transform((v) => v || null),
  note: text('a note', 1000, { required: false }).transform((v) => v || null),
  version,
})
