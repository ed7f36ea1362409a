import type { Request, RequestHandler, Response } from 'express'
import { todayInLondon } from '../../domain/time.ts'
import { dateParts } from '../../http/dates.ts'
import { formPost, type FormValues } from '../../http/formPost.ts'
import type { FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { codeParam, idParam } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import {
  boroughOptions,
  endingErrors,
  entryFormValues,
  presentLists,
  presentWards,
  type RefusedEnding,
} from './referencePresenter.ts'
import { addEntrySchema, endWardSchema, updateEntrySchema, wardSchema } from './referenceSchemas.ts'
import { referenceLists, type ReferenceListName, type ReferenceService } from './referenceService.ts'

const status = (errors?: FormErrors) => (errors ? 400 : 200)

function listParam(req: Request): ReferenceListName {
  const name = req.params.list
  // Own keys only: a name from the URL such as 'constructor' or '__proto__' is no list.
  if (typeof name !== 'string' || !Object.hasOwn(referenceLists, name)) throw notFound('List')
  return name as ReferenceListName
}

const entryCode = (req: Request) => codeParam(req, 'code', 'Entry')
const wardsPath = '/admin/reference/wards'

export function referenceRoutes({ referenceService }: { referenceService: ReferenceService }): RouteDefinition[] {
  async function listPage(req: Request, res: Response, values: FormValues = {}, errors?: FormErrors) {
    const list = listParam(req)
    await renderPage(
      res,
      'reference/list',
      { title: referenceLists[list].title, list, entries: await referenceService.entries(list), values, errors },
      status(errors),
    )
  }

  async function entryPage(req: Request, res: Response, values?: FormValues, errors?: FormErrors) {
    const list = listParam(req)
    const code = entryCode(req)
    const entry = (await referenceService.entries(list)).find((e) => e.code === code)
    if (!entry) throw notFound('Entry')
    const view = { title: `Edit ${entry.label}`, list, listTitle: referenceLists[list].title, entry }
    await renderPage(
      res,
      'reference/entry',
      { ...view, values: values ?? entryFormValues(entry), errors },
      status(errors),
    )
  }

  /** The wards, with a form to end each current one: a refused end date comes back on that ward's own form. */
  async function wardsPage(res: Response, values: FormValues = {}, errors?: FormErrors, refused?: RefusedEnding) {
    const [wards, boroughs] = [await referenceService.wards(), await referenceService.boroughs()]
    const today = dateParts(todayInLondon())
    await renderPage(
      res,
      'reference/wards',
      {
        title: 'Wards',
        wards: presentWards(wards, today, refused),
        boroughOptions: boroughOptions(boroughs),
        values: { validFrom: today, ...values },
        errors: errors && refused ? endingErrors(errors, refused.wardId) : errors,
      },
      status(errors),
    )
  }

  const addWard = formPost({
    schema: wardSchema,
    page: (_req, res, values, errors) => wardsPage(res, values, errors),
    act: (req, data) => referenceService.addWard(data.boroughId, data.name, data.validFrom, actorFrom(req)),
    done: () => ({ message: 'Ward added', redirect: wardsPath }),
  })

  const wardId = (req: Request) => idParam(req, 'wardId', 'Ward')
  const endWard = formPost({
    schema: endWardSchema,
    page: async (req, res, values, errors) => {
      const refused = {
        wardId: wardId(req),
        typed: values.validTo as RefusedEnding['typed'],
        error: errors?.fields.validTo,
      }
      await wardsPage(res, {}, errors, refused)
    },
    act: (req, data) => referenceService.endWard(wardId(req), data.validTo, actorFrom(req)),
    done: () => ({ message: 'Ward end date saved', redirect: wardsPath }),
    what: 'Ward',
  })

  const addEntry = formPost({
    schema: addEntrySchema,
    page: listPage,
    act: (req, data) => referenceService.add(listParam(req), data.code, data.label, actorFrom(req)),
    done: (req, _code, data) => ({ message: `${data.label} added`, redirect: `/admin/reference/${listParam(req)}` }),
  })

  const updateEntry = formPost({
    schema: updateEntrySchema,
    page: entryPage,
    act: (req, data) =>
      referenceService.update(listParam(req), entryCode(req), data.label, data.active === 'yes', actorFrom(req)),
    done: (req) => ({ message: 'Saved', redirect: `/admin/reference/${listParam(req)}` }),
    what: 'Entry',
  })

  const route = (method: 'get' | 'post', path: string, handler: RequestHandler): RouteDefinition => ({
    method,
    path: `/admin/reference${path}`,
    access: 'reference.manage',
    audit: method === 'get' ? 'none' : 'administration',
    handler,
  })

  return [
    route('get', '', (_req, res) =>
      renderPage(res, 'reference/index', { title: 'Reference data', lists: presentLists(referenceLists) }),
    ),
    route('get', '/wards', (_req, res) => wardsPage(res)),
    route('post', '/wards', addWard),
    route('post', '/wards/:wardId/end', endWard),
    route('get', '/:list', (req, res) => listPage(req, res)),
    route('post', '/:list', addEntry),
    route('get', '/:list/:code', (req, res) => entryPage(req, res)),
    route('post', '/:list/:code', updateEntry),
  ]
}
