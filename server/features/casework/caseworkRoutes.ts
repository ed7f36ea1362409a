import type { Request } from 'express'
import { dateParts } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import { formPost } from '../../http/formPost.ts'
import { HttpError } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { idParam } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { pathwayOptions } from '../people/peoplePresenter.ts'
import type { PeopleService } from '../people/peopleService.ts'
import { personIdFrom } from '../people/personAccess.ts'
import { personFormPage } from '../people/personForForm.ts'
import { contactTypeOptionsOf, ownerOptionsOf, presentMyAction } from './caseworkPresenter.ts'
import { actionSchema, completeActionSchema, contactSchema } from './caseworkSchemas.ts'
import type { CaseworkService } from './caseworkService.ts'

type Deps = { caseworkService: CaseworkService; peopleService: PeopleService }

const toPerson = (message: string) => (req: Request) => ({ message, redirect: `/people/${personIdFrom(req)}` })
const actionId = (req: Request) => idParam(req, 'actionId', 'Action')

/** Where a completed action goes back to: a path on this site only ('//host' would send the browser to another site). */
function returnTo(req: Request): string {
  const asked = (req.body as Record<string, unknown> | undefined)?.returnTo
  return typeof asked === 'string' && /^\/(?!\/)[a-z0-9/-]*$/.test(asked) ? asked : '/actions'
}

export function caseworkRoutes({ caseworkService, peopleService }: Deps): RouteDefinition[] {
  const contactPage = personFormPage(
    peopleService,
    { name: 'contact', view: 'casework/contact' },
    async (_req, _person, values) => ({
      title: 'Record a contact',
      typeOptions: contactTypeOptionsOf(await caseworkService.contactTypes()),
      pathwayOptions,
      values,
    }),
  )
  const actionPage = personFormPage(
    peopleService,
    { name: 'action', view: 'casework/action' },
    async (req, _person, values) => ({
      title: 'Set an action',
      ownerOptions: ownerOptionsOf(await caseworkService.owners(signedInUser(req))),
      pathwayOptions,
      values,
    }),
  )

  return [
    get('/people/:personId/contacts/new', 'casework.record', 'consultation', (req, res) =>
      contactPage(req, res, { contactDate: dateParts(todayInLondon()) }),
    ),
    post(
      '/people/:personId/contacts',
      'casework.record',
      'collection',
      formPost({
        schema: contactSchema,
        page: contactPage,
        act: (req, data) => caseworkService.recordContact(signedInUser(req), personIdFrom(req), data, actorFrom(req)),
        done: toPerson('Contact recorded'),
      }),
    ),
    get('/people/:personId/actions/new', 'casework.record', 'consultation', (req, res) =>
      actionPage(req, res, { ownerId: signedInUser(req).id, dueDate: dateParts(null) }),
    ),
    post(
      '/people/:personId/actions',
      'casework.record',
      'collection',
      formPost({
        schema: actionSchema,
        page: actionPage,
        act: (req, { actionPathway, ...rest }) =>
          caseworkService.addAction(
            signedInUser(req),
            personIdFrom(req),
            { ...rest, pathway: actionPathway },
            actorFrom(req),
          ),
        done: toPerson('Action set'),
      }),
    ),
    get('/actions', 'casework.record', 'consultation', async (req, res) => {
      const today = todayInLondon()
      const rows = await caseworkService.myActions(signedInUser(req), actorFrom(req))
      await renderPage(res, 'casework/myActions', {
        title: 'My actions',
        actions: rows.map((a) => presentMyAction(a, today)),
      })
    }),
    post(
      '/actions/:actionId/complete',
      'casework.record',
      'alteration',
      formPost({
        schema: completeActionSchema,
        // A button beside each action, not a form page: a post without its version is simply refused.
        page: (req) => {
          actionId(req)
          return Promise.reject(new HttpError(400, 'The form is missing its version'))
        },
        act: (req, data) =>
          caseworkService.completeAction(signedInUser(req), actionId(req), data.version, actorFrom(req)),
        done: (req) => ({ message: 'Action marked as done', redirect: returnTo(req) }),
      }),
    ),
  ]
}
