import type { Request, Response } from 'express'
import { todayInLondon } from '../../domain/time.ts'
import { formPost, type FormValues } from '../../http/formPost.ts'
import type { FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { idParam } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { agreementFormValues, linkFormOptions, newAgreementValues, presentAgreement } from './partnersPresenter.ts'
import { agreementSchema, agreementUpdateSchema } from './partnersSchemas.ts'
import type { PartnersService } from './partnersService.ts'

type Deps = { partnersService: PartnersService }

const agreementId = (req: Request) => idParam(req, 'agreementId', 'Agreement')
const toAgreements = (message: string) => () => ({ message, redirect: '/admin/agreements' })

/** The information-sharing agreements partner cases are shared under: listed, added and edited by an administrator. */
export function agreementRoutes({ partnersService }: Deps): RouteDefinition[] {
  function newAgreementPage(_req: Request, res: Response, values: FormValues, errors?: FormErrors) {
    const view = { title: 'Add an agreement', ...linkFormOptions, values, errors, action: '/admin/agreements' }
    return renderPage(res, 'partners/agreementForm', view, errors ? 400 : 200)
  }

  async function editAgreementPage(req: Request, res: Response, values?: FormValues, errors?: FormErrors) {
    const agreement = await partnersService.findAgreement(agreementId(req))
    if (!agreement) throw notFound('Agreement')
    // The agency is fixed once an agreement is added: the form shows it, and never sends it.
    const shown = values ? { ...values, agency: agreement.agency } : agreementFormValues(agreement)
    const view = {
      title: `Edit ${agreement.name}`,
      ...linkFormOptions,
      agreement,
      values: shown,
      errors,
      action: `/admin/agreements/${agreement.id}`,
    }
    await renderPage(res, 'partners/agreementForm', view, errors ? 400 : 200)
  }

  return [
    get('/admin/agreements', 'agreements.manage', 'none', async (_req, res) => {
      const today = todayInLondon()
      const rows = await partnersService.listAgreements()
      await renderPage(res, 'partners/agreements', {
        title: 'Information-sharing agreements',
        rows: rows.map((a) => presentAgreement(a, today)),
      })
    }),
    get('/admin/agreements/new', 'agreements.manage', 'none', (req, res) =>
      newAgreementPage(req, res, newAgreementValues(todayInLondon())),
    ),
    post(
      '/admin/agreements',
      'agreements.manage',
      'administration',
      formPost({
        schema: agreementSchema,
        page: newAgreementPage,
        act: (req, data) => partnersService.createAgreement(data, signedInUser(req), actorFrom(req)),
        done: toAgreements('Agreement added'),
        what: 'Agreement',
      }),
    ),
    get('/admin/agreements/:agreementId', 'agreements.manage', 'none', (req, res) => editAgreementPage(req, res)),
    post(
      '/admin/agreements/:agreementId',
      'agreements.manage',
      'administration',
      formPost({
        schema: agreementUpdateSchema,
        page: editAgreementPage,
        act: (req, { version, ...terms }) =>
          partnersService.updateAgreement(agreementId(req), version, terms, actorFrom(req)),
        done: toAgreements('Agreement saved'),
        what: 'Agreement',
      }),
    ),
  ]
}
