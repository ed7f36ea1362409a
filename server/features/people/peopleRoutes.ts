import type { Request, Response } from 'express'
import { dateParts, gatherDates, keepDateValues } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import { keepValues, singleError, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { HttpError, notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { keyUsedBefore } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { fullName, genderOptions, personFormValues, presentPerson, presentSummary } from './peoplePresenter.ts'
import {
  accessPurposeSchema,
  restrictedRecordSchema,
  aliasSchema,
  editPersonSchema,
  markerDateFields,
  markerSchema,
  personDateFields,
  personFieldOrder,
  personSchema,
  restrictedPurposeLabels,
  restrictedPurposeOptions,
  restrictionSchema,
  searchSchema,
} from './peopleSchemas.ts'
import type { PeopleService } from './peopleService.ts'
import type { PersonRecord } from './peopleRepository.ts'
import { grantPurpose, personIdFrom } from './personAccess.ts'
import { personForForm } from './personForForm.ts'
import { safeReturnTo } from '../auth/authSchemas.ts'
import { formatDate } from '../../presenters/format.ts'
import { descriptionRoutes } from './descriptionRoutes.ts'

type Deps = { peopleService: PeopleService }

const purposeOptions = restrictedPurposeOptions

export function peopleRoutes({ peopleService }: Deps): RouteDefinition[] {
  async function personForm(req: Request, res: Response, view: string, extra: Record<string, unknown>, status = 200) {
    const user = signedInUser(req)
    const options = await peopleService.formOptions(user)
    await renderPage(
      res,
      view,
      {
        genderOptions,
        boroughOptions: [{ value: '', text: 'Select a borough' }, ...options.boroughs.map((b) => ({ value: b.id, text: b.name }))],
        wardOptions: [
          { value: '', text: 'Not known' },
          ...options.wards.map((w) => ({ value: w.id, text: `${w.name} (${w.borough_name})` })),
        ],
        ...extra,
      },
      status,
    )
  }

  const openPerson = (req: Request, res: Response, page: string) => personForForm(peopleService, req, res, page)

  function restrictionPage(res: Response, person: PersonRecord, values: Record<string, unknown>, errors?: FormErrors) {
    const restrict = !person.restricted
    const title = restrict ? 'Restrict this record' : 'Remove the restriction'
    return renderPage(res, 'people/restriction', { title, restrict, person: presentPerson(person, todayInLondon()), values, errors }, errors ? 400 : 200)
  }

  function personValues(body: unknown) {
    return { ...keepValues(body, [...personFieldOrder, 'version']), ...keepDateValues(body, personDateFields) }
  }

  return [
    {
      method: 'get',
      path: '/people/search',
      access: 'people.search',
      audit: 'consultation',
      handler: async (req, res) => {
        if (req.query.q === undefined) return renderPage(res, 'people/search', { title: 'Search for a person', values: {} })
        const values = keepValues(req.query, ['q'])
        const parsed = searchSchema.safeParse(req.query)
        if (!parsed.success) {
          return renderPage(res, 'people/search', { title: 'Search for a person', values, errors: toFormErrors(parsed.error, ['q']) }, 400)
        }
        const { kind, results } = await peopleService.search(signedInUser(req), parsed.data.q, actorFrom(req))
        await renderPage(res, 'people/search', {
          title: 'Search for a person',
          values,
          searched: true,
          kind,
          results: results.map(presentSummary),
        })
      },
    },
    {
      method: 'get',
      path: '/people/new',
      access: 'people.edit',
      audit: 'none',
      handler: async (req, res) => {
        await personForm(req, res, 'people/new', { title: 'Add a person', values: { dateOfBirth: dateParts(null) } })
      },
    },
    {
      method: 'post',
      path: '/people',
      access: 'people.edit',
      audit: 'collection',
      handler: async (req, res) => {
        const values = personValues(req.body)
        const render = (extra: Record<string, unknown>) => personForm(req, res, 'people/new', { title: 'Add a person', values, ...extra }, 400)
        const parsed = personSchema.safeParse(gatherDates(req.body, personDateFields))
        if (!parsed.success) return render({ errors: toFormErrors(parsed.error, personFieldOrder) })
        const { confirmNotDuplicate, ...fields } = parsed.data
        const result = await peopleService.create(signedInUser(req), fields, confirmNotDuplicate === 'yes', actorFrom(req))
        if (result.ok) {
          req.session.flash = { kind: 'success', text: `${fullName(fields)} added` }
          return res.redirect(303, `/people/${result.id}`)
        }
        if (result.kind === 'duplicates') {
          return render({
            duplicates: result.matches.map(presentSummary),
            samePnc: result.matches.some((m) => m.pnc_id !== null && m.pnc_id === fields.pncId),
            errors: singleError('confirmNotDuplicate', 'This person may already be on Cohort: open the match, or confirm this is someone else'),
          })
        }
        if (result.kind === 'invalid') return render({ errors: singleError(result.field, result.message) })
        if (result.kind === 'keyReused') throw keyUsedBefore()
        throw new HttpError(500, 'Unexpected result')
      },
    },
    {
      // Where the purpose for a restricted record is stated, from the question the restricted
      // record gate asks. The form names the record the user asked for (a person, a test …), not
      // the person behind it, so the question itself discloses nothing.
      method: 'post',
      path: '/restricted-records/access',
      access: 'people.view',
      audit: 'none',
      handler: async (req, res) => {
        const record = restrictedRecordSchema.safeParse(req.body)
        const behind = record.success ? await peopleService.personBehind(signedInUser(req), record.data.via, record.data.recordId) : undefined
        if (!record.success || !behind?.inScope) throw notFound('Record')
        const returnTo = safeReturnTo((req.body as Record<string, unknown>)?.returnTo ?? `/people/${behind.personId}`)
        const parsed = accessPurposeSchema.safeParse(req.body)
        if (!parsed.success) {
          const values = keepValues(req.body, ['purpose', 'purposeDetail'])
          const errors = toFormErrors(parsed.error, ['purpose', 'purposeDetail'])
          return renderPage(res, 'people/purpose', { title: 'This record is restricted', ...record.data, values, errors, purposeOptions, returnTo }, 400)
        }
        grantPurpose(req, behind.personId, `${restrictedPurposeLabels[parsed.data.purpose]}: ${parsed.data.purposeDetail}`)
        res.redirect(303, returnTo)
      },
    },
    {
      method: 'get',
      path: '/people/:personId/edit',
      access: 'people.edit',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: async (req, res) => {
        const person = await openPerson(req, res, 'edit')
        if (!person) return
        await personForm(req, res, 'people/edit', { title: `Edit ${fullName(person)}`, personId: person.id, values: personFormValues(person) })
      },
    },
    {
      method: 'post',
      path: '/people/:personId',
      access: 'people.edit',
      person: { via: 'person', param: 'personId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const user = signedInUser(req)
        const id = personIdFrom(req)
        const values = personValues(req.body)
        // The form shown again holds what the user typed, not the record: it shows no one.
        const render = (errors: FormErrors) => personForm(req, res, 'people/edit', { title: 'Edit person', personId: id, values, errors, showsNoPerson: true }, 400)
        if (!(await peopleService.findInScope(user, id))) throw notFound('Person')
        const parsed = editPersonSchema.safeParse(gatherDates(req.body, personDateFields))
        if (!parsed.success) return render(toFormErrors(parsed.error, personFieldOrder))
        const { version, ...fields } = parsed.data
        const result = await peopleService.edit(user, id, version, fields, actorFrom(req))
        if (result.ok) {
          req.session.flash = { kind: 'success', text: 'Details saved' }
          return res.redirect(303, `/people/${id}`)
        }
        if (result.kind === 'notFound') throw notFound('Person')
        if (result.kind === 'invalid') return render(singleError(result.field, result.message))
        if (result.kind === 'stale') {
          return renderPage(res, 'people/conflict', {
            title: 'Someone else changed this record',
            personId: id,
            current: presentPerson(result.current, todayInLondon()),
            yours: { ...fields, dateOfBirth: formatDate(fields.dateOfBirth) },
          }, 409)
        }
        throw new HttpError(500, 'Unexpected result')
      },
    },
    {
      method: 'get',
      path: '/people/:personId/aliases/new',
      access: 'people.edit',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: async (req, res) => {
        const person = await openPerson(req, res, 'alias')
        if (!person) return
        await renderPage(res, 'people/alias', { title: 'Add an alias', person: presentPerson(person, todayInLondon()), values: {} })
      },
    },
    {
      method: 'post',
      path: '/people/:personId/aliases',
      access: 'people.edit',
      person: { via: 'person', param: 'personId' },
      audit: 'collection',
      handler: async (req, res) => {
        const id = personIdFrom(req)
        const parsed = aliasSchema.safeParse(req.body)
        if (!parsed.success) {
          const person = await peopleService.findInScope(signedInUser(req), id)
          if (!person) throw notFound('Person')
          const values = keepValues(req.body, ['aliasSurname', 'aliasForenames'])
          return renderPage(res, 'people/alias', { title: 'Add an alias', person: presentPerson(person, todayInLondon()), values, errors: toFormErrors(parsed.error, ['aliasSurname', 'aliasForenames']) }, 400)
        }
        const result = await peopleService.addAlias(signedInUser(req), id, { surname: parsed.data.aliasSurname, forenames: parsed.data.aliasForenames }, actorFrom(req))
        if (result === 'notFound') throw notFound('Person')
        if (result === 'keyReused') throw keyUsedBefore()
        req.session.flash = { kind: 'success', text: 'Alias added' }
        res.redirect(303, `/people/${id}`)
      },
    },
    {
      method: 'get',
      path: '/people/:personId/markers/new',
      access: 'people.edit',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: async (req, res) => {
        const person = await openPerson(req, res, 'marker')
        if (!person) return
        const { markerTypes } = await peopleService.formOptions(signedInUser(req))
        await renderPage(res, 'people/marker', {
          title: 'Add a warning marker',
          person: presentPerson(person, todayInLondon()),
          markerOptions: markerTypes.map((m) => ({ value: m.code, text: m.label })),
          values: { startDate: dateParts(todayInLondon()), reviewDate: dateParts(null) },
        })
      },
    },
    {
      method: 'post',
      path: '/people/:personId/markers',
      access: 'people.edit',
      person: { via: 'person', param: 'personId' },
      audit: 'collection',
      handler: async (req, res) => {
        const user = signedInUser(req)
        const id = personIdFrom(req)
        const values = { ...keepValues(req.body, ['markerCode', 'markerNote']), ...keepDateValues(req.body, markerDateFields) }
        const render400 = async (errors: FormErrors) => {
          const person = await peopleService.findInScope(user, id)
          if (!person) throw notFound('Person')
          const { markerTypes } = await peopleService.formOptions(user)
          await renderPage(res, 'people/marker', {
            title: 'Add a warning marker',
            person: presentPerson(person, todayInLondon()),
            markerOptions: markerTypes.map((m) => ({ value: m.code, text: m.label })),
            values,
            errors,
          }, 400)
        }
        const parsed = markerSchema.safeParse(gatherDates(req.body, markerDateFields))
        if (!parsed.success) return render400(toFormErrors(parsed.error, ['markerCode', 'startDate', 'reviewDate', 'markerNote']))
        const marker = { markerCode: parsed.data.markerCode, startDate: parsed.data.startDate, reviewDate: parsed.data.reviewDate, note: parsed.data.markerNote }
        if (marker.reviewDate && marker.reviewDate < marker.startDate) return render400(singleError('reviewDate', 'Review date must be after the start date'))
        const result = await peopleService.addMarker(user, id, marker, actorFrom(req))
        if (result === 'invalid') return render400(singleError('markerCode', 'Select a marker'))
        if (result === 'notFound') throw notFound('Person')
        if (result === 'keyReused') throw keyUsedBefore()
        req.session.flash = { kind: 'success', text: 'Warning marker added' }
        res.redirect(303, `/people/${id}`)
      },
    },
    {
      method: 'post',
      path: '/people/:personId/markers/:markerId/end',
      access: 'people.edit',
      person: { via: 'person', param: 'personId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const id = personIdFrom(req)
        const markerId = personIdFrom(req, 'markerId')
        const result = await peopleService.endMarker(signedInUser(req), id, markerId, actorFrom(req))
        if (result === 'notFound' || result === 'unchanged') throw notFound('Marker')
        if (result === 'keyReused') throw keyUsedBefore()
        req.session.flash = { kind: 'success', text: 'Warning marker ended' }
        res.redirect(303, `/people/${id}`)
      },
    },
    {
      method: 'get',
      path: '/people/:personId/restriction',
      access: 'people.restrict',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: async (req, res) => {
        const person = await openPerson(req, res, 'restriction')
        if (!person) return
        await restrictionPage(res, person, { version: String(person.version) })
      },
    },
    {
      method: 'post',
      path: '/people/:personId/restriction',
      access: 'people.restrict',
      person: { via: 'person', param: 'personId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const id = personIdFrom(req)
        const parsed = restrictionSchema.safeParse(req.body)
        if (!parsed.success) {
          const person = await peopleService.findInScope(signedInUser(req), id)
          if (!person) throw notFound('Person')
          return restrictionPage(res, person, keepValues(req.body, ['version', 'reason']), toFormErrors(parsed.error, ['reason', 'version', 'restricted']))
        }
        const restricted = parsed.data.restricted === 'yes'
        const result = await peopleService.setRestricted(signedInUser(req), id, { version: parsed.data.version, restricted, reason: parsed.data.reason }, actorFrom(req))
        if (result === 'notFound') throw notFound('Person')
        if (result === 'unchanged') throw new HttpError(409, 'The record changed; reload it and try again')
        if (result === 'keyReused') throw keyUsedBefore()
        if (!restricted) delete req.session.restrictedAccess?.[id]
        req.session.flash = { kind: 'success', text: restricted ? 'Record restricted' : 'Restriction removed' }
        res.redirect(303, `/people/${id}`)
      },
    },
    ...descriptionRoutes({ peopleService }),
  ]
}
