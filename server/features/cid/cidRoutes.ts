import type { Request, Response } from 'express'
import { toCsv } from '../../http/csv.ts'
import { dateParts } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import { z } from 'zod'
import { anyOr, keepValues, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { formPost, type FormValues } from '../../http/formPost.ts'
import { HttpError, notFound, orNotFound } from '../../http/httpError.ts'
import { renderForm, renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { idParam } from '../../http/writeResult.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { pagingOf, windowOf } from '../../http/paging.ts'
import { actorFrom } from '../audit/actor.ts'
import type { CohortsService } from '../cohorts/cohortsService.ts'
import {
  cidCsvHeader,
  cidCsvRow,
  cidFilterOptions,
  cidListTitle,
  presentBriefing,
  presentCidList,
  presentProposal,
  presentQueue,
} from './cidPresenter.ts'
import {
  cidFilterSchema,
  cidOutcomeSchema,
  closeSchema,
  decisionSchema,
  proposalSchema,
  rejectSchema,
} from './cidSchemas.ts'
import type { CidService } from './cidService.ts'

type Deps = { cidService: CidService; cohortsService: CohortsService }

const filterFields = ['areaId', 'wardId', 'days', 'countersigned']
/** The queue's ?show=to-close: its time-barred entries alone (the home page's count links here). */
const queueFilterSchema = z.object({
  show: anyOr(z.enum(['to-close'], { error: 'Show the whole queue or the entries to close' })),
})
const entryIdOf = (req: Request) => idParam(req, 'entryId', 'Entry')
const failureIdOf = (req: Request) => idParam(req, 'failureId', 'Failure')
const filtersOf = (f: { areaId?: string; wardId?: string; days?: number; countersigned?: number }) => ({
  areaId: f.areaId,
  wardId: f.wardId,
  maxDaysToTimeBar: f.days,
  countersignedWithinDays: f.countersigned,
})

export function cidRoutes({ cidService, cohortsService }: Deps): RouteDefinition[] {
  async function listPage(req: Request, res: Response) {
    const user = signedInUser(req)
    const values = keepValues(req.query, filterFields)
    const filterOptions = cidFilterOptions(await cohortsService.placeOptions(user))
    const parsed = cidFilterSchema.safeParse(req.query)
    if (!parsed.success) {
      return renderPage(
        res,
        'cid/list',
        { title: cidListTitle, values, rows: [], ...filterOptions, errors: toFormErrors(parsed.error, filterFields) },
        400,
      )
    }
    const { page } = parsed.data
    const rows = await cidService.list(user, filtersOf(parsed.data), actorFrom(req), 'viewed', windowOf(page))
    const query = new URLSearchParams(
      Object.entries(values).filter(([, v]) => typeof v === 'string' && v) as [string, string][],
    ).toString()
    // A page past the end (a link kept while the list shrank) is not "no one is on the list".
    if (page > 1 && rows.length === 0) throw notFound('Page')
    const paging = pagingOf(page, rows[0]?.total_rows ?? 0, rows.length, query)
    await renderPage(res, 'cid/list', {
      ...presentCidList(rows, todayInLondon()),
      values,
      query,
      paging,
      ...filterOptions,
    })
  }

  async function briefingPage(req: Request, res: Response, values: FormValues, errors?: FormErrors) {
    const found = orNotFound(
      await cidService.briefing(signedInUser(req), entryIdOf(req), actorFrom(req), !errors),
      'Entry',
    )
    await renderForm(
      res,
      'cid/briefing',
      {
        ...presentBriefing(found, new Date()),
        // A refused outcome form comes back in the full layout: "Error:" in the title, and the error summary takes focus.
        printable: !errors,
        values: { outcomeOn: dateParts(todayInLondon()), ...values },
      },
      errors,
    )
  }

  /** On a refused decision the message points at that entry's own text box (action-entryId). */
  async function queuePage(
    req: Request,
    res: Response,
    errors?: FormErrors,
    failed?: { action: string; entryId: string },
  ) {
    const user = signedInUser(req)
    const filter = queueFilterSchema.safeParse(req.query)
    if (!filter.success) {
      const filterErrors = toFormErrors(filter.error)
      return renderPage(
        res,
        'cid/proposals',
        {
          title: 'CID hand-offs awaiting a decision',
          proposals: [],
          suspended: [],
          forClosure: [],
          errors: filterErrors,
        },
        400,
      )
    }
    const toCloseOnly = filter.data.show === 'to-close'
    const rows = await cidService.queue(user, actorFrom(req), toCloseOnly)
    await renderPage(
      res,
      'cid/proposals',
      {
        title: toCloseOnly ? 'Time-barred CID entries to close' : 'CID hand-offs awaiting a decision',
        toCloseOnly,
        ...presentQueue(rows, user.id, todayInLondon()),
        errors:
          errors && failed
            ? {
                ...errors,
                summary: errors.summary.map((item) => ({ ...item, href: `#${failed.action}-${failed.entryId}` })),
              }
            : errors,
        failedBox: failed ? `${failed.action}-${failed.entryId}` : undefined,
      },
      errors ? 400 : 200,
    )
  }

  async function proposalPage(req: Request, res: Response, values: FormValues, errors?: FormErrors) {
    const failure = await cidService.failureForProposal(signedInUser(req), failureIdOf(req), actorFrom(req), !errors)
    if (!failure) throw notFound('Failure')
    await renderForm(
      res,
      'cid/propose',
      { title: 'Propose for the CID list', ...presentProposal(failure), values },
      errors,
    )
  }

  const decisions = [
    ['countersign', 'countersigned', decisionSchema, 'Countersigned: the entry is now on the CID list'],
    ['reject', 'rejected', rejectSchema, 'Proposal rejected'],
    ['close', 'closed', closeSchema, 'Entry closed as time-barred'],
  ] as const

  return [
    get('/cid', 'cid.list', 'disclosure', (req, res) => listPage(req, res)),
    get('/cid/export.csv', 'cid.list', 'disclosure', async (req, res) => {
      const parsed = cidFilterSchema.safeParse(req.query)
      if (!parsed.success) throw new HttpError(400, 'Unknown filter')
      const rows = await cidService.list(signedInUser(req), filtersOf(parsed.data), actorFrom(req), 'exported')
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="wanted-dip-failure-violent-${todayInLondon()}-OFFICIAL-SENSITIVE.csv"`,
      )
      res.type('text/csv').send(toCsv(cidCsvHeader, rows.map(cidCsvRow)))
    }),
    get('/cid/:entryId/briefing', 'cid.list', 'disclosure', (req, res) => briefingPage(req, res, {})),
    get('/cid/:entryId/photo', 'cid.list', 'disclosure', async (req, res) => {
      const image = await cidService.briefingPhoto(signedInUser(req), entryIdOf(req), actorFrom(req))
      if (!image) throw notFound('Photograph')
      res.setHeader('Cache-Control', 'no-store')
      res.setHeader('Content-Disposition', 'inline; filename="custody-photograph.jpg"')
      res.type('image/jpeg').send(image)
    }),
    post(
      '/cid/:entryId/outcome',
      'cid.list',
      'alteration',
      formPost({
        schema: cidOutcomeSchema,
        page: briefingPage,
        act: (req, data) => cidService.recordOutcome(signedInUser(req), entryIdOf(req), data, actorFrom(req)),
        done: () => ({ message: 'Outcome recorded', redirect: '/cid' }),
      }),
    ),
    get('/cid/proposals', 'cid.countersign', 'consultation', (req, res) => queuePage(req, res)),
    ...decisions.map(([action, decision, schema, message]): RouteDefinition =>
      post(
        `/cid/:entryId/${action}`,
        'cid.countersign',
        'alteration',
        formPost({
          schema,
          page: (req, res, _values, errors) => queuePage(req, res, errors, { action, entryId: entryIdOf(req) }),
          act: (req, data) =>
            cidService.decide(
              signedInUser(req),
              entryIdOf(req),
              decision,
              data.rationale,
              data.version,
              actorFrom(req),
            ),
          done: () => ({ message, redirect: '/cid/proposals' }),
        }),
      ),
    ),
    get('/failures/:failureId/cid-proposal', 'cid.propose', 'consultation', (req, res) => proposalPage(req, res, {})),
    post(
      '/failures/:failureId/cid-proposal',
      'cid.propose',
      'collection',
      formPost({
        schema: proposalSchema,
        page: proposalPage,
        act: (req, data) => cidService.propose(signedInUser(req), failureIdOf(req), data, actorFrom(req)),
        done: (req) => ({
          message: 'Proposed to CID: a supervisor must countersign it',
          redirect: `/failures/${failureIdOf(req)}`,
        }),
      }),
    ),
  ]
}
