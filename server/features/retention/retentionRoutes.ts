import type { Request, Response } from 'express'
import { z } from 'zod'
import { dateParts, dateField, gatherDates, keepDateValues } from '../../http/dates.ts'
import { addMonths, todayInLondon } from '../../domain/time.ts'
import { keepValues, text, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { formatDate, formatDateTime } from '../../presenters/format.ts'
import { shownRow } from '../../presenters/shownRow.ts'
import { actorFrom } from '../audit/actor.ts'
import { fullName } from '../people/peoplePresenter.ts'
import { personIdFrom } from '../people/personAccess.ts'
import type { RetentionService } from './retentionService.ts'

const decisionSchema = z
  .object({
    decision: z.enum(['retain', 'dispose'], { error: 'Select retain or dispose' }),
    reason: text('the reason for the decision', 1000),
    nextReviewOn: z.object({ day: z.string().optional(), month: z.string().optional(), year: z.string().optional() }).optional(),
    confirmDisposal: z.literal('yes').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'dispose' && v.confirmDisposal !== 'yes') {
      ctx.addIssue({ code: 'custom', path: ['confirmDisposal'], message: 'Confirm that the record is to be erased: this cannot be undone' })
    }
  })
// After today: a record retained until today would still be on the queue it was just taken off.
const nextReviewSchema = z.object({ nextReviewOn: dateField('next review date').refine((day) => day > todayInLondon(), 'Next review date must be in the future') })

export function retentionRoutes({ retentionService }: { retentionService: RetentionService }): RouteDefinition[] {
  async function reviewPage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const found = await retentionService.reviewPage(signedInUser(req), personIdFrom(req), actorFrom(req))
    if (!found) throw notFound('Person')
    await renderPage(res, 'retention/review', {
      title: 'Retention review',
      person: { id: found.person.id, name: fullName(found.person), dateOfBirth: formatDate(found.person.date_of_birth) },
      reviewOn: formatDate(found.reviewOn),
      decisions: found.decisions.map((d) => ({ ...d, when: formatDateTime(d.decided_at), next: formatDate(d.next_review_on) })),
      values: { nextReviewOn: dateParts(addMonths(todayInLondon(), 12 * 2)), ...values },
      errors,
    }, errors ? 400 : 200)
  }

  async function subjectAccess(req: Request, res: Response, format: 'html' | 'json') {
    const found = await retentionService.subjectAccess(signedInUser(req), personIdFrom(req), actorFrom(req), format)
    if (!found) throw notFound('Person')
    if (format === 'json') {
      res.setHeader('Content-Disposition', `attachment; filename="subject-access-${found.person.id}-OFFICIAL-SENSITIVE.json"`)
      return res.type('application/json').send(JSON.stringify({ marking: 'OFFICIAL-SENSITIVE', generatedAt: new Date().toISOString(), person: found.person, ...found.sections }, null, 2))
    }
    await renderPage(res, 'retention/subjectAccess', {
      title: 'Subject access pack',
      printable: true,
      name: fullName(found.person),
      personId: found.person.id,
      generated: formatDateTime(new Date()),
      sections: [['person', [found.person]], ...Object.entries(found.sections)].map(([name, rows]) => ({
        name: String(name).replace(/_/g, ' '),
        rows: (rows as Record<string, unknown>[]).map((row) =>
          Object.entries(row).map(([key, value]) => [key.replace(/_/g, ' '), value instanceof Date ? value.toISOString() : value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)]),
        ),
      })),
    })
  }

  return [
    {
      method: 'get',
      path: '/retention',
      access: 'retention.review',
      audit: 'consultation',
      handler: async (req, res) => {
        const rows = await retentionService.queue(signedInUser(req), actorFrom(req))
        await renderPage(res, 'retention/queue', { title: 'Retention reviews', rows: rows.map((r) => shownRow(r, { name: fullName(r), reviewOn: formatDate(r.review_on), dateOfBirth: formatDate(r.date_of_birth) })) })
      },
    },
    { method: 'get', path: '/people/:personId/retention', access: 'retention.review', person: { via: 'person', param: 'personId' }, audit: 'consultation', handler: (req, res) => reviewPage(req, res, {}) },
    {
      method: 'post',
      path: '/people/:personId/retention',
      access: 'retention.review',
      person: { via: 'person', param: 'personId' },
      audit: 'erasure',
      handler: async (req, res) => {
        const values = { ...keepValues(req.body, ['decision', 'reason']), ...keepDateValues(req.body, ['nextReviewOn']) }
        const order = ['decision', 'reason', 'nextReviewOn', 'confirmDisposal']
        const body = gatherDates(req.body, ['nextReviewOn'])
        const parsed = decisionSchema.safeParse(body)
        if (!parsed.success) return reviewPage(req, res, values, toFormErrors(parsed.error, order))
        const user = signedInUser(req)
        const personId = personIdFrom(req)
        if (parsed.data.decision === 'retain') {
          const next = nextReviewSchema.safeParse(body)
          if (!next.success) return reviewPage(req, res, values, toFormErrors(next.error, order))
          if (!(await retentionService.retain(user, personId, parsed.data.reason, next.data.nextReviewOn, actorFrom(req)))) throw notFound('Person')
          req.session.flash = { kind: 'success', text: `Record retained until the next review on ${formatDate(next.data.nextReviewOn)}` }
          return res.redirect(303, '/retention')
        }
        if (!(await retentionService.dispose(user, personId, parsed.data.reason, actorFrom(req)))) throw notFound('Person')
        req.session.flash = { kind: 'success', text: 'The record has been erased. The audit log keeps the fact of the erasure.' }
        res.redirect(303, '/retention')
      },
    },
    { method: 'get', path: '/people/:personId/subject-access', access: 'subject_access.export', person: { via: 'person', param: 'personId' }, audit: 'disclosure', handler: (req, res) => subjectAccess(req, res, 'html') },
    { method: 'get', path: '/people/:personId/subject-access.json', access: 'subject_access.export', person: { via: 'person', param: 'personId' }, audit: 'disclosure', handler: (req, res) => subjectAccess(req, res, 'json') },
  ]
}
