import type { Request, Response } from 'express'
import { dateParts, gatherDates, keepDateValues } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import { formPost } from '../../http/formPost.ts'
import { keepValues, toFormErrors } from '../../http/forms.ts'
import { HttpError, notFound } from '../../http/httpError.ts'
import { pagingOf, windowOf } from '../../http/paging.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { idParam } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { pathwayOptions, presentPerson } from '../people/peoplePresenter.ts'
import type { PeopleService } from '../people/peopleService.ts'
import { backToPerson, personIdFrom, statedPurpose } from '../people/personAccess.ts'
import { personFormPage } from '../people/personForForm.ts'
import {
  contactOutcomeOptions,
  contactTypeFilterOptionsOf,
  contactTypeOptionsOf,
  ownerOptionsOf,
  presentContactHistory,
  presentMyAction,
} from './caseworkPresenter.ts'
import {
  actionSchema,
  completeActionSchema,
  contactFilterFields,
  contactFilterSchema,
  contactSchema,
  myActionsFilterSchema,
} from './caseworkSchemas.ts'
import type { CaseworkService } from './caseworkService.ts'

type Deps = { caseworkService: CaseworkService; peopleService: PeopleService }

/** The contact history's query keys, but the page: a date filter arrives as three inputs. */
const filterKeys = ['type', 'q', ...['from', 'to'].flatMap((d) => [`${d}-day`, `${d}-month`, `${d}-year`])]

const toPerson = (message: string) => (req: Request) => backToPerson(req, message)
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
      outcomeOptions: contactOutcomeOptions,
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

  /**
   * A person's contact history, filtered by a GET form. A refused filter reads no contacts; the
   * page still names the person, so the restricted record gate's hook logs its consultation.
   */
  async function historyPage(req: Request, res: Response) {
    const user = signedInUser(req)
    const personId = personIdFrom(req)
    const types = await caseworkService.allContactTypes()
    const asked = (name: string) => (typeof req.query[name] === 'string' ? req.query[name].slice(0, 200) : '')
    const values = { type: asked('type'), q: asked('q'), ...keepDateValues(req.query, ['from', 'to']) }
    const common = { title: 'Contact history', typeOptions: contactTypeFilterOptionsOf(types), values }
    const parsed = contactFilterSchema(types.map((t) => t.code)).safeParse(gatherDates(req.query, ['from', 'to']))
    if (!parsed.success) {
      const person = await caseworkService.personInScope(user, personId)
      if (!person) throw notFound('Person')
      const errors = toFormErrors(parsed.error, contactFilterFields)
      const shown = { ...common, person: presentPerson(person, todayInLondon()), contacts: [], errors }
      return renderPage(res, 'casework/contacts', shown, 400)
    }
    const { page, type, from, to, q } = parsed.data
    const filters = { type, from: from ?? undefined, to: to ?? undefined, text: q }
    const found = await caseworkService.contactHistory(
      user,
      personId,
      filters,
      windowOf(page),
      actorFrom(req),
      statedPurpose(req, personId),
    )
    if (found.kind === 'notFound') throw notFound('Person')
    if (found.kind === 'needsPurpose') return res.redirect(303, `/people/${personId}`)
    // A page past the end is not "no contacts".
    if (found.kind === 'pastEnd') throw notFound('Page')
    // The filters as the user gave them (and nothing else asked), kept on every page's link.
    const query = new URLSearchParams(
      filterKeys.flatMap((key): [string, string][] => {
        const value = req.query[key]
        return typeof value === 'string' && value ? [[key, value]] : []
      }),
    ).toString()
    const history = presentContactHistory(
      found.rows,
      Object.values(filters).some((v) => v !== undefined),
    )
    await renderPage(res, 'casework/contacts', {
      ...common,
      person: presentPerson(found.person, todayInLondon()),
      ...history,
      paging: pagingOf(page, history.total, found.rows.length, query),
      query,
    })
  }

  return [
    get('/people/:personId/contacts', 'people.view', 'consultation', historyPage),
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
      const filter = myActionsFilterSchema.safeParse(req.query)
      if (!filter.success) {
        const errors = toFormErrors(filter.error)
        const values = keepValues(req.query, ['due'])
        return renderPage(res, 'casework/myActions', { title: 'My actions', actions: [], values, errors }, 400)
      }
      const dueToday = filter.data.due === 'today'
      const rows = await caseworkService.myActions(signedInUser(req), actorFrom(req), dueToday ? today : undefined)
      await renderPage(res, 'casework/myActions', {
        title: dueToday ? 'My actions due today' : 'My actions',
        dueToday,
        values: { due: dueToday ? 'today' : '' },
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
