import { z } from 'zod'
import { dateField, optionalDateField } from '../../http/dates.ts'
import { choice, text, version } from '../../http/forms.ts'
import { londonInstant } from './dipRules.ts'

const results = ['positive', 'negative', 'not_tested'] as const
const yesNo = (message: string) => z.enum(['yes', 'no'], { error: message }).transform((v) => v === 'yes')

const realTime = /^([01]?\d|2[0-3]):[0-5]\d$/
const notATime = (label: string) => `${label.charAt(0).toUpperCase()}${label.slice(1)} must be a real time in 24-hour format, like 14:30`

export const time = (label: string) =>
  z
    .string({ error: `Enter ${label}` })
    .transform((v) => v.trim().replace('.', ':'))
    .refine((v) => v.length > 0, `Enter ${label}`)
    .refine((v) => realTime.test(v), notATime(label))
    .transform((v) => v.padStart(5, '0'))

/**
 * A time that may be left blank (null). Not a union of '' and `time`: zod answers a value that
 * no branch of a union takes with a bare "Invalid input", where this says what a time must be.
 */
const optionalTime = (label: string) =>
  z
    .string({ error: notATime(label) })
    .optional()
    .transform((v) => (v ?? '').trim().replace('.', ':'))
    .refine((v) => v === '' || realTime.test(v), notATime(label))
    .transform((v) => (v === '' ? null : v.padStart(5, '0')))

const optionalText = (label: string, max: number) =>
  text(label, max, { required: false }).transform((v) => (v === '' ? null : v))

export const drugTestSchema = z
  .object({
    custodySuiteCode: text('a custody suite', 40),
    custodyNumber: text('the custody number', 40),
    condition: choice(['arrest', 'charge'], 'Select whether the test was on arrest or on charge'),
    triggerOffenceCode: z.union([z.literal(''), text('a trigger offence', 40)]).optional().transform((v) => v || null),
    authorisedBy: optionalText('the authorising inspector', 100),
    sampleDate: dateField('sample date', { notFuture: true, minYear: 2000 }),
    sampleTime: time('the sample time'),
    opiates: choice(results, 'Select the opiates result'),
    cocaine: choice(results, 'Select the cocaine result'),
    refused: yesNo('Select whether the person refused'),
    disputed: yesNo('Select whether the result is disputed'),
  })
  .superRefine((v, ctx) => {
    if (!v.triggerOffenceCode && !v.authorisedBy) {
      ctx.addIssue({ code: 'custom', path: ['triggerOffenceCode'], message: 'Select the trigger offence, or give the inspector who authorised the test' })
    }
    if (v.refused && (v.opiates !== 'not_tested' || v.cocaine !== 'not_tested')) {
      ctx.addIssue({ code: 'custom', path: ['refused'], message: 'A refused test has no results: choose "not tested" for both' })
    }
  })
  .transform(({ sampleDate, sampleTime, ...rest }) => ({ ...rest, sampleTakenAt: londonInstant(sampleDate, sampleTime) }))
export const drugTestFieldOrder = ['custodySuiteCode', 'custodyNumber', 'condition', 'triggerOffenceCode', 'authorisedBy', 'sampleDate', 'sampleTime', 'opiates', 'cocaine', 'refused', 'disputed'] as const

export const confirmationSchema = z.object({
  opiates: choice(results, 'Select the confirmed opiates result'),
  cocaine: choice(results, 'Select the confirmed cocaine result'),
  confirmedOn: dateField('date of the laboratory result', { notFuture: true }),
})

const appointmentFields = {
  appointmentDate: dateField('appointment date', { minYear: 2000 }),
  appointmentTime: time('the appointment time'),
  place: text('the place', 200),
}

export const assessmentSchema = z
  .object({ ...appointmentFields, assessor: text('the assessor', 100) })
  .transform(({ appointmentDate, appointmentTime, ...rest }) => ({ ...rest, scheduledAt: londonInstant(appointmentDate, appointmentTime) }))
export const assessmentFieldOrder = ['appointmentDate', 'appointmentTime', 'place', 'assessor'] as const

export const rescheduleSchema = z
  .object({ ...appointmentFields, reason: text('why the appointment changed', 500), version })
  .transform(({ appointmentDate, appointmentTime, ...rest }) => ({ ...rest, scheduledAt: londonInstant(appointmentDate, appointmentTime) }))
export const rescheduleFieldOrder = ['appointmentDate', 'appointmentTime', 'place', 'reason'] as const

export const attendanceSchema = z
  .object({
    outcome: choice(['attended', 'left_early', 'did_not_attend'], 'Select what happened'),
    goodCause: yesNo('Select whether there was good cause').optional(),
    goodCauseNote: optionalText('a note about good cause', 1000),
    followUp: z.union([z.literal(''), z.enum(['ra4', 'ra5'])], { error: 'Select a follow-up decision' }).optional().transform((v) => v || null),
    followUpDate: optionalDateField('follow-up date'),
    followUpTime: optionalTime('the follow-up time'),
    followUpPlace: optionalText('the follow-up place', 200),
    followUpAssessor: optionalText('the follow-up assessor', 100),
  })
  .superRefine((v, ctx) => {
    if (v.outcome !== 'attended' && v.goodCause === undefined) {
      ctx.addIssue({ code: 'custom', path: ['goodCause'], message: 'Select whether there was good cause' })
    }
    if (v.outcome !== 'attended' && v.goodCause && !v.goodCauseNote) {
      ctx.addIssue({ code: 'custom', path: ['goodCauseNote'], message: 'Say what the good cause was' })
    }
    if (v.followUp === 'ra4') {
      if (!v.followUpDate) ctx.addIssue({ code: 'custom', path: ['followUpDate'], message: 'Enter the follow-up date' })
      if (!v.followUpTime) ctx.addIssue({ code: 'custom', path: ['followUpTime'], message: 'Enter the follow-up time' })
      if (!v.followUpPlace) ctx.addIssue({ code: 'custom', path: ['followUpPlace'], message: 'Enter the follow-up place' })
      if (!v.followUpAssessor) ctx.addIssue({ code: 'custom', path: ['followUpAssessor'], message: 'Enter the follow-up assessor' })
    }
  })
  .transform((v) => ({
    outcome: v.outcome,
    goodCause: v.outcome === 'attended' ? false : Boolean(v.goodCause),
    goodCauseNote: v.goodCauseNote,
    followUp: v.followUp,
    followUpAt: v.followUp === 'ra4' && v.followUpDate && v.followUpTime ? londonInstant(v.followUpDate, v.followUpTime) : null,
    followUpPlace: v.followUp === 'ra4' ? v.followUpPlace : null,
    followUpAssessor: v.followUp === 'ra4' ? v.followUpAssessor : null,
  }))
export const attendanceFieldOrder = ['outcome', 'goodCause', 'goodCauseNote', 'followUp', 'followUpDate', 'followUpTime', 'followUpPlace', 'followUpAssessor'] as const

export const statementSchema = z.object({ version })

export const wantedSchema = z.object({
  wantedOn: dateField('date circulated', { notFuture: true }),
  reference: text('the circulation reference', 60),
  version,
})

export const outcomeSchema = z.object({
  outcome: choice(['arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn'], 'Select the outcome'),
  outcomeOn: dateField('date of the outcome', { notFuture: true }),
  reference: optionalText('the reference', 60),
  note: optionalText('a note', 1000),
  version,
})
