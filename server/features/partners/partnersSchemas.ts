import { z } from 'zod'
import type { LinkAgency } from '../../../db/types.ts'
import { agencies } from '../../auth/roles.ts'
import { dateField, optionalDateField } from '../../http/dates.ts'
import { checkboxes, choice, text, version } from '../../http/forms.ts'
import { sharingCategories } from './disclosurePolicy.ts'
import { bragRatings, linkAgencies, mashDecisions, yosDisposals } from './partnersVocabulary.ts'

const optionalText = (label: string, max: number) => text(label, max, { required: false }).transform((v) => (v === '' ? null : v))
// Blank means "not recorded"; anything else must pass the field's own schema, so its own message is shown
// (a union with '' would answer a wrong value with zod's bare "Invalid input").
const blankToNull = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === undefined ? null : v), schema.nullable())
const wholeNumber = (label: string, min: number, max: number) =>
  z
    .string({ error: `${label} must be a whole number from ${min} to ${max}` })
    .trim()
    .regex(/^\d{1,2}$/, `${label} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${label} must be a whole number from ${min} to ${max}`)
const yesNo = z.enum(['yes', 'no'], { error: 'Select yes or no' }).transform((v) => v === 'yes')

/** Fields that only some agencies have; all optional here, required per agency below. */
const agencyFields = {
  maracRole: blankToNull(choice(['victim', 'perpetrator'], 'Select the person’s role')),
  dashScore: blankToNull(wholeNumber('DASH score', 0, 24)),
  meetingDate: optionalDateField('meeting date'),
  idvaAllocated: blankToNull(yesNo),
  nextReview: optionalDateField('next review date'),
  yosDisposal: blankToNull(choice(yosDisposals, 'Select the disposal')),
  caseManager: optionalText('the case manager', 100),
  transitionDate: optionalDateField('youth-to-adult transition date'),
  bragRating: blankToNull(choice(bragRatings, 'Select the BRAG rating')),
  mashDecision: blankToNull(choice(mashDecisions, 'Select the decision')),
  decisionDate: optionalDateField('decision date', { notFuture: true }),
  childrenInvolved: blankToNull(wholeNumber('Children involved', 0, 30)),
}
export const linkDateFields = ['openedOn', 'closedOn', 'meetingDate', 'nextReview', 'transitionDate', 'decisionDate'] as const

/** The columns that belong to each agency's kind of link; the rest of a link's columns are common to all. */
export const agencyColumns: Record<LinkAgency, readonly string[]> = {
  marac: ['marac_role', 'dash_score', 'meeting_date', 'idva_allocated', 'next_review'],
  yos: ['yos_disposal', 'case_manager', 'transition_date'],
  mash: ['brag_rating', 'mash_decision', 'decision_date', 'children_involved'],
}

/** What a link of each agency must keep, as a new link must have it: column, form field, message. */
export const requiredLinkColumns: Record<LinkAgency, readonly (readonly [string, string, string])[]> = {
  marac: [
    ['marac_role', 'maracRole', 'Select the person’s role'],
    ['dash_score', 'dashScore', 'Enter the DASH score'],
  ],
  yos: [['yos_disposal', 'yosDisposal', 'Select the disposal']],
  mash: [['brag_rating', 'bragRating', 'Select the BRAG rating']],
}

function requireForAgency(agency: LinkAgency, v: Record<string, unknown>, ctx: z.RefinementCtx) {
  for (const [, field, message] of requiredLinkColumns[agency]) {
    if (v[field] === null || v[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message })
  }
}

export const newLinkSchema = z
  .object({
    agency: choice(linkAgencies, 'Select the agency'),
    reference: text('the agency’s reference', 60),
    openedOn: dateField('date opened', { notFuture: true }),
    contact: optionalText('the contact', 200),
    agreementId: z.guid({ error: 'Select the information-sharing agreement' }),
    ...agencyFields,
  })
  .superRefine((v, ctx) => requireForAgency(v.agency, v, ctx))
export const newLinkFieldOrder = ['agency', 'reference', 'openedOn', 'contact', 'agreementId', 'maracRole', 'dashScore', 'meetingDate', 'idvaAllocated', 'nextReview', 'yosDisposal', 'caseManager', 'transitionDate', 'bragRating', 'mashDecision', 'decisionDate', 'childrenInvolved'] as const

export const linkUpdateSchema = z.object({
  status: choice(['open', 'closed'], 'Select the status'),
  closedOn: optionalDateField('date closed', { notFuture: true }),
  contact: optionalText('the contact', 200),
  ...agencyFields,
  version,
})
export const linkUpdateFieldOrder = ['status', 'closedOn', 'contact', 'maracRole', 'dashScore', 'meetingDate', 'idvaAllocated', 'nextReview', 'yosDisposal', 'caseManager', 'transitionDate', 'bragRating', 'mashDecision', 'decisionDate', 'childrenInvolved'] as const

export const agreementSchema = z
  .object({
    name: text('a name', 200),
    agency: choice(agencies, 'Select the partner agency'),
    categories: checkboxes(choice(sharingCategories, 'Select categories from the list')).refine((c) => c.length > 0, 'Select at least one category'),
    startsOn: dateField('start date'),
    endsOn: optionalDateField('end date'),
  })
  .refine((v) => !v.endsOn || v.endsOn >= v.startsOn, { path: ['endsOn'], message: 'End date must be on or after the start date' })
export const agreementFieldOrder = ['name', 'agency', 'categories', 'startsOn', 'endsOn'] as const
export const agreementUpdateSchema = z
  .object({
    name: text('a name', 200),
    categories: checkboxes(choice(sharingCategories, 'Select categories from the list')).refine((c) => c.length > 0, 'Select at least one category'),
    startsOn: dateField('start date'),
    endsOn: optionalDateField('end date'),
    version,
  })
  .refine((v) => !v.endsOn || v.endsOn >= v.startsOn, { path: ['endsOn'], message: 'End date must be on or after the start date' })

/** Form names (camelCase) to columns. */
export function toLinkColumns(v: Partial<Record<(typeof newLinkFieldOrder)[number] | 'status' | 'closedOn', unknown>>) {
  const map: Record<string, string> = {
    status: 'status',
    closedOn: 'closed_on',
    contact: 'contact',
    maracRole: 'marac_role',
    dashScore: 'dash_score',
    meetingDate: 'meeting_date',
    idvaAllocated: 'idva_allocated',
    nextReview: 'next_review',
    yosDisposal: 'yos_disposal',
    caseManager: 'case_manager',
    transitionDate: 'transition_date',
    bragRating: 'brag_rating',
    mashDecision: 'mash_decision',
    decisionDate: 'decision_date',
    childrenInvolved: 'children_involved',
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(v)) if (map[key] && value !== undefined) out[map[key]] = value
  return out
}
