import { z } from 'zod'
import { dateField, optionalDateField } from '../../http/dates.ts'
import { anyOr, choice, text, uuid, version } from '../../http/forms.ts'
import { pageParam } from '../../http/paging.ts'

export const cidFilterSchema = z.object({
  areaId: anyOr(uuid),
  wardId: anyOr(uuid),
  days: z
    .union([z.literal(''), z.string().regex(/^\d{1,3}$/, 'Days to the time bar must be a whole number from 0 to 200')])
    .optional()
    .transform((v) => (v ? Number(v) : undefined))
    .refine((v) => v === undefined || v <= 200, 'Days to the time bar must be a whole number from 0 to 200'),
  countersigned: z
    .union([
      z.literal(''),
      z.string().regex(/^\d{1,3}$/, 'Countersigned within must be a whole number of days from 1 to 366'),
    ])
    .optional()
    .transform((v) => (v ? Number(v) : undefined))
    .refine(
      (v) => v === undefined || (v >= 1 && v <= 366),
      'Countersigned within must be a whole number of days from 1 to 366',
    ),
  page: pageParam,
})

export const decisionSchema = z.object({ rationale: text('your rationale', 1000), version })
export const rejectSchema = z.object({ rationale: text('why the proposal is rejected', 1000), version })
export const closeSchema = z.object({ rationale: text('a closing note', 1000), version })
/** A manual proposal cites a current violent or weapons marker, or adds one with its source. */
export const proposalSchema = z
  .object({
    // In the form's order, which the error summary follows: the marker first, the reason last.
    marker: text('the marker', 40, { required: false }),
    newMarkerCode: z
      .union([z.literal(''), z.enum(['violent', 'weapons'])], { error: 'Select violent or weapons' })
      .optional(),
    newMarkerStart: optionalDateField('marker start date', { notFuture: true, minYear: 1900 }),
    newMarkerSource: text('the source of the marker', 500, { required: false }),
    reason: text('why this person should be handed to CID', 1000),
  })
  .superRefine((v, ctx) => {
    if (!v.marker)
      ctx.addIssue({
        code: 'custom',
        path: ['marker'],
        message: 'Select the violent or weapons marker this proposal relies on, or add one',
      })
    if (v.marker !== 'new') return
    if (!v.newMarkerCode)
      ctx.addIssue({ code: 'custom', path: ['newMarkerCode'], message: 'Select violent or weapons' })
    if (!v.newMarkerStart)
      ctx.addIssue({ code: 'custom', path: ['newMarkerStart'], message: 'Enter the marker start date' })
    if (!v.newMarkerSource)
      ctx.addIssue({
        code: 'custom',
        path: ['newMarkerSource'],
        message: 'Enter the source of the marker: the incident, conviction or intelligence it rests on',
      })
  })
  .transform((v) => ({
    reason: v.reason,
    marker: v.marker,
    newMarker: { code: v.newMarkerCode || 'violent', startDate: v.newMarkerStart ?? '', source: v.newMarkerSource },
  }))

export const cidOutcomeSchema = z.object({
  outcome: choice(
    ['not_found', 'arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn'],
    'Select the outcome',
  ),
  outcomeOn: dateField('date', { notFuture: true }),
  reference: text('the reference', 60, { required: false }).transform((v) => v || null),
  note: text('a note', 1000, { required: false }).transform((v) => v || null),
  version,
})
