import type { Request, Response } from 'express'
import { todayInLondon } from '../../domain/time.ts'
import { formPost, type FormValues } from '../../http/formPost.ts'
import type { FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { idParam } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { partnerEditableFields } from './disclosurePolicy.ts'
import { linkFormOptions, linkFormValues, presentPartnerCase, presentPartnerCases } from './partnersPresenter.ts'
import { linkUpdateOf, linkUpdateSchema, partnerEditableFormFields } from './partnersSchemas.ts'
import type { PartnersService } from './partnersService.ts'

type Deps = { partnersService: PartnersService }

const caseId = (req: Request) => idParam(req, 'linkId', 'Case')

/** A partner agency's own cases: what its agreements in force let it see, and the few fields it may change. */
export function partnerCaseRoutes({ partnersService }: Deps): RouteDefinition[] {
  async function partnerCasePage(req: Request, res: Response, values?: FormValues, errors?: FormErrors) {
    const found = await partnersService.partnerCase(signedInUser(req), caseId(req), actorFrom(req))
    if (!found) throw notFound('Case')
    const link = found.view.link
    await renderPage(
      res,
      'partners/case',
      {
        ...presentPartnerCase(found, todayInLondon()),
        editable: partnerEditableFormFields,
        ...linkFormOptions,
        values: values ?? (link ? linkFormValues(link) : {}),
        errors,
        action: `/partner-cases/${found.view.linkId}`,
      },
      errors ? 400 : 200,
    )
  }

  return [
    {
      method: 'get',
      path: '/partner-cases',
      access: 'partner.cases',
      audit: 'disclosure',
      handler: async (req, res) => {
        const { policy, views } = await partnersService.partnerCases(signedInUser(req), actorFrom(req))
        await renderPage(res, 'partners/cases', presentPartnerCases(policy, views, todayInLondon()))
      },
    },
    {
      method: 'get',
      path: '/partner-cases/:linkId',
      access: 'partner.cases',
      audit: 'disclosure',
      handler: (req, res) => partnerCasePage(req, res),
    },
    {
      method: 'post',
      path: '/partner-cases/:linkId',
      access: 'partner.cases',
      audit: 'alteration',
      handler: formPost({
        schema: linkUpdateSchema,
        page: partnerCasePage,
        act: (req, data) =>
          partnersService.partnerUpdate(
            signedInUser(req),
            caseId(req),
            linkUpdateOf(data, partnerEditableFields),
            actorFrom(req),
          ),
        done: (req) => ({ message: 'Case updated', redirect: `/partner-cases/${caseId(req)}` }),
        what: 'Case link',
      }),
    },
  ]
}
