import type { Request, Response } from 'express'
import { dateParts, gatherDates, keepDateValues } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import { keepValues, singleError, toFormErrors, uuid, type FormErrors } from '../../http/forms.ts'
import { HttpError, notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { keyUsedBefore } from '../../http/writeResult.ts'
import { formatDate } from '../../presenters/format.ts'
import { actorFrom } from '../audit/actor.ts'
import { dueStatus, fullName, pathwayLabel, pathwayOptions, presentPerson } from '../people/peoplePresenter.ts'
import type { PeopleService } from '../people/peopleService.ts'
import { personIdFrom } from '../people/personAccess.ts'
import { personForForm } from '../people/personForForm.ts'
import { actionFieldOrder, actionSchema, completeActionSchema, contactFieldOrder, contactSchema } from './caseworkSchemas.ts'
import type { CaseworkResult, CaseworkService } from './caseworkService.ts'

type Deps = { caseworkService: CaseworkService; peopleService: PeopleService }

export function caseworkRoutes({ caseworkService, peopleService }: Deps): RouteDefinition[] {
  const personFor = (req: Request, res: Response, page: string, firstShow: boolean) => personForForm(peopleService, req, res, page, firstShow)

  async function contactPage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const person = await personFor(req, res, 'contact', !errors)
    if (!person) return
    const types = await caseworkService.contactTypes()
    await renderPage(
      res,
      'casework/contact',
      {
        title: 'Record a contact',
        person: presentPerson(person, todayInLondon()),
        typeOptions: [{ value: '', text: 'Select a type' }, ...types.map((t) => ({ value: t.code, text: t.label }))],
        pathwayOptions,
        values,
        errors,
      },
      errors ? 400 : 200,
    )
  }

  async function actionPage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const person = await personFor(req, res, 'action', !errors)
    if (!person) return
    const owners = await caseworkService.owners(signedInUser(req))
    await renderPage(
      res,
      'casework/action',
      {
        title: 'Set an action',
        person: presentPerson(person, todayInLondon()),
        ownerOptions: [{ value: '', text: 'Select an owner' }, ...owners.map((o) => ({ value: o.id, text: o.display_name }))],
        pathwayOptions,
        values,
        errors,
      },
      errors ? 400 : 200,
    )
  }

  function finish(req: Request, res: Response, result: CaseworkResult, success: string, redirect: string, onInvalid: (errors: FormErrors) => Promise<void>) {
    if (result === 'ok') {
      req.session.flash = { kind: 'success', text: success }
      res.redirect(303, redirect)
      return Promise.resolve()
    }
    if (result === 'notFound') throw notFound('Record')
    if (result === 'stale') throw new HttpError(409, 'Someone else changed this record')
    if (result === 'keyReused') throw keyUsedBefore()
    return onInvalid(singleError(result.invalid.field, result.invalid.message))
  }

  return [
    {
      method: 'get',
      path: '/people/:personId/contacts/new',
      access: 'casework.record',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: (req, res) => contactPage(req, res, { contactDate: dateParts(todayInLondon()) }),
    },
    {
      method: 'post',
      path: '/people/:personId/contacts',
      access: 'casework.record',
      person: { via: 'person', param: 'personId' },
      audit: 'collection',
      handler: async (req, res) => {
        const id = personIdFrom(req)
        const values = { ...keepValues(req.body, contactFieldOrder), ...keepDateValues(req.body, ['contactDate']) }
        const parsed = contactSchema.safeParse(gatherDates(req.body, ['contactDate']))
        if (!parsed.success) return contactPage(req, res, values, toFormErrors(parsed.error, contactFieldOrder))
        const result = await caseworkService.recordContact(signedInUser(req), id, parsed.data, actorFrom(req))
        await finish(req, res, result, 'Contact recorded', `/people/${id}`, (errors) => contactPage(req, res, values, errors))
      },
    },
    {
      method: 'get',
      path: '/people/:personId/actions/new',
      access: 'casework.record',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: (req, res) => actionPage(req, res, { ownerId: signedInUser(req).id, dueDate: dateParts(null) }),
    },
    {
      method: 'post',
      path: '/people/:personId/actions',
      access: 'casework.record',
      person: { via: 'person', param: 'personId' },
      audit: 'collection',
      handler: async (req, res) => {
        const id = personIdFrom(req)
        const values = { ...keepValues(req.body, actionFieldOrder), ...keepDateValues(req.body, ['dueDate']) }
        const parsed = actionSchema.safeParse(gatherDates(req.body, ['dueDate']))
        if (!parsed.success) return actionPage(req, res, values, toFormErrors(parsed.error, actionFieldOrder))
        const { actionPathway, ...rest } = parsed.data
        const result = await caseworkService.addAction(signedInUser(req), id, { ...rest, pathway: actionPathway }, actorFrom(req))
        await finish(req, res, result, 'Action set', `/people/${id}`, (errors) => actionPage(req, res, values, errors))
      },
    },
    {
      method: 'get',
      path: '/actions',
      access: 'casework.record',
      audit: 'consultation',
      handler: async (req, res) => {
        const today = todayInLondon()
        const rows = await caseworkService.myActions(signedInUser(req), actorFrom(req))
        await renderPage(res, 'casework/myActions', {
          title: 'My actions',
          actions: rows.map((a) => ({
            ...a,
            name: fullName(a),
            due: formatDate(a.due_date),
            status: dueStatus(a.due_date, today),
            pathway: pathwayLabel(a.pathway),
          })),
        })
      },
    },
    {
      method: 'post',
      path: '/actions/:actionId/complete',
      access: 'casework.record',
      person: { via: 'action', param: 'actionId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const id = uuid.safeParse(req.params.actionId)
        if (!id.success) throw notFound('Action')
        const parsed = completeActionSchema.safeParse(req.body)
        if (!parsed.success) throw new HttpError(400, 'The form is missing its version')
        const result = await caseworkService.completeAction(signedInUser(req), id.data, parsed.data.version, actorFrom(req))
        // A path on this site only: '//host' would send the browser to another site.
        const back = typeof req.body?.returnTo === 'string' && /^\/(?!\/)[a-z0-9/-]*$/.test(req.body.returnTo) ? req.body.returnTo : '/actions'
        await finish(req, res, result, 'Action marked as done', back, () => Promise.reject(new HttpError(400, 'Invalid')))
      },
    },
  ]
}
