import { z } from 'zod'
import { todayInLondon } from '../../domain/time.ts'
import { dateField } from '../../http/dates.ts'
import { text } from '../../http/forms.ts'

// After today: a record retained until today would still be on the queue it was just taken off.
const nextReview = dateField('next review date').refine(
  (day) => day > todayInLondon(),
  'Next review date must be in the future',
)

/**
 * The next review date's three boxes as typed. Marked as a date input as the date fields are (so
 * a form post gathers its boxes), but read as a date only when the record is retained: a disposal
 * ignores it.
 */
const nextReviewBoxes = z
  .object({ day: z.string().optional(), month: z.string().optional(), year: z.string().optional() })
  .optional()
  .meta(nextReview.meta() ?? {})

/**
 * A retention decision. The next review date is checked once the rest of the form is right, and
 * only for a record retained, so a refusal names it alone.
 */
export const decisionSchema = z
  .object({
    decision: z.enum(['retain', 'dispose'], { error: 'Select retain or dispose' }),
    reason: text('the reason for the decision', 1000),
    nextReviewOn: nextReviewBoxes,
    confirmDisposal: z.literal('yes').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'dispose' && v.confirmDisposal !== 'yes') {
      ctx.addIssue({
        code: 'custom',
        path: ['confirmDisposal'],
        message: 'Confirm that the record is to be erased: this cannot be undone',
      })
    }
  })
  .transform((v, ctx) => {
    if (v.decision === 'dispose') return { decision: 'dispose' as const, reason: v.reason }
    const next = nextReview.safeParse(v.nextReviewOn)
    if (!next.success) {
      for (const issue of next.error.issues)
        ctx.addIssue({ code: 'custom', path: ['nextReviewOn'], message: issue.message })
      return z.NEVER
    }
    return { decision: 'retain' as const, reason: v.reason, nextReviewOn: next.data }
  })
