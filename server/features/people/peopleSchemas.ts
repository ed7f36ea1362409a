import { z } from 'zod'
import { dateField, optionalDateField } from '../../http/dates.ts'
import { choice, text, uuid, version } from '../../http/forms.ts'
import { builds, eyeColours, genders, restrictedPurposes } from './vocabulary.ts'
import { normaliseCroNumber, normalisePncId, type IdentifierResult } from './identifiers.ts'

const optionalText = (label: string, max: number) =>
  text(label, max, { required: false }).transform((value) => (value === '' ? null : value))

const optionalUuid = z
  .union([z.literal(''), uuid], { error: 'Select from the list' })
  .optional()
  .transform((value) => value || null)

/** An identifier typed into a form, or none: blank is none, anything else must normalise (its message if not). */
const optionalIdentifier = (normalise: (typed: string) => IdentifierResult) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const trimmed = (value ?? '').trim()
      if (!trimmed) return null
      const result = normalise(trimmed.slice(0, 40))
      if (!result.ok) {
        ctx.addIssue({ code: 'custom', message: result.message })
        return z.NEVER
      }
      return result.value
    })

const pncId = optionalIdentifier(normalisePncId)
const croNumber = optionalIdentifier(normaliseCroNumber)

export const personSchema = z.object({
  surname: text('a surname', 100),
  forenames: text('forenames', 100),
  dateOfBirth: dateField('date of birth', { notFuture: true }),
  gender: choice(genders, 'Select a gender'),
  pncId,
  croNumber,
  address: optionalText('an address', 300),
  wardId: optionalUuid,
  areaId: uuid.or(z.literal('').transform(() => undefined)).pipe(z.guid({ error: 'Select a borough' })),
  confirmNotDuplicate: z.literal('yes').optional(),
})

export const editPersonSchema = personSchema.omit({ confirmNotDuplicate: true }).extend({ version })

export type PersonInput = z.infer<typeof personSchema>

export const aliasSchema = z.object({
  aliasSurname: text('the alias surname', 100),
  aliasForenames: text('the alias forenames', 100),
})

export const markerSchema = z
  .object({
    markerCode: text('a marker', 40),
    startDate: dateField('start date', { notFuture: true }),
    reviewDate: optionalDateField('review date'),
    markerNote: optionalText('a note', 500),
  })
  .refine((v) => !v.reviewDate || v.reviewDate >= v.startDate, {
    path: ['reviewDate'],
    message: 'Review date must be after the start date',
  })

/** The record a purpose is stated for, as the restricted record gate named it. */
export const restrictedRecordSchema = z.object({
  via: z.enum([
    'person',
    'action',
    'appointment',
    'cidEntry',
    'drugTest',
    'failure',
    'membership',
    'partnerLink',
    'referral',
  ]),
  recordId: uuid,
})

export const accessPurposeSchema = z.object({
  purpose: choice(restrictedPurposes, 'Select why you need to open this record'),
  purposeDetail: text('the reason in your own words', 500),
})

export const restrictionSchema = z.object({
  reason: text('why', 500),
  version,
  restricted: z.enum(['yes', 'no'], { error: 'Select yes or no' }),
})

export const searchSchema = z.object({
  q: text('a name, PNC ID, CRO number or date of birth', 100).refine(
    (v) => v.length >= 2,
    'Enter at least 2 characters',
  ),
})

/** A choice from a list that may be left unanswered ('' or absent is "not recorded"). */
const optionalChoice = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z
    .preprocess(
      (value) => (value === undefined ? '' : value),
      z.union([z.literal(''), z.enum(values)], { error: message }),
    )
    .transform((value) => (value === '' ? null : value))

const heightCm = z
  .preprocess(
    (value) => (value === undefined ? '' : value),
    z.string({ error: 'Enter height as a whole number of centimetres, like 178' }),
  )
  .transform((value, ctx) => {
    const trimmed = value.trim()
    if (trimmed === '') return null
    if (!/^\d{1,3}$/.test(trimmed)) {
      ctx.addIssue({ code: 'custom', message: 'Enter height as a whole number of centimetres, like 178' })
      return z.NEVER
    }
    const cm = Number(trimmed)
    if (cm < 100 || cm > 250) {
      ctx.addIssue({ code: 'custom', message: 'Height must be between 100 cm and 250 cm' })
      return z.NEVER
    }
    return cm
  })

export const descriptionSchema = z.object({
  heightCm,
  build: optionalChoice(builds, 'Select a build from the list'),
  hair: optionalText('hair colour and style', 100),
  eyes: optionalChoice(eyeColours, 'Select an eye colour from the list'),
  distinguishingMarks: optionalText('distinguishing marks', 500),
  version,
})
