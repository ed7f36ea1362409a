import type { Request, Response } from 'express'
import { addMonths, todayInLondon } from '../../domain/time.ts'
import { dateParts } from '../../http/dates.ts'
import { formPost, type FormValues } from '../../http/formPost.ts'
import type { FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { personIdFrom } from '../people/personAccess.ts'
import {
  disposedMessage,
  presentQueueRow,
  presentReview,
  presentSubjectAccess,
  retainedMessage,
  subjectAccessDocument,
} from './retentionPresenter.ts'
import { decisionSchema } from './retentionSchemas.ts'
import type { RetentionService } from './retentionService.ts'

export function retentionRoutes({ retentionService }: { retentionService: RetentionService }): RouteDefinition[] {
  async function queuePage(req: Request, res: Response) {
    const rows = await retentionService.queue(signedInUser(req), actorFrom(req))
    await renderPage(res, 'retention/queue', { title: 'Retention reviews', rows: rows.map(presentQueueRow) })
  }

  async function reviewPage(req: Request, res: Response, values: FormValues, errors?: FormErrors) {
    const found = await retentionService.reviewPage(signedInUser(req), personIdFrom(req), actorFrom(req))
    if (!found) throw notFound('Person')
    const defaults = { nextReviewOn: dateParts(addMonths(todayInLondon(), 12 * 2)) }
    await renderPage(
      res,
      'retention/review',
      { title: 'Retention review', ...presentReview(found), values: { ...defaults, ...values }, errors },
      errors ? 400 : 200,
    )
  }

  async function subjectAccess(req: Request, res: Response, format: 'html' | 'json') {
    const found = await retentionService.subjectAccess(signedInUser(req), personIdFrom(req), actorFrom(req), format)
    if (!found) throw notFound('Person')
    if (format === 'html') {
      return renderPage(res, 'retention/subjectAccess', {
        title: 'Subject access pack',
        printable: true,
        ...presentSubjectAccess(found.person, found.sections, new Date()),
      })
    }
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="subject-access-${found.person.id}-OFFICIAL-SENSITIVE.json"`,
    )
    res
      .type('application/json')
      .send(JSON.stringify(subjectAccessDocument(found.person, found.sections, new Date()), null, 2))
  }

  const decide = formPost({
    schema: decisionSchema,
    page: reviewPage,
    act: (req, data) => {
      const [user, personId, actor] = [signedInUser(req), personIdFrom(req), actorFrom(req)]
      return data.decision === 'retain'
        ? retentionService.retain(user, personId, data.reason, data.nextReviewOn, actor)
        : retentionService.dispose(user, personId, data.reason, actor)
    },
    done: (_req, _id, data) => ({
      message: data.decision === 'retain' ? retainedMessage(data.nextReviewOn) : disposedMessage,
      redirect: '/retention',
    }),
    what: 'Person',
  })

  return [
    get('/retention', 'retention.review', 'consultation', queuePage),
    get('/people/:personId/retention', 'retention.review', 'consultation', (req, res) => reviewPage(req, res, {})),
    post('/people/:personId/retention', 'retention.review', 'erasure', decide),
    get('/people/:personId/subject-access', 'subject_access.export', 'disclosure', (req, res) =>
      subjectAccess(req, res, 'html'),
    ),
    get('/people/:personId/subject-access.json', 'subject_access.export', 'disclosure', (req, res) =>
      subjectAccess(req, res, 'json'),
    ),
  ]
}
