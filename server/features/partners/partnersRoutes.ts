import type { Request, Response } from 'express'
import { todayInLondon } from '../../domain/time.ts'
import { dateParts } from '../../http/dates.ts'
import { formPost, type FormValues } from '../../http/formPost.ts'
import type { FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { idParam } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import type { PeopleService } from '../people/peopleService.ts'
import { personIdFrom } from '../people/personAccess.ts'
import { personFormPage } from '../people/personForForm.ts'
import { agreementRoutes } from './agreementRoutes.ts'
import { partnerCaseRoutes } from './partnerCaseRoutes.ts'
import { agreementOptionsOf, linkFormOptions, linkFormValues, presentPoliceLink } from './partnersPresenter.ts'
import {
  linkUpdateOf,
  linkUpdateSchema,
  newLinkColumns,
  newLinkSchema,
  policeEditableFields,
} from './partnersSchemas.ts'
import type { PartnersService } from './partnersService.ts'
import { linkAgencyLabels } from './partnersVocabulary.ts'

type Deps = { partnersService: PartnersService; peopleService: PeopleService }

const linkId = (req: Request) => idParam(req, 'linkId', 'Case link')

/** Partner case links as the police keep them; then what partners see of them, and the agreements they are shared under. */
export function partnersRoutes({ partnersService, peopleService }: Deps): RouteDefinition[] {
  const newLinkPage = personFormPage(
    peopleService,
    { name: 'partner_link', view: 'partners/linkNew' },
    async (_req, _person, values) => ({
      title: 'Link to a partner case',
      agreementOptions: agreementOptionsOf(await partnersService.allAgreementsInForce()),
      ...linkFormOptions,
      values,
    }),
  )

  async function policeLinkPage(req: Request, res: Response, values?: FormValues, errors?: FormErrors) {
    const found = await partnersService.policeLink(signedInUser(req), linkId(req), actorFrom(req))
    if (!found) throw notFound('Case link')
    const { link, changes } = found
    await renderPage(
      res,
      'partners/linkEdit',
      {
        ...presentPoliceLink(link, changes),
        editable: policeEditableFields,
        ...linkFormOptions,
        values: values ?? linkFormValues(link),
        errors,
        action: `/partner-links/${link.id}`,
      },
      errors ? 400 : 200,
    )
  }

  return [
    get('/people/:personId/partner-links/new', 'partners.manage', 'consultation', (req, res) =>
      newLinkPage(req, res, { openedOn: dateParts(todayInLondon()) }),
    ),
    post(
      '/people/:personId/partner-links',
      'partners.manage',
      'collection',
      formPost({
        schema: newLinkSchema,
        page: newLinkPage,
        act: (req, data) =>
          partnersService.createLink(signedInUser(req), personIdFrom(req), newLinkColumns(data), actorFrom(req)),
        done: (_req, personId, data) => ({
          message: `${linkAgencyLabels[data.agency]} case linked`,
          redirect: `/people/${personId}`,
        }),
        what: 'Case link',
      }),
    ),
    get('/partner-links/:linkId', 'partners.manage', 'consultation', (req, res) => policeLinkPage(req, res)),
    post(
      '/partner-links/:linkId',
      'partners.manage',
      'alteration',
      formPost({
        schema: linkUpdateSchema,
        page: policeLinkPage,
        act: (req, data) =>
          partnersService.updateLink(signedInUser(req), linkId(req), linkUpdateOf(data, 'all'), actorFrom(req)),
        done: (req) => ({ message: 'Case link updated', redirect: `/partner-links/${linkId(req)}` }),
        what: 'Case link',
      }),
    ),
    ...partnerCaseRoutes({ partnersService }),
    ...agreementRoutes({ partnersService }),
  ]
}
