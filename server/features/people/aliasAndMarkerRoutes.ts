import type { Request } from 'express'
import { todayInLondon } from '../../domain/time.ts'
import { dateParts } from '../../http/dates.ts'
import { formPost } from '../../http/formPost.ts'
import { HttpError } from '../../http/httpError.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { finishWrite } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { markerOptionsOf } from './peoplePresenter.ts'
import { aliasSchema, markerSchema } from './peopleSchemas.ts'
import type { PeopleService } from './peopleService.ts'
import { backToPerson, personIdFrom } from './personAccess.ts'
import { personFormPage } from './personForForm.ts'

type Deps = { peopleService: PeopleService }

const toPerson = (message: string) => (_req: Request, personId: string) => ({
  message,
  redirect: `/people/${personId}`,
})

/** A person's aliases and warning markers. */
export function aliasAndMarkerRoutes({ peopleService }: Deps): RouteDefinition[] {
  const aliasPage = personFormPage(peopleService, { name: 'alias', view: 'people/alias' }, (_req, _person, values) => ({
    title: 'Add an alias',
    values,
  }))
  const markerPage = personFormPage(
    peopleService,
    { name: 'marker', view: 'people/marker' },
    async (req, _person, values) => {
      const { markerTypes } = await peopleService.formOptions(signedInUser(req))
      return { title: 'Add a warning marker', markerOptions: markerOptionsOf(markerTypes), values }
    },
  )

  return [
    get('/people/:personId/aliases/new', 'people.edit', 'consultation', (req, res) => aliasPage(req, res, {})),
    post(
      '/people/:personId/aliases',
      'people.edit',
      'collection',
      formPost({
        schema: aliasSchema,
        page: aliasPage,
        act: (req, data) =>
          peopleService.addAlias(
            signedInUser(req),
            personIdFrom(req),
            { surname: data.aliasSurname, forenames: data.aliasForenames },
            actorFrom(req),
          ),
        done: toPerson('Alias added'),
        what: 'Person',
      }),
    ),
    get('/people/:personId/markers/new', 'people.edit', 'consultation', (req, res) =>
      markerPage(req, res, { startDate: dateParts(todayInLondon()), reviewDate: dateParts(null) }),
    ),
    post(
      '/people/:personId/markers',
      'people.edit',
      'collection',
      formPost({
        schema: markerSchema,
        page: markerPage,
        act: (req, { markerCode, startDate, reviewDate, markerNote }) =>
          peopleService.addMarker(
            signedInUser(req),
            personIdFrom(req),
            { markerCode, startDate, reviewDate, note: markerNote },
            actorFrom(req),
          ),
        done: toPerson('Warning marker added'),
        what: 'Person',
      }),
    ),
    // Not formPost: a button with no fields, so nothing to parse and no form to show again.
    post('/people/:personId/markers/:markerId/end', 'people.edit', 'alteration', async (req, res) => {
      const id = personIdFrom(req)
      const result = await peopleService.endMarker(signedInUser(req), id, personIdFrom(req, 'markerId'), actorFrom(req))
      await finishWrite(req, res, result, backToPerson(req, 'Warning marker ended'), noFormToShow, 'Marker')
    }),
  ]
}

/** Ending a marker is never refused for a field: there is none. */
const noFormToShow = () => Promise.reject(new HttpError(400, 'Nothing to correct'))
