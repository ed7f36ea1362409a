import { z } from 'zod'
import type { LinkAgency } from '../../../db/types.ts'
import { agencies } from '../../auth/roles.ts'
import { dateField, optionalDateField } from '../../http/dates.ts'
import { checkboxes, choice, text, version } from '../../http/forms.ts'
import { partnerEditableFields, sharingCategories, type LinkRow } from './disclosurePolicy.ts'
import { bragRatings, linkAgencies, mashDecisions, yosDisposals } from './partnersVocabulary.ts'

const optionalText = (label: string, max: number) =>
  text(label, max, { required: false }).transform((v) => (v === '' ? null : v))
// Blank means "not recorded"; anything else must pass the field's own schema, so its own message is shown
// (a union with '' would answer a wrong value with zod's bare "Invalid input").
const blankToNull = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === undefined ? null : v), schema.nullable())
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

/** What a link's edit form sends besides its version. */
const linkUpdateFields = {
  status: choice(['open', 'closed'], 'Select the status'),
  closedOn: optionalDateField('date closed', { notFuture: true }),
  contact: optionalText('the contact', 200),
  ...agencyFields,
}
export const linkUpdateSchema = z.object({ ...linkUpdateFields, version })

/** An agreement's terms, the same when it is added and when it is edited (its agency is fixed once added). */
const agreementTerms = {
  categories: checkboxes(choice(sharingCategories, 'Select categories from the list')).refine(
    (c) => c.length > 0,
    'Select at least one category',
  ),
  startsOn: dateField('start date'),
  endsOn: optionalDateField('end date'),
}
const endsOnOrAfterStart = (v: { startsOn: string; endsOn: string | null }) => !v.endsOn || v.endsOn >= v.startsOn
const endsTooEarly = { path: ['endsOn'], message: 'End date must be on or after the start date' }

export const agreementSchema = z
  .object({ name: text('a name', 200), agency: choice(agencies, 'Select the partner agency'), ...agreementTerms })
  .refine(endsOnOrAfterStart, endsTooEarly)
export const agreementUpdateSchema = z
  .object({ name: text('a name', 200), ...agreementTerms, version })
  .refine(endsOnOrAfterStart, endsTooEarly)

/** Form names (camelCase) to columns. */
const columnOfField: Record<string, string> = {
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

export function toLinkColumns(v: Readonly<Record<string, unknown>>) {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(v))
    if (columnOfField[key] && value !== undefined) out[columnOfField[key]] = value
  return out
}

/** The police may change every field of a link's edit form. */
export const policeEditableFields = Object.keys(linkUpdateFields)
/** A partner may change only some (disclosurePolicy.ts names them by their columns). */
export const partnerEditableFormFields = partnerEditableFields.map((column) =>
  Object.keys(columnOfField).find((field) => columnOfField[field] === column),
)

/** A new link's columns: the chosen agency's own fields, every other agency's left null. */
export function newLinkColumns(v: z.output<typeof newLinkSchema>) {
  const { agency } = v
  const own = <T>(of: LinkRow['agency'], value: T) => (agency === of ? value : null)
  return {
    agency,
    reference: v.reference,
    opened_on: v.openedOn,
    contact: v.contact,
    agreementId: v.agreementId,
    marac_role: own('marac', v.maracRole),
    dash_score: own('marac', v.dashScore),
    meeting_date: own('marac', v.meetingDate),
    idva_allocated: own('marac', v.idvaAllocated),
    next_review: own('marac', v.nextReview),
    yos_disposal: own('yos', v.yosDisposal),
    case_manager: own('yos', v.caseManager),
    transition_date: own('yos', v.transitionDate),
    brag_rating: own('mash', v.bragRating),
    mash_decision: own('mash', v.mashDecision),
    decision_date: own('mash', v.decisionDate),
    children_involved: own('mash', v.childrenInvolved),
  }
}

type LinkChanges = Partial<Omit<LinkRow, 'id' | 'version' | 'agency' | 'repeat_referral'>>

/** An edit's changed columns and the version it was read at; a partner's edit keeps only the columns a partner may change. */
export function linkUpdateOf(
  { version, ...fields }: z.output<typeof linkUpdateSchema>,
  allowed: readonly string[] | 'all',
) {
  const columns = toLinkColumns(fields)
  const kept =
    allowed === 'all'
      ? columns
      : Object.fromEntries(Object.entries(columns).filter(([column]) => allowed.includes(column)))
  return { version, changes: kept as LinkChanges }
}

/** The partner's case list: ?opened=30 for the cases opened in the last 30 days (the home page's count). */
export const partnerCasesFilterSchema = z.object({
  opened: z
    .union([z.literal(''), z.string().regex(/^\d{1,3}$/, 'Opened within must be a whole number of days from 1 to 366')])
    .optional()
    .transform((v) => (v ? Number(v) : undefined))
    .refine(
      (v) => v === undefined || (v >= 1 && v <= 366),
      'Opened within must be a whole number of days from 1 to 366',
    ),
})
