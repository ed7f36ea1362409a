import type { Request, Response } from 'express'
import { dateParts } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import { keepValues, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { blankForm, formPost, type FormValues } from '../../http/formPost.ts'
import { HttpError, notFound, orNotFound } from '../../http/httpError.ts'
import { pageParam, pagingOf, windowOf } from '../../http/paging.ts'
import { renderForm, renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { idParam } from '../../http/writeResult.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { toCsv } from '../../http/csv.ts'
import { codeOptionsOf, officerOptionsOf, withBlank } from '../../presenters/options.ts'
import { actorFrom } from '../audit/actor.ts'
import { presentPerson } from '../people/peoplePresenter.ts'
import type { PeopleService } from '../people/peopleService.ts'
import { backToPerson, personIdFrom } from '../people/personAccess.ts'
import { personForForm } from '../people/personForForm.ts'
import {
  cohortCsvHeader,
  cohortCsvRow,
  cohortFilterOptions,
  eventKindOptions,
  methodOptions,
  presentCaseloadRow,
  presentCohortRow,
  presentMembership,
  presentReferral,
  programmeOptions,
  tierOptions,
} from './cohortsPresenter.ts'
import {
  acceptSchema,
  cohortFilterSchema,
  declineSchema,
  membershipEventSchema,
  referralSchema,
} from './cohortsSchemas.ts'
import type { CohortsService } from './cohortsService.ts'

type Deps = { cohortsService: CohortsService; peopleService: PeopleService }

const pageSize = 50
const cohortFilterFields = ['programme', 'tier', 'status', 'leadOfficerId', 'areaId', 'wardId', 'openLink']

const referralId = (req: Request) => idParam(req, 'referralId', 'Referral')

export function cohortsRoutes({ cohortsService, peopleService }: Deps): RouteDefinition[] {
  async function referPage(req: Request, res: Response, values: FormValues, errors?: FormErrors) {
    const person = await personForForm(peopleService, req, res, 'referral', !errors)
    if (!person) return
    const { sources } = await cohortsService.options(signedInUser(req))
    const sourceOptions = withBlank('Select a source', codeOptionsOf(sources))
    const view = {
      title: 'Refer to a programme',
      person: presentPerson(person, todayInLondon()),
      programmeOptions,
      sourceOptions,
      values,
    }
    await renderForm(res, 'cohorts/refer', view, errors)
  }

  async function decidePage(req: Request, res: Response, values: FormValues, errors?: FormErrors) {
    const user = signedInUser(req)
    const referral = orNotFound(await cohortsService.referral(user, referralId(req), actorFrom(req)), 'Referral')
    const { officers } = await cohortsService.options(user)
    await renderForm(
      res,
      'cohorts/decide',
      {
        title: 'Panel decision',
        referral: presentReferral(referral),
        tierOptions,
        methodOptions,
        officerOptions: withBlank('Select a lead officer', officerOptionsOf(officers)),
        values: { scoreDate: dateParts(todayInLondon()), version: String(referral.version), ...values },
      },
      errors,
    )
  }

  async function eventPage(req: Request, res: Response, values: FormValues, errors?: FormErrors) {
    const user = signedInUser(req)
    const membership = await cohortsService.findMembership(
      user,
      idParam(req, 'membershipId', 'Membership'),
      errors ? undefined : actorFrom(req),
    )
    if (!membership) throw notFound('Membership')
    const { officers, deselectionReasons } = await cohortsService.options(user)
    await renderForm(
      res,
      'cohorts/event',
      {
        title: 'Record a change to a membership',
        membership: presentMembership(membership),
        eventKindOptions,
        tierOptions: withBlank('Not changed', tierOptions),
        officerOptions: withBlank('Not changed', officerOptionsOf(officers)),
        reasonOptions: withBlank('Not de-selected', codeOptionsOf(deselectionReasons)),
        values: { eventDate: dateParts(todayInLondon()), version: String(membership.version), ...values },
      },
      errors,
    )
  }

  const toPerson = (message: string) => (_req: Request, personId: string) => ({
    message,
    redirect: `/people/${personId}`,
  })

  return [
    get('/people/:personId/referrals/new', 'referrals.create', 'consultation', blankForm(referPage)),
    post(
      '/people/:personId/referrals',
      'referrals.create',
      'collection',
      formPost({
        schema: referralSchema,
        page: referPage,
        act: (req, data) => cohortsService.refer(signedInUser(req), personIdFrom(req), data, actorFrom(req)),
        done: (req) => backToPerson(req, 'Referral sent to the panel'),
      }),
    ),
    get('/referrals', 'referrals.decide', 'consultation', async (req, res) => {
      const rows = await cohortsService.pending(signedInUser(req), actorFrom(req))
      await renderPage(res, 'cohorts/referrals', {
        title: 'Referrals awaiting the panel',
        referrals: rows.map(presentReferral),
      })
    }),
    get('/referrals/:referralId', 'referrals.decide', 'consultation', blankForm(decidePage)),
    post(
      '/referrals/:referralId/accept',
      'referrals.decide',
      'collection',
      formPost({
        schema: acceptSchema,
        page: decidePage,
        act: (req, data) => cohortsService.accept(signedInUser(req), referralId(req), data, actorFrom(req)),
        done: toPerson('Referral accepted: the person is adopted'),
      }),
    ),
    post(
      '/referrals/:referralId/decline',
      'referrals.decide',
      'alteration',
      formPost({
        schema: declineSchema,
        page: decidePage,
        act: (req, data) => cohortsService.decline(signedInUser(req), referralId(req), data, actorFrom(req)),
        done: toPerson('Referral declined'),
      }),
    ),
    get('/memberships/:membershipId/events/new', 'memberships.manage', 'consultation', blankForm(eventPage)),
    post(
      '/memberships/:membershipId/events',
      'memberships.manage',
      'alteration',
      formPost({
        schema: membershipEventSchema,
        page: eventPage,
        act: (req, data) =>
          cohortsService.recordEvent(
            signedInUser(req),
            idParam(req, 'membershipId', 'Membership'),
            data,
            actorFrom(req),
          ),
        done: toPerson('Membership updated'),
      }),
    ),
    get('/caseload', 'caseload.view', 'consultation', async (req, res) => {
      const page = pageParam.safeParse(req.query.page)
      if (!page.success) throw new HttpError(400, 'There is no such page of your caseload')
      const today = todayInLondon()
      const { rows, total } = await cohortsService.caseload(signedInUser(req), windowOf(page.data), actorFrom(req))
      if (page.data > 1 && rows.length === 0) throw notFound('Page')
      await renderPage(res, 'cohorts/caseload', {
        title: 'My caseload',
        total,
        paging: pagingOf(page.data, total, rows.length, ''),
        rows: rows.map((row) => presentCaseloadRow(row, today)),
      })
    }),
    get('/cohorts', 'cohorts.view', 'consultation', async (req, res) => {
      const user = signedInUser(req)
      const parsed = cohortFilterSchema.safeParse(req.query)
      const filterOptions = cohortFilterOptions(await cohortsService.options(user))
      const values = keepValues(req.query, cohortFilterFields)
      if (!parsed.success) {
        return renderPage(
          res,
          'cohorts/list',
          { title: 'Cohorts', values, rows: [], ...filterOptions, errors: toFormErrors(parsed.error) },
          400,
        )
      }
      const { page, ...filters } = parsed.data
      const rows = await cohortsService.list(
        user,
        filters,
        { limit: pageSize + 1, offset: (page - 1) * pageSize },
        actorFrom(req),
      )
      const query = new URLSearchParams(
        Object.entries(values).filter(([, v]) => typeof v === 'string' && v) as [string, string][],
      )
      await renderPage(res, 'cohorts/list', {
        title: 'Cohorts',
        values,
        rows: rows.slice(0, pageSize).map(presentCohortRow),
        page,
        hasNext: rows.length > pageSize,
        query: query.toString(),
        ...filterOptions,
      })
    }),
    get('/cohorts/export.csv', 'cohorts.export', 'disclosure', async (req, res) => {
      const parsed = cohortFilterSchema.safeParse(req.query)
      if (!parsed.success) throw new HttpError(400, 'Unknown filter')
      const { page: _page, ...filters } = parsed.data
      const rows = await cohortsService.exportRows(signedInUser(req), filters, actorFrom(req))
      res.setHeader('Content-Disposition', `attachment; filename="cohort-${todayInLondon()}-OFFICIAL-SENSITIVE.csv"`)
      res.type('text/csv').send(toCsv(cohortCsvHeader, rows.map(cohortCsvRow)))
    }),
  ]
}
