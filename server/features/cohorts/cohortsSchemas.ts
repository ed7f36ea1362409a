import { z } from 'zod'
import { dateField } from '../../http/dates.ts'
import { anyOr, choice, noneOr, revealedBy, text, uuid, version } from '../../http/forms.ts'
import { programmes, selectionMethods, tiers } from '../people/vocabulary.ts'

export const referralSchema = z.object({
  programme: choice(programmes, 'Select a programme'),
  source: text('where the referral came from', 40),
  reason: text('the reason for the referral', 2000),
})

export const acceptSchema = z.object({
  tier: choice(tiers, 'Select a tier'),
  // Not z.coerce.number: that reads a blank box as 0, and a score must always be given.
  score: z
    .string({ error: 'Enter the selection score' })
    .trim()
    .min(1, 'Enter the selection score')
    .regex(/^\d{1,6}(\.\d{1,2})?$/, 'Enter the selection score as a number, like 42 or 42.5')
    .transform(Number)
    .pipe(z.number().max(100000, 'Selection score must be 100,000 or less')),
  method: choice(selectionMethods, 'Select how the score was worked out'),
  scoreDate: dateField('score date', { notFuture: true }),
  leadOfficerId: uuid.or(z.literal('')).pipe(z.guid({ error: 'Select a lead officer' })),
  version,
})

export const declineSchema = z.object({ declineReason: text('why the referral is declined', 1000), version })

const eventKinds = ['in_custody', 'released', 'tier_changed', 'lead_officer_changed', 'deselected'] as const
export const membershipEventSchema = revealedBy(
  z.object({
    kind: choice(eventKinds, 'Select what happened'),
    eventDate: dateField('date it happened', { notFuture: true }),
    tier: noneOr(choice(tiers, 'Select a tier')),
    leadOfficerId: noneOr(uuid),
    deselectionReason: noneOr(text('a reason', 40)),
    eventNote: text('a note', 1000, { required: false }),
    version,
  }),
  // Each kind of change has its own detail; the others' are ignored, whatever they hold.
  { kind: { tier_changed: ['tier'], lead_officer_changed: ['leadOfficerId'], deselected: ['deselectionReason'] } },
).superRefine((value, ctx) => {
  if (value.kind === 'tier_changed' && !value.tier)
    ctx.addIssue({ code: 'custom', path: ['tier'], message: 'Select the new tier' })
  if (value.kind === 'lead_officer_changed' && !value.leadOfficerId) {
    ctx.addIssue({ code: 'custom', path: ['leadOfficerId'], message: 'Select the new lead officer' })
  }
  if (value.kind === 'deselected' && !value.deselectionReason) {
    ctx.addIssue({ code: 'custom', path: ['deselectionReason'], message: 'Select why the person is de-selected' })
  }
})

export const cohortFilterSchema = z.object({
  programme: anyOr(choice(programmes, 'Unknown programme')),
  tier: anyOr(choice(tiers, 'Unknown tier')),
  leadOfficerId: anyOr(uuid),
  areaId: anyOr(uuid),
  wardId: anyOr(uuid),
  openLink: anyOr(z.enum(['marac', 'yos', 'mash', 'any'], { error: 'Unknown partner case filter' })),
  status: anyOr(z.enum(['active', 'in_custody'], { error: 'Unknown status' })),
  page: z.coerce.number().int().min(1).max(10000).optional().default(1),
})
