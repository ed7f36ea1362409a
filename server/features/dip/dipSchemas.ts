import { z } from 'zod'
import { dateField, optionalDateField } from '../../http/dates.ts'
import { choice, noneOr, revealedBy, text, version } from '../../http/forms.ts'
import { londonInstant } from './dipRules.ts'

const results = ['positive', 'negative', 'not_tested'] as const
const yesNo = (message: string) => z.enum(['yes', 'no'], { error: message }).transform((v) => v === 'yes')

const realTime = /^([01]?\d|2[0-3]):[0-5]\d$/
const notATime = (label: string) =>
  `${label.charAt(0).toUpperCase()}${label.slice(1)} must be a real time in 24-hour format, like 14:30`

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

export const refusalActions = ['charged', 'reported', 'good_cause', 'pending'] as const

/** The results of a sample that was given. */
const sampleResults = z.object({
  opiates: choice(results, 'Select the opiates result'),
  cocaine: choice(results, 'Select the cocaine result'),
  disputed: yesNo('Select whether the result is disputed'),
})

export const drugTestSchema = z
  .object({
    custodySuiteCode: text('a custody suite', 40),
    custodyNumber: text('the custody number', 40),
    condition: choice(['arrest', 'charge'], 'Select whether the test was on arrest or on charge'),
    triggerOffenceCode: noneOr(text('a trigger offence', 40)),
    authorisedBy: optionalText('the authorising inspector', 100),
    sampleDate: dateField('sample date', { notFuture: true, minYear: 2000 }),
    sampleTime: time('the sample time'),
    refused: yesNo('Select whether the person refused to give a sample'),
    // PACE s63C: refusing without good cause is an offence; a refused test records what was done about it, not results.
    refusalAction: noneOr(z.enum(refusalActions), 'Select what was done about the refusal'),
    // Results are asked only when a sample was given: a refusal ignores whatever the hidden fields hold.
    opiates: z.unknown().optional(),
    cocaine: z.unknown().optional(),
    disputed: z.unknown().optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.triggerOffenceCode && !v.authorisedBy) {
      ctx.addIssue({
        code: 'custom',
        path: ['triggerOffenceCode'],
        message: 'Select the trigger offence, or give the inspector who authorised the test',
      })
    }
    if (v.refused && !v.refusalAction)
      ctx.addIssue({
        code: 'custom',
        path: ['refusalAction'],
        message: 'Select what was done about the refusal (PACE s63C)',
      })
    if (!v.refused) {
      const given = sampleResults.safeParse(v)
      if (!given.success)
        for (const issue of given.error.issues)
          ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message })
    }
  })
  .transform(({ sampleDate, sampleTime, opiates, cocaine, disputed, ...rest }) => {
    const sampleTakenAt = londonInstant(sampleDate, sampleTime)
    if (rest.refused)
      return { ...rest, opiates: 'not_tested' as const, cocaine: 'not_tested' as const, disputed: false, sampleTakenAt }
    return { ...rest, ...sampleResults.parse({ opiates, cocaine, disputed }), refusalAction: null, sampleTakenAt }
  })

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

/** RA1: when and by whom the requirement was imposed in custody (what a statement cites), and the initial appointment. */
export const assessmentSchema = z
  .object({
    imposedDate: dateField('date the requirement was imposed', { notFuture: true, minYear: 2000 }),
    imposedTime: time('the time the requirement was imposed'),
    imposedByOfficer: optionalText('the officer who imposed the requirement', 100),
    ...appointmentFields,
    assessor: text('the assessor', 100),
  })
  .transform(({ appointmentDate, appointmentTime, imposedDate, imposedTime, ...rest }) => ({
    ...rest,
    imposedAt: londonInstant(imposedDate, imposedTime),
    scheduledAt: londonInstant(appointmentDate, appointmentTime),
  }))

export const withdrawStatementSchema = z.object({ reason: text('why the statement is withdrawn', 1000), version })

export const rescheduleSchema = z
  .object({ ...appointmentFields, reason: text('why the appointment changed', 500), version })
  .transform(({ appointmentDate, appointmentTime, ...rest }) => ({
    ...rest,
    scheduledAt: londonInstant(appointmentDate, appointmentTime),
  }))

const goodCauseFields = ['goodCause', 'goodCauseNote'] as const

export const attendanceSchema = revealedBy(
  z.object({
    outcome: choice(['attended', 'left_early', 'did_not_attend'], 'Select what happened'),
    goodCause: yesNo('Select whether there was good cause').optional(),
    goodCauseNote: optionalText('a note about good cause', 1000),
    followUp: noneOr(z.enum(['ra4', 'ra5']), 'Select a follow-up decision'),
    followUpDate: optionalDateField('follow-up date'),
    followUpTime: optionalTime('the follow-up time'),
    followUpPlace: optionalText('the follow-up place', 200),
    followUpAssessor: optionalText('the follow-up assessor', 100),
  }),
  {
    // Good cause is asked only of a failure to attend or to remain (ss12, 14), the follow-up
    // (RA4 or RA5) only of an attendance; whether it may be decided at all is the service's rule.
    outcome: { attended: ['followUp'], left_early: goodCauseFields, did_not_attend: goodCauseFields },
    goodCause: { yes: ['goodCauseNote'] },
    followUp: { ra4: ['followUpDate', 'followUpTime', 'followUpPlace', 'followUpAssessor'] },
  },
)
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
      if (!v.followUpPlace)
        ctx.addIssue({ code: 'custom', path: ['followUpPlace'], message: 'Enter the follow-up place' })
      if (!v.followUpAssessor)
        ctx.addIssue({ code: 'custom', path: ['followUpAssessor'], message: 'Enter the follow-up assessor' })
    }
  })
  .transform((v) => ({
    outcome: v.outcome,
    goodCause: v.outcome === 'attended' ? false : Boolean(v.goodCause),
    goodCauseNote: v.goodCauseNote,
    followUp: v.followUp,
    followUpAt:
      v.followUp === 'ra4' && v.followUpDate && v.followUpTime ? londonInstant(v.followUpDate, v.followUpTime) : null,
    followUpPlace: v.followUp === 'ra4' ? v.followUpPlace : null,
    followUpAssessor: v.followUp === 'ra4' ? v.followUpAssessor : null,
  }))

export const statementSchema = z.object({ version })

export const wantedSchema = z.object({
  wantedOn: dateField('date circulated', { notFuture: true }),
  reference: text('the circulation reference', 60),
  version,
})

/** The police's outcome of a wanted failure: an arrest names its custody number (which the service requires). */
export const outcomeSchema = revealedBy(
  z.object({
    outcome: choice(['arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn'], 'Select the outcome'),
    outcomeOn: dateField('date of the outcome', { notFuture: true }),
    reference: optionalText('the custody number', 60),
    note: optionalText('a note', 1000),
    version,
  }),
  { outcome: { arrested: ['reference'] } },
)
