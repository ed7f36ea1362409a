import type { Request, Response } from 'express'
import { todayInLondon } from '../../domain/time.ts'
import { formPost, type FormValues } from '../../http/formPost.ts'
import { keepValues, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { idParam } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { partnerEditableFields } from './disclosurePolicy.ts'
import { linkFormOptions, linkFormValues, presentPartnerCase, presentPartnerCases } from './partnersPresenter.ts'
import {
  linkUpdateOf,
  linkUpdateSchema,
  partnerCasesFilterSchema,
  partnerEditableFormFields,
} from './partnersSchemas.ts'
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
    get('/partner-cases', 'partner.cases', 'disclosure', async (req, res) => {
      const filter = partnerCasesFilterSchema.safeParse(req.query)
      const values = keepValues(req.query, ['opened'])
      if (!filter.success) {
        const errors = toFormErrors(filter.error)
        return renderPage(res, 'partners/cases', { title: 'Partner cases', rows: [], values, errors }, 400)
      }
      const opened = filter.data.opened
      const { policy, views } = await partnersService.partnerCases(signedInUser(req), actorFrom(req), opened)
      await renderPage(res, 'partners/cases', {
        ...presentPartnerCases(policy, views, todayInLondon()),
        values,
        opened,
      })
    }),
    get('/partner-cases/:linkId', 'partner.cases', 'disclosure', (req, res) => partnerCasePage(req, res)),
    post(
      '/partner-cases/:linkId',
      'partner.cases',
      'alteration',
      formPost({
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
    ),
  ]
}
