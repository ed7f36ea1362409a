import type { Request, Response } from 'express'
import { dateParts, gatherDates, keepDateValues } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import { keepValues, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { HttpError, notFound } from '../../http/httpError.ts'
import { pageParam, pagingOf, windowOf } from '../../http/paging.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { finishWrite, idParam } from '../../http/writeResult.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { toCsv } from '../../http/csv.ts'
import { formatDate } from '../../presenters/format.ts'
import { shownRow } from '../../presenters/shownRow.ts'
import { actorFrom } from '../audit/actor.ts'
import { fullName, presentPerson } from '../people/peoplePresenter.ts'
import type { PeopleService } from '../people/peopleService.ts'
import { personIdFrom } from '../people/personAccess.ts'
import { personForForm } from '../people/personForForm.ts'
import {
  membershipEventLabels,
  programmeLabels,
  programmes,
  selectionMethodLabels,
  selectionMethods,
  tierLabels,
  tiers,
} from '../people/vocabulary.ts'
import {
  acceptFieldOrder,
  acceptSchema,
  cohortFilterSchema,
  declineSchema,
  membershipEventFieldOrder,
  membershipEventSchema,
  referralFieldOrder,
  referralSchema,
} from './cohortsSchemas.ts'
import type { CohortResult, CohortsService } from './cohortsService.ts'
import type { CohortRow } from './cohortsRepository.ts'

type Deps = { cohortsService: CohortsService; peopleService: PeopleService }

const pageSize = 50
const programmeOptions = programmes.map((value) => ({ value, text: programmeLabels[value] }))
const tierOptions = tiers.map((value) => ({ value, text: tierLabels[value] }))
const methodOptions = selectionMethods.map((value) => ({ value, text: selectionMethodLabels[value] }))
const eventKindOptions = (['in_custody', 'released', 'tier_changed', 'lead_officer_changed', 'deselected'] as const).map((value) => ({
  value,
  text: membershipEventLabels[value],
}))


function presentCohortRow(row: CohortRow) {
  return {
    personId: row.person_id,
    name: fullName(row),
    dateOfBirth: formatDate(row.date_of_birth),
    pncId: row.pnc_id ?? '',
    programme: programmeLabels[row.programme],
    tier: row.tier ? tierLabels[row.tier] : '',
    status: row.status === 'in_custody' ? 'In custody' : 'Active',
    area: row.area_name,
    ward: row.ward_name ?? '',
    leadOfficer: row.lead_officer_name ?? '',
    adoptedOn: formatDate(row.adopted_on),
  }
}

export function cohortsRoutes({ cohortsService, peopleService }: Deps): RouteDefinition[] {
  async function referPage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const user = signedInUser(req)
    const person = await personForForm(peopleService, req, res, 'referral', !errors)
    if (!person) return
    const { sources } = await cohortsService.options(user)
    await renderPage(
      res,
      'cohorts/refer',
      {
        title: 'Refer to a programme',
        person: presentPerson(person, todayInLondon()),
        programmeOptions,
        sourceOptions: [{ value: '', text: 'Select a source' }, ...sources.map((s) => ({ value: s.code, text: s.label }))],
        values,
        errors,
      },
      errors ? 400 : 200,
    )
  }

  async function decidePage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const user = signedInUser(req)
    const referral = await cohortsService.referral(user, idParam(req, 'referralId', 'Referral'), actorFrom(req))
    if (!referral) throw notFound('Referral')
    const { officers } = await cohortsService.options(user)
    await renderPage(
      res,
      'cohorts/decide',
      {
        title: 'Panel decision',
        referral: {
          ...referral,
          name: fullName(referral),
          dateOfBirth: formatDate(referral.date_of_birth),
          programmeLabel: programmeLabels[referral.programme],
          referredOn: formatDate(referral.referred_at.toISOString().slice(0, 10)),
        },
        tierOptions,
        methodOptions,
        officerOptions: [{ value: '', text: 'Select a lead officer' }, ...officers.map((o) => ({ value: o.id, text: o.display_name }))],
        values: { scoreDate: dateParts(todayInLondon()), version: String(referral.version), ...values },
        errors,
      },
      errors ? 400 : 200,
    )
  }

  async function eventPage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const user = signedInUser(req)
    const membership = await cohortsService.findMembership(user, idParam(req, 'membershipId', 'Membership'), errors ? undefined : actorFrom(req))
    if (!membership) throw notFound('Membership')
    const { officers, deselectionReasons } = await cohortsService.options(user)
    await renderPage(
      res,
      'cohorts/event',
      {
        title: 'Record a change to a membership',
        membership: { ...membership, name: fullName(membership), programmeLabel: programmeLabels[membership.programme] },
        eventKindOptions,
        tierOptions: [{ value: '', text: 'Not changed' }, ...tierOptions],
        officerOptions: [{ value: '', text: 'Not changed' }, ...officers.map((o) => ({ value: o.id, text: o.display_name }))],
        reasonOptions: [{ value: '', text: 'Not de-selected' }, ...deselectionReasons.map((r) => ({ value: r.code, text: r.label }))],
        values: { eventDate: dateParts(todayInLondon()), version: String(membership.version), ...values },
        errors,
      },
      errors ? 400 : 200,
    )
  }

  function finish(req: Request, res: Response, result: CohortResult, success: string, onInvalid: (errors: FormErrors) => Promise<unknown>) {
    return finishWrite(req, res, result, { message: success, redirect: result.ok ? `/people/${result.id}` : '' }, onInvalid)
  }

  return [
    {
      method: 'get',
      path: '/people/:personId/referrals/new',
      access: 'referrals.create',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: (req, res) => referPage(req, res, {}),
    },
    {
      method: 'post',
      path: '/people/:personId/referrals',
      access: 'referrals.create',
      person: { via: 'person', param: 'personId' },
      audit: 'collection',
      handler: async (req, res) => {
        const values = keepValues(req.body, referralFieldOrder)
        const parsed = referralSchema.safeParse(req.body)
        if (!parsed.success) return referPage(req, res, values, toFormErrors(parsed.error, referralFieldOrder))
        const result = await cohortsService.refer(signedInUser(req), personIdFrom(req), parsed.data, actorFrom(req))
        if (result.ok) {
          req.session.flash = { kind: 'success', text: 'Referral sent to the panel' }
          return res.redirect(303, `/people/${personIdFrom(req)}`)
        }
        await finish(req, res, result, '', (errors) => referPage(req, res, values, errors))
      },
    },
    {
      method: 'get',
      path: '/referrals',
      access: 'referrals.decide',
      audit: 'consultation',
      handler: async (req, res) => {
        const rows = await cohortsService.pending(signedInUser(req), actorFrom(req))
        await renderPage(res, 'cohorts/referrals', {
          title: 'Referrals awaiting the panel',
          referrals: rows.map((r) =>
            shownRow(r, {
              name: fullName(r),
              dateOfBirth: formatDate(r.date_of_birth),
              programmeLabel: programmeLabels[r.programme],
              referredOn: formatDate(r.referred_at.toISOString().slice(0, 10)),
            }),
          ),
        })
      },
    },
    {
      method: 'get',
      path: '/referrals/:referralId',
      access: 'referrals.decide',
      person: { via: 'referral', param: 'referralId' },
      audit: 'consultation',
      handler: (req, res) => decidePage(req, res, {}),
    },
    {
      method: 'post',
      path: '/referrals/:referralId/accept',
      access: 'referrals.decide',
      person: { via: 'referral', param: 'referralId' },
      audit: 'collection',
      handler: async (req, res) => {
        const values = { ...keepValues(req.body, [...acceptFieldOrder, 'version']), ...keepDateValues(req.body, ['scoreDate']) }
        const parsed = acceptSchema.safeParse(gatherDates(req.body, ['scoreDate']))
        if (!parsed.success) return decidePage(req, res, values, toFormErrors(parsed.error, acceptFieldOrder))
        const result = await cohortsService.accept(signedInUser(req), idParam(req, 'referralId', 'Referral'), parsed.data, actorFrom(req))
        await finish(req, res, result, 'Referral accepted: the person is adopted', (errors) => decidePage(req, res, values, errors))
      },
    },
    {
      method: 'post',
      path: '/referrals/:referralId/decline',
      access: 'referrals.decide',
      person: { via: 'referral', param: 'referralId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const values = keepValues(req.body, ['declineReason', 'version'])
        const parsed = declineSchema.safeParse(req.body)
        if (!parsed.success) return decidePage(req, res, values, toFormErrors(parsed.error, ['declineReason']))
        const result = await cohortsService.decline(signedInUser(req), idParam(req, 'referralId', 'Referral'), parsed.data.declineReason, parsed.data.version, actorFrom(req))
        await finish(req, res, result, 'Referral declined', (errors) => decidePage(req, res, values, errors))
      },
    },
    {
      method: 'get',
      path: '/memberships/:membershipId/events/new',
      access: 'memberships.manage',
      person: { via: 'membership', param: 'membershipId' },
      audit: 'consultation',
      handler: (req, res) => eventPage(req, res, {}),
    },
    {
      method: 'post',
      path: '/memberships/:membershipId/events',
      access: 'memberships.manage',
      person: { via: 'membership', param: 'membershipId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const values = { ...keepValues(req.body, [...membershipEventFieldOrder, 'version']), ...keepDateValues(req.body, ['eventDate']) }
        const parsed = membershipEventSchema.safeParse(gatherDates(req.body, ['eventDate']))
        if (!parsed.success) return eventPage(req, res, values, toFormErrors(parsed.error, membershipEventFieldOrder))
        const result = await cohortsService.recordEvent(signedInUser(req), idParam(req, 'membershipId', 'Membership'), parsed.data, actorFrom(req))
        await finish(req, res, result, 'Membership updated', (errors) => eventPage(req, res, values, errors))
      },
    },
    {
      method: 'get',
      path: '/caseload',
      access: 'caseload.view',
      audit: 'consultation',
      handler: async (req, res) => {
        const page = pageParam.safeParse(req.query.page)
        if (!page.success) throw new HttpError(400, 'There is no such page of your caseload')
        const today = todayInLondon()
        const { rows, total } = await cohortsService.caseload(signedInUser(req), windowOf(page.data), actorFrom(req))
        if (page.data > 1 && rows.length === 0) throw notFound('Page')
        await renderPage(res, 'cohorts/caseload', {
          title: 'My caseload',
          total,
          paging: pagingOf(page.data, total, rows.length, ''),
          rows: rows.map((r) => ({
            personId: r.person_id,
            name: fullName(r),
            dateOfBirth: formatDate(r.date_of_birth),
            pncId: r.pnc_id ?? '',
            programme: programmeLabels[r.programme],
            tier: r.tier ? tierLabels[r.tier] : '',
            tierColour: r.tier === 'red' ? 'red' : r.tier === 'amber' ? 'orange' : 'green',
            status: r.status === 'in_custody' ? 'In custody' : 'Active',
            ward: r.ward_name ?? '',
            nextActionDue: r.next_action_due ? formatDate(r.next_action_due) : '',
            nextActionOverdue: r.next_action_due !== null && r.next_action_due < today,
          })),
        })
      },
    },
    {
      method: 'get',
      path: '/cohorts',
      access: 'cohorts.view',
      audit: 'consultation',
      handler: async (req, res) => {
        const user = signedInUser(req)
        const parsed = cohortFilterSchema.safeParse(req.query)
        const options = await cohortsService.options(user)
        const filterOptions = {
          programmeOptions: [{ value: '', text: 'All programmes' }, ...programmeOptions],
          tierOptions: [{ value: '', text: 'All tiers' }, ...tierOptions],
          officerOptions: [{ value: '', text: 'All officers' }, ...options.officers.map((o) => ({ value: o.id, text: o.display_name }))],
          areaOptions: [{ value: '', text: 'All boroughs' }, ...options.boroughs.map((b) => ({ value: b.id, text: b.name }))],
          wardOptions: [{ value: '', text: 'All wards' }, ...options.wards.map((w) => ({ value: w.id, text: `${w.name} (${w.borough_name})` }))],
          linkOptions: [
            { value: '', text: 'Any or none' },
            { value: 'any', text: 'Any open partner case' },
            { value: 'marac', text: 'Open MARAC case' },
            { value: 'yos', text: 'Open YOS case' },
            { value: 'mash', text: 'Open MASH case' },
          ],
        }
        const values = keepValues(req.query, ['programme', 'tier', 'leadOfficerId', 'areaId', 'wardId', 'openLink'])
        if (!parsed.success) {
          return renderPage(res, 'cohorts/list', { title: 'Cohorts', values, rows: [], ...filterOptions, errors: toFormErrors(parsed.error) }, 400)
        }
        const { page, ...filters } = parsed.data
        const rows = await cohortsService.list(user, filters, { limit: pageSize + 1, offset: (page - 1) * pageSize }, actorFrom(req))
        const query = new URLSearchParams(Object.entries(values).filter(([, v]) => typeof v === 'string' && v) as [string, string][])
        await renderPage(res, 'cohorts/list', {
          title: 'Cohorts',
          values,
          rows: rows.slice(0, pageSize).map(presentCohortRow),
          page,
          hasNext: rows.length > pageSize,
          query: query.toString(),
          ...filterOptions,
        })
      },
    },
    {
      method: 'get',
      path: '/cohorts/export.csv',
      access: 'cohorts.export',
      audit: 'disclosure',
      handler: async (req, res) => {
        const parsed = cohortFilterSchema.safeParse(req.query)
        if (!parsed.success) throw new HttpError(400, 'Unknown filter')
        const { page: _page, ...filters } = parsed.data
        const rows = await cohortsService.exportRows(signedInUser(req), filters, actorFrom(req))
        const csv = toCsv(
          ['pnc_id', 'surname', 'forenames', 'date_of_birth', 'programme', 'tier', 'status', 'area', 'ward', 'lead_officer', 'adopted_on'],
          rows.map((r) => [r.pnc_id, r.surname, r.forenames, r.date_of_birth, r.programme, r.tier, r.status, r.area_name, r.ward_name, r.lead_officer_name, r.adopted_on]),
        )
        res.setHeader('Content-Disposition', `attachment; filename="cohort-${todayInLondon()}-OFFICIAL-SENSITIVE.csv"`)
        res.type('text/csv').send(csv)
      },
    },
  ]
}
