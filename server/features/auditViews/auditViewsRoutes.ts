import type { Request, Response } from 'express'
import { z } from 'zod'
import { toCsv } from '../../http/csv.ts'
import { gatherDates, keepDateValues, optionalDateField } from '../../http/dates.ts'
import { anyOr, toFormErrors, uuid } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { fullName } from '../people/peoplePresenter.ts'
import { personIdFrom } from '../people/personAccess.ts'
import type { AuditRead, AuditViewsService } from './auditViewsService.ts'
import {
  auditCsvHeader,
  auditCsvRow,
  categories,
  categoryOptions,
  presentAuditPage,
  presentByDay,
} from './auditViewsPresenter.ts'

const pageSize = 100

const filterSchema = z
  .object({
    from: optionalDateField('from date'),
    to: optionalDateField('to date'),
    // The message goes on the union: a union's own issue ("Invalid input") is what the summary would show.
    category: anyOr(z.enum(categories), 'Select an action from the list'),
    // At most 15 digits: an audit id is a number here, and every 15-digit number is exact in one
    // (a longer one could round, or overflow bigint, which the database would answer with a 500).
    before: anyOr(z.string().regex(/^\d{1,15}$/, 'Not a valid page'), 'Not a valid page').transform((id) =>
      id === undefined ? undefined : Number(id),
    ),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, {
    path: ['to'],
    message: 'The to date must be on or after the from date',
  })

const filterOrder = ['from', 'to', 'category']

function parseFilters(req: Request) {
  const values = {
    ...keepDateValues(req.query, ['from', 'to']),
    category: typeof req.query.category === 'string' ? req.query.category : '',
  }
  return { values, parsed: filterSchema.safeParse(gatherDates(req.query, ['from', 'to'])) }
}

/** The filters, for the next page's link (which adds its own `before`). */
function queryString(req: Request) {
  const keep = Object.entries(req.query).filter(([k, v]) => k !== 'before' && typeof v === 'string' && v !== '') as [
    string,
    string,
  ][]
  return new URLSearchParams(keep).toString()
}

/** The filters asked for, and the page from `before`: one row more than a page shows whether there is a next. */
const pageRead = ({ before, ...filters }: z.output<typeof filterSchema>): AuditRead => ({
  filters,
  page: { beforeId: before, limit: pageSize + 1 },
})

/**
 * The page again with the filters' errors and no rows (400): a refused filter names no one and
 * reads nothing, so there is no consultation to log.
 */
const refusedFilters = (res: Response, view: string, page: Record<string, unknown>, error: z.ZodError) =>
  renderPage(res, view, { ...page, rows: [], errors: toFormErrors(error, filterOrder) }, 400)

const userIdOf = (req: Request) => {
  const parsed = uuid.safeParse(req.params.userId)
  if (!parsed.success) throw notFound('User')
  return parsed.data
}

export function auditViewsRoutes({ auditViewsService }: { auditViewsService: AuditViewsService }): RouteDefinition[] {
  async function personPage(req: Request, res: Response) {
    const personId = personIdFrom(req)
    const { values, parsed } = parseFilters(req)
    const common = { title: 'Who has looked at this record', categoryOptions, values, personId }
    if (!parsed.success)
      return refusedFilters(res, 'auditViews/person', { ...common, showsNoPerson: true }, parsed.error)
    const found = await auditViewsService.forPerson(signedInUser(req), personId, pageRead(parsed.data), actorFrom(req))
    if (!found) throw notFound('Person')
    await renderPage(res, 'auditViews/person', {
      ...common,
      name: fullName(found.person),
      ...presentAuditPage(found.rows, pageSize),
      query: queryString(req),
    })
  }

  async function userPage(req: Request, res: Response) {
    const userId = userIdOf(req)
    const { values, parsed } = parseFilters(req)
    const common = { title: 'User activity', categoryOptions, values, userId }
    if (!parsed.success) return refusedFilters(res, 'auditViews/user', { ...common, byDay: [] }, parsed.error)
    const found = await auditViewsService.forUser(signedInUser(req), userId, pageRead(parsed.data), actorFrom(req))
    if (!found) throw notFound('User')
    const page = presentAuditPage(found.rows, pageSize, found.names)
    await renderPage(res, 'auditViews/user', {
      ...common,
      subject: found.subject,
      byDay: presentByDay(found.byDay),
      ...page,
      query: queryString(req),
    })
  }

  async function exportCsv(req: Request, res: Response, kind: 'person' | 'user') {
    const user = signedInUser(req)
    const { parsed } = parseFilters(req)
    if (!parsed.success)
      return renderPage(res, 'errors/400', { title: 'There is a problem with the filters', requestId: req.id }, 400)
    const { before: _before, ...filters } = parsed.data
    const read = { filters, page: { limit: 50_000 }, exported: true }
    const found =
      kind === 'person'
        ? await auditViewsService.forPerson(user, personIdFrom(req), read, actorFrom(req))
        : await auditViewsService.forUser(user, uuid.parse(req.params.userId), read, actorFrom(req))
    if (!found) throw notFound('Record')
    res.setHeader('Content-Disposition', `attachment; filename="audit-${kind}-OFFICIAL-SENSITIVE.csv"`)
    res.type('text/csv').send(toCsv(auditCsvHeader, found.rows.map(auditCsvRow)))
  }

  async function usersPage(req: Request, res: Response) {
    await renderPage(res, 'auditViews/users', {
      title: 'User activity',
      users: await auditViewsService.users(signedInUser(req)),
    })
  }

  return [
    get('/people/:personId/audit', 'audit.view', 'consultation', personPage),
    get('/people/:personId/audit.csv', 'audit.view', 'disclosure', (req, res) => exportCsv(req, res, 'person')),
    get('/audit/users', 'audit.view', 'none', usersPage),
    // The entries name the people the user looked at: reading them is a consultation (s62), not administration.
    get('/audit/users/:userId', 'audit.view', 'consultation', userPage),
    get('/audit/users/:userId/activity.csv', 'audit.view', 'disclosure', (req, res) => {
      userIdOf(req)
      return exportCsv(req, res, 'user')
    }),
  ]
}
