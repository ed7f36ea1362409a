import type { Request, Response } from 'express'
import type { LinkAgency } from '../../../db/types.ts'
import { agencies, agencyLabels } from '../../auth/roles.ts'
import { dateParts, gatherDates, keepDateValues } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import { keepValues, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { HttpError, notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { finishWrite, idParam } from '../../http/writeResult.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { presentPerson } from '../people/peoplePresenter.ts'
import type { PeopleService } from '../people/peopleService.ts'
import { personIdFrom } from '../people/personAccess.ts'
import { personForForm } from '../people/personForForm.ts'
import { partnerEditableFields, sharingCategories, sharingCategoryLabels } from './disclosurePolicy.ts'
import { linkHeadline, presentAgreement, presentChange, presentLinkDetails, presentPartnerView } from './partnersPresenter.ts'
import {
  agreementFieldOrder,
  agreementSchema,
  agreementUpdateSchema,
  linkDateFields,
  linkUpdateFieldOrder,
  linkUpdateSchema,
  newLinkFieldOrder,
  newLinkSchema,
  toLinkColumns,
} from './partnersSchemas.ts'
import type { LinkUpdate, PartnerResult, PartnersService } from './partnersService.ts'
import { bragLabels, bragRatings, linkAgencies, linkAgencyLabels, mashDecisionLabels, mashDecisions, yosDisposalLabels, yosDisposals } from './partnersVocabulary.ts'

type Deps = { partnersService: PartnersService; peopleService: PeopleService }

const options = {
  agencyOptions: linkAgencies.map((value) => ({ value, text: linkAgencyLabels[value] })),
  roleOptions: [{ value: '', text: 'Not MARAC' }, { value: 'victim', text: 'Victim' }, { value: 'perpetrator', text: 'Perpetrator' }],
  yesNoOptions: [{ value: '', text: 'Not recorded' }, { value: 'yes', text: 'Yes' }, { value: 'no', text: 'No' }],
  disposalOptions: [{ value: '', text: 'Not YOS' }, ...yosDisposals.map((value) => ({ value, text: yosDisposalLabels[value] }))],
  bragOptions: [{ value: '', text: 'Not MASH' }, ...bragRatings.map((value) => ({ value, text: bragLabels[value] }))],
  decisionOptions: [{ value: '', text: 'No decision yet' }, ...mashDecisions.map((value) => ({ value, text: mashDecisionLabels[value] }))],
  statusOptions: [{ value: 'open', text: 'Open' }, { value: 'closed', text: 'Closed' }],
  categoryOptions: sharingCategories.map((value) => ({ value, text: sharingCategoryLabels[value] })),
  partnerAgencyOptions: agencies.map((value) => ({ value, text: agencyLabels[value] })),
}


/** The form's current values for an existing link, as the inputs expect them. */
function linkFormValues(link: Record<string, unknown>) {
  const str = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v))
  return {
    status: str(link.status),
    closedOn: dateParts(link.closed_on as string | null),
    contact: str(link.contact),
    maracRole: str(link.marac_role),
    dashScore: str(link.dash_score),
    meetingDate: dateParts(link.meeting_date as string | null),
    idvaAllocated: str(link.idva_allocated),
    nextReview: dateParts(link.next_review as string | null),
    yosDisposal: str(link.yos_disposal),
    caseManager: str(link.case_manager),
    transitionDate: dateParts(link.transition_date as string | null),
    bragRating: str(link.brag_rating),
    mashDecision: str(link.mash_decision),
    decisionDate: dateParts(link.decision_date as string | null),
    childrenInvolved: str(link.children_involved),
    version: str(link.version),
  }
}

export function partnersRoutes({ partnersService, peopleService }: Deps): RouteDefinition[] {
  /** Partner services name the closed date by its column; the form calls it closedOn. */
  function finish(req: Request, res: Response, result: PartnerResult, success: string, redirect: string, again: (errors: FormErrors) => Promise<unknown>) {
    const named = !result.ok && result.kind === 'invalid' && result.field === 'closed_on' ? { ...result, field: 'closedOn' } : result
    return finishWrite(req, res, named, { message: success, redirect }, again, 'Case link')
  }

  async function newLinkPage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const person = await personForForm(peopleService, req, res, 'partner_link', !errors)
    if (!person) return
    const agreements = await partnersService.allAgreementsInForce()
    await renderPage(res, 'partners/linkNew', {
      title: 'Link to a partner case',
      person: presentPerson(person, todayInLondon()),
      agreementOptions: [{ value: '', text: 'Select an agreement in force' }, ...agreements.map((a) => ({ value: a.id, text: a.name }))],
      ...options,
      values,
      errors,
    }, errors ? 400 : 200)
  }

  async function policeLinkPage(req: Request, res: Response, values?: Record<string, unknown>, errors?: FormErrors) {
    const found = await partnersService.policeLink(signedInUser(req), idParam(req, 'linkId', 'Case link'), actorFrom(req))
    if (!found) throw notFound('Case link')
    const { link, changes } = found
    await renderPage(res, 'partners/linkEdit', {
      title: `${linkAgencyLabels[link.agency]} case ${link.reference}`,
      link,
      personName: `${link.surname.toUpperCase()}, ${link.forenames}`,
      headline: linkHeadline(link),
      details: presentLinkDetails(link),
      changes: changes.map(presentChange),
      editable: linkUpdateFieldOrder,
      ...options,
      values: values ?? linkFormValues(link),
      errors,
      action: `/partner-links/${link.id}`,
    }, errors ? 400 : 200)
  }

  async function partnerCasePage(req: Request, res: Response, values?: Record<string, unknown>, errors?: FormErrors) {
    const found = await partnersService.partnerCase(signedInUser(req), idParam(req, 'linkId', 'Case'), actorFrom(req))
    if (!found) throw notFound('Case')
    const view = presentPartnerView(found.view, todayInLondon())
    await renderPage(res, 'partners/case', {
      title: view.headline || 'Case',
      view,
      // Police officers' names are not the partner's to see: the history says what changed and when.
      changes: found.changes.map(presentChange).map((c) => ({ ...c, by: '' })),
      canEdit: found.policy.allowed.has('link_details'),
      editable: partnerEditableFields.map((f) => ({ closed_on: 'closedOn', next_review: 'nextReview', meeting_date: 'meetingDate', decision_date: 'decisionDate', dash_score: 'dashScore', brag_rating: 'bragRating', status: 'status' })[f]),
      ...options,
      values: values ?? (view.link ? linkFormValues(view.link) : {}),
      errors,
      action: `/partner-cases/${found.view.linkId}`,
    }, errors ? 400 : 200)
  }

  /** Parses an edit; a partner's edit keeps only the fields a partner may change. */
  function parseUpdate(req: Request, allowed: readonly string[] | 'all') {
    const parsed = linkUpdateSchema.safeParse(gatherDates(req.body, linkDateFields))
    if (!parsed.success) return { errors: toFormErrors(parsed.error, linkUpdateFieldOrder) }
    const { version, ...fields } = parsed.data
    const columns = toLinkColumns(fields)
    const kept = allowed === 'all' ? columns : Object.fromEntries(Object.entries(columns).filter(([k]) => allowed.includes(k)))
    return { version, changes: kept as LinkUpdate }
  }

  const keptLinkValues = (body: unknown) => ({ ...keepValues(body, linkUpdateFieldOrder), ...keepDateValues(body, linkDateFields), version: keepValues(body, ['version']).version })

  return [
    {
      method: 'get',
      path: '/people/:personId/partner-links/new',
      access: 'partners.manage',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: (req, res) => newLinkPage(req, res, { openedOn: dateParts(todayInLondon()) }),
    },
    {
      method: 'post',
      path: '/people/:personId/partner-links',
      access: 'partners.manage',
      person: { via: 'person', param: 'personId' },
      audit: 'collection',
      handler: async (req, res) => {
        const values = { ...keepValues(req.body, newLinkFieldOrder), ...keepDateValues(req.body, linkDateFields) }
        const parsed = newLinkSchema.safeParse(gatherDates(req.body, linkDateFields))
        if (!parsed.success) return newLinkPage(req, res, values, toFormErrors(parsed.error, newLinkFieldOrder))
        const v = parsed.data
        const agency = v.agency as LinkAgency
        const result = await partnersService.createLink(
          signedInUser(req),
          personIdFrom(req),
          {
            agency,
            reference: v.reference,
            opened_on: v.openedOn,
            contact: v.contact,
            agreementId: v.agreementId,
            marac_role: agency === 'marac' ? v.maracRole : null,
            dash_score: agency === 'marac' ? v.dashScore : null,
            meeting_date: agency === 'marac' ? v.meetingDate : null,
            idva_allocated: agency === 'marac' ? v.idvaAllocated : null,
            next_review: agency === 'marac' ? v.nextReview : null,
            yos_disposal: agency === 'yos' ? v.yosDisposal : null,
            case_manager: agency === 'yos' ? v.caseManager : null,
            transition_date: agency === 'yos' ? v.transitionDate : null,
            brag_rating: agency === 'mash' ? v.bragRating : null,
            mash_decision: agency === 'mash' ? v.mashDecision : null,
            decision_date: agency === 'mash' ? v.decisionDate : null,
            children_involved: agency === 'mash' ? v.childrenInvolved : null,
          },
          actorFrom(req),
        )
        await finish(req, res, result, `${linkAgencyLabels[agency]} case linked`, result.ok ? `/people/${result.id}` : '', (errors) => newLinkPage(req, res, values, errors))
      },
    },
    {
      method: 'get',
      path: '/partner-links/:linkId',
      access: 'partners.manage',
      person: { via: 'partnerLink', param: 'linkId' },
      audit: 'consultation',
      handler: (req, res) => policeLinkPage(req, res),
    },
    {
      method: 'post',
      path: '/partner-links/:linkId',
      access: 'partners.manage',
      person: { via: 'partnerLink', param: 'linkId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const parsed = parseUpdate(req, 'all')
        if ('errors' in parsed) return policeLinkPage(req, res, keptLinkValues(req.body), parsed.errors)
        const id = idParam(req, 'linkId', 'Case link')
        const result = await partnersService.updateLink(signedInUser(req), id, parsed.version, parsed.changes, actorFrom(req))
        await finish(req, res, result, 'Case link updated', `/partner-links/${id}`, (errors) => policeLinkPage(req, res, keptLinkValues(req.body), errors))
      },
    },
    {
      method: 'get',
      path: '/partner-cases',
      access: 'partner.cases',
      audit: 'disclosure',
      handler: async (req, res) => {
        const user = signedInUser(req)
        const { policy, views } = await partnersService.partnerCases(user, actorFrom(req))
        const today = todayInLondon()
        await renderPage(res, 'partners/cases', {
          title: 'Partner cases',
          agencyLabel: agencyLabels[policy.agency],
          noAgreement: policy.allowed.size === 0,
          rows: views.map((v) => presentPartnerView(v, today)),
        })
      },
    },
    {
      method: 'get',
      path: '/partner-cases/:linkId',
      access: 'partner.cases',
      person: { via: 'partnerLink', param: 'linkId' },
      audit: 'disclosure',
      handler: (req, res) => partnerCasePage(req, res),
    },
    {
      method: 'post',
      path: '/partner-cases/:linkId',
      access: 'partner.cases',
      person: { via: 'partnerLink', param: 'linkId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const parsed = parseUpdate(req, partnerEditableFields)
        if ('errors' in parsed) return partnerCasePage(req, res, keptLinkValues(req.body), parsed.errors)
        const id = idParam(req, 'linkId', 'Case')
        const result = await partnersService.partnerUpdate(signedInUser(req), id, parsed.version, parsed.changes, actorFrom(req))
        await finish(req, res, result, 'Case updated', `/partner-cases/${id}`, (errors) => partnerCasePage(req, res, keptLinkValues(req.body), errors))
      },
    },
    {
      method: 'get',
      path: '/admin/agreements',
      access: 'agreements.manage',
      audit: 'none',
      handler: async (_req, res) => {
        const today = todayInLondon()
        const rows = await partnersService.listAgreements()
        await renderPage(res, 'partners/agreements', { title: 'Information-sharing agreements', rows: rows.map((a) => presentAgreement(a, today)) })
      },
    },
    {
      method: 'get',
      path: '/admin/agreements/new',
      access: 'agreements.manage',
      audit: 'none',
      handler: async (_req, res) => {
        await renderPage(res, 'partners/agreementForm', { title: 'Add an agreement', ...options, values: { categories: [], startsOn: dateParts(todayInLondon()), endsOn: dateParts(null) }, action: '/admin/agreements' })
      },
    },
    {
      method: 'post',
      path: '/admin/agreements',
      access: 'agreements.manage',
      audit: 'administration',
      handler: async (req, res) => {
        const parsed = agreementSchema.safeParse(gatherDates(req.body, ['startsOn', 'endsOn']))
        if (!parsed.success) {
          const values = { ...keepValues(req.body, agreementFieldOrder), ...keepDateValues(req.body, ['startsOn', 'endsOn']) }
          return renderPage(res, 'partners/agreementForm', { title: 'Add an agreement', ...options, values, errors: toFormErrors(parsed.error, agreementFieldOrder), action: '/admin/agreements' }, 400)
        }
        await partnersService.createAgreement(parsed.data, signedInUser(req), actorFrom(req))
        req.session.flash = { kind: 'success', text: 'Agreement added' }
        res.redirect(303, '/admin/agreements')
      },
    },
    {
      method: 'get',
      path: '/admin/agreements/:agreementId',
      access: 'agreements.manage',
      audit: 'none',
      handler: async (req, res) => {
        const agreement = await partnersService.findAgreement(idParam(req, 'agreementId', 'Agreement'))
        if (!agreement) throw notFound('Agreement')
        await renderPage(res, 'partners/agreementForm', {
          title: `Edit ${agreement.name}`,
          ...options,
          agreement,
          values: { name: agreement.name, agency: agreement.agency, categories: agreement.categories, startsOn: dateParts(agreement.starts_on), endsOn: dateParts(agreement.ends_on), version: String(agreement.version) },
          action: `/admin/agreements/${agreement.id}`,
        })
      },
    },
    {
      method: 'post',
      path: '/admin/agreements/:agreementId',
      access: 'agreements.manage',
      audit: 'administration',
      handler: async (req, res) => {
        const id = idParam(req, 'agreementId', 'Agreement')
        const agreement = await partnersService.findAgreement(id)
        if (!agreement) throw notFound('Agreement')
        const parsed = agreementUpdateSchema.safeParse(gatherDates(req.body, ['startsOn', 'endsOn']))
        if (!parsed.success) {
          const values = { ...keepValues(req.body, [...agreementFieldOrder, 'version']), ...keepDateValues(req.body, ['startsOn', 'endsOn']), agency: agreement.agency }
          return renderPage(res, 'partners/agreementForm', { title: `Edit ${agreement.name}`, ...options, agreement, values, errors: toFormErrors(parsed.error, agreementFieldOrder), action: `/admin/agreements/${id}` }, 400)
        }
        const { version, ...input } = parsed.data
        if (!(await partnersService.updateAgreement(id, version, input, actorFrom(req)))) throw new HttpError(409, 'Someone else changed this agreement')
        req.session.flash = { kind: 'success', text: 'Agreement saved' }
        res.redirect(303, '/admin/agreements')
      },
    },
  ]
}
