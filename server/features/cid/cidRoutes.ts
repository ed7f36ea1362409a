import type { Request, Response } from 'express'
import { toCsv } from '../../http/csv.ts'
import { dateParts, gatherDates, keepDateValues } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import { keepValues, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { HttpError, notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { finishWrite, idParam } from '../../http/writeResult.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { pagingOf, windowOf } from '../../http/paging.ts'
import { formatDate } from '../../presenters/format.ts'
import { actorFrom } from '../audit/actor.ts'
import type { CohortsService } from '../cohorts/cohortsService.ts'
import { presentBriefing, presentCidRow, presentProposal, presentQueue } from './cidPresenter.ts'
import { cidFilterSchema, cidOutcomeSchema, closeSchema, decisionSchema, proposalFieldOrder, proposalSchema, rejectSchema } from './cidSchemas.ts'
import type { CidResult, CidService } from './cidService.ts'

type Deps = { cidService: CidService; cohortsService: CohortsService }

export function cidRoutes({ cidService, cohortsService }: Deps): RouteDefinition[] {
  function finish(req: Request, res: Response, result: CidResult, success: string, redirect: string, again: (errors: FormErrors) => Promise<unknown>) {
    return finishWrite(req, res, result, { message: success, redirect }, again)
  }

  async function listPage(req: Request, res: Response, errors?: FormErrors) {
    const user = signedInUser(req)
    const values = keepValues(req.query, ['areaId', 'wardId', 'days'])
    const options = await cohortsService.placeOptions(user)
    const filterOptions = {
      areaOptions: [{ value: '', text: 'All boroughs' }, ...options.boroughs.map((b) => ({ value: b.id, text: b.name }))],
      wardOptions: [{ value: '', text: 'All wards' }, ...options.wards.map((w) => ({ value: w.id, text: `${w.name} (${w.borough_name})` }))],
    }
    const parsed = cidFilterSchema.safeParse(req.query)
    if (!parsed.success || errors) {
      return renderPage(res, 'cid/list', { title: 'Wanted for DIP failure — violent', values, rows: [], ...filterOptions, errors: errors ?? toFormErrors(parsed.error!, ['areaId', 'wardId', 'days']) }, 400)
    }
    const { page } = parsed.data
    const rows = await cidService.list(user, { areaId: parsed.data.areaId, wardId: parsed.data.wardId, maxDaysToTimeBar: parsed.data.days }, actorFrom(req), 'viewed', windowOf(page))
    const query = new URLSearchParams(Object.entries(values).filter(([, v]) => typeof v === 'string' && v) as [string, string][]).toString()
    // A page past the end (a link kept while the list shrank) is not "no one is on the list".
    if (page > 1 && rows.length === 0) throw notFound('Page')
    const paging = pagingOf(page, rows[0]?.total_rows ?? 0, rows.length, query)
    await renderPage(res, 'cid/list', { title: 'Wanted for DIP failure — violent', values, rows: rows.map(presentCidRow), query, paging, ...filterOptions, today: formatDate(todayInLondon()) })
  }

  async function briefingPage(req: Request, res: Response, values: Record<string, unknown> = {}, errors?: FormErrors) {
    const found = await cidService.briefing(signedInUser(req), idParam(req, 'entryId', 'Entry'), actorFrom(req), !errors)
    if (!found) throw notFound('Entry')
    await renderPage(res, 'cid/briefing', {
      ...presentBriefing(found, new Date()),
      // A refused outcome form comes back in the full layout: "Error:" in the title, and the error summary takes focus.
      printable: !errors,
      values: { outcomeOn: dateParts(todayInLondon()), ...values },
      errors,
    }, errors ? 400 : 200)
  }

  /** On a refused decision the message points at that entry's own text box (action-entryId). */
  async function queuePage(req: Request, res: Response, errors?: FormErrors, failed?: { action: string; entryId: string }) {
    const user = signedInUser(req)
    const rows = await cidService.queue(user, actorFrom(req))
    await renderPage(res, 'cid/proposals', {
      title: 'CID hand-offs awaiting a decision',
      ...presentQueue(rows, user.id, todayInLondon()),
      errors: errors && failed ? { ...errors, summary: errors.summary.map((item) => ({ ...item, href: `#${failed.action}-${failed.entryId}` })) } : errors,
      failedBox: failed ? `${failed.action}-${failed.entryId}` : undefined,
    }, errors ? 400 : 200)
  }

  async function proposalPage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const failure = await cidService.failureForProposal(signedInUser(req), idParam(req, 'failureId', 'Failure'), actorFrom(req), !errors)
    if (!failure) throw notFound('Failure')
    await renderPage(res, 'cid/propose', {
      title: 'Propose for the CID list',
      ...presentProposal(failure),
      values,
      errors,
    }, errors ? 400 : 200)
  }

  return [
    {
      method: 'get',
      path: '/cid',
      access: 'cid.list',
      audit: 'disclosure',
      handler: (req, res) => listPage(req, res),
    },
    {
      method: 'get',
      path: '/cid/export.csv',
      access: 'cid.list',
      audit: 'disclosure',
      handler: async (req, res) => {
        const parsed = cidFilterSchema.safeParse(req.query)
        if (!parsed.success) throw new HttpError(400, 'Unknown filter')
        const rows = await cidService.list(signedInUser(req), { areaId: parsed.data.areaId, wardId: parsed.data.wardId, maxDaysToTimeBar: parsed.data.days }, actorFrom(req), 'exported')
        // The protective marking travels in the file itself, on every row, whatever is cut or sorted later.
        const csv = toCsv(
          ['protective_marking', 'pnc_id', 'surname', 'forenames', 'date_of_birth', 'address', 'borough', 'ward', 'failure_section', 'failure_date', 'statement_date', 'wanted_since', 'time_bar_date', 'markers', 'lead_officer', 'countersigned_by', 'countersigned_at', 'status'],
          rows.map((r) => [
            'OFFICIAL-SENSITIVE', r.pnc_id, r.surname, r.forenames, r.date_of_birth, r.address, r.area_name, r.ward_name, r.section, r.failure_date,
            r.statement_produced_on, r.wanted_since, r.time_bar_date, r.markers, r.lead_officer, r.countersigned_by, r.decided_at ? r.decided_at.toISOString() : null, r.status,
          ]),
        )
        res.setHeader('Content-Disposition', `attachment; filename="wanted-dip-failure-violent-${todayInLondon()}-OFFICIAL-SENSITIVE.csv"`)
        res.type('text/csv').send(csv)
      },
    },
    {
      method: 'get',
      path: '/cid/:entryId/briefing',
      access: 'cid.list',
      person: { via: 'cidEntry', param: 'entryId' },
      audit: 'disclosure',
      handler: (req, res) => briefingPage(req, res),
    },
    {
      method: 'get',
      path: '/cid/:entryId/photo',
      access: 'cid.list',
      person: { via: 'cidEntry', param: 'entryId' },
      audit: 'disclosure',
      handler: async (req, res) => {
        const image = await cidService.briefingPhoto(signedInUser(req), idParam(req, 'entryId', 'Entry'), actorFrom(req))
        if (!image) throw notFound('Photograph')
        res.setHeader('Cache-Control', 'no-store')
        res.setHeader('Content-Disposition', 'inline; filename="custody-photograph.jpg"')
        res.type('image/jpeg').send(image)
      },
    },
    {
      method: 'post',
      path: '/cid/:entryId/outcome',
      access: 'cid.list',
      person: { via: 'cidEntry', param: 'entryId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const kept = { ...keepValues(req.body, ['outcome', 'reference', 'note']), ...keepDateValues(req.body, ['outcomeOn']) }
        const parsed = cidOutcomeSchema.safeParse(gatherDates(req.body, ['outcomeOn']))
        if (!parsed.success) return briefingPage(req, res, kept, toFormErrors(parsed.error, ['outcome', 'outcomeOn', 'reference', 'note']))
        const result = await cidService.recordOutcome(signedInUser(req), idParam(req, 'entryId', 'Entry'), parsed.data, actorFrom(req))
        await finish(req, res, result, 'Outcome recorded', '/cid', (errors) => briefingPage(req, res, kept, errors))
      },
    },
    {
      method: 'get',
      path: '/cid/proposals',
      access: 'cid.countersign',
      audit: 'consultation',
      handler: (req, res) => queuePage(req, res),
    },
    ...(
      [
        ['countersign', 'countersigned', decisionSchema, 'Countersigned: the entry is now on the CID list'],
        ['reject', 'rejected', rejectSchema, 'Proposal rejected'],
        ['close', 'closed', closeSchema, 'Entry closed as time-barred'],
      ] as const
    ).map(
      ([action, decision, schema, success]): RouteDefinition => ({
        method: 'post',
        path: `/cid/:entryId/${action}`,
        access: 'cid.countersign',
        person: { via: 'cidEntry', param: 'entryId' },
        audit: 'alteration',
        handler: async (req, res) => {
          const entryId = idParam(req, 'entryId', 'Entry')
          const parsed = schema.safeParse(req.body)
          if (!parsed.success) return queuePage(req, res, toFormErrors(parsed.error, ['rationale']), { action, entryId })
          const result = await cidService.decide(signedInUser(req), entryId, decision, parsed.data.rationale, parsed.data.version, actorFrom(req))
          await finish(req, res, result, success, '/cid/proposals', (errors) => queuePage(req, res, errors, { action, entryId }))
        },
      }),
    ),
    {
      method: 'get',
      path: '/failures/:failureId/cid-proposal',
      access: 'cid.propose',
      person: { via: 'failure', param: 'failureId' },
      audit: 'consultation',
      handler: (req, res) => proposalPage(req, res, {}),
    },
    {
      method: 'post',
      path: '/failures/:failureId/cid-proposal',
      access: 'cid.propose',
      person: { via: 'failure', param: 'failureId' },
      audit: 'collection',
      handler: async (req, res) => {
        const values = { ...keepValues(req.body, proposalFieldOrder), ...keepDateValues(req.body, ['newMarkerStart']) }
        const parsed = proposalSchema.safeParse(gatherDates(req.body, ['newMarkerStart']))
        if (!parsed.success) return proposalPage(req, res, values, toFormErrors(parsed.error, proposalFieldOrder))
        const failureId = idParam(req, 'failureId', 'Failure')
        const result = await cidService.propose(signedInUser(req), failureId, parsed.data, actorFrom(req))
        await finish(req, res, result, 'Proposed to CID: a supervisor must countersign it', `/failures/${failureId}`, (errors) => proposalPage(req, res, values, errors))
      },
    },
  ]
}
