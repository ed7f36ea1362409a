import type { Request, Response } from 'express'
import { z } from 'zod'
import { dateField, dateParts, gatherDates, keepDateValues, type DateParts } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import { keepValues, singleError, text, toFormErrors, uuid, type FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { codeParam, idParam } from '../../http/writeResult.ts'
import { formatDate } from '../../presenters/format.ts'
import { actorFrom } from '../audit/actor.ts'
import { referenceLists, type ReferenceListName, type ReferenceService } from './referenceService.ts'

const addSchema = z.object({
  code: text('a code', 40).refine((v) => /^[A-Za-z0-9_]*$/.test(v), 'Code must contain only letters, numbers and underscores'),
  label: text('a name', 200),
})
const updateSchema = z.object({ label: text('a name', 200), active: z.enum(['yes', 'no'], { error: 'Select whether it is in use' }) })
const wardSchema = z.object({ boroughId: uuid.or(z.literal('')).pipe(z.guid({ error: 'Select a borough' })), name: text('the ward name', 100), validFrom: dateField('the date the ward starts') })
const endWardSchema = z.object({ validTo: dateField('the date the ward ends') })

function listParam(req: Request): ReferenceListName {
  const name = req.params.list
  // Own keys only: a name from the URL such as 'constructor' or '__proto__' is no list.
  if (typeof name !== 'string' || !Object.hasOwn(referenceLists, name)) throw notFound('List')
  return name as ReferenceListName
}

export function referenceRoutes({ referenceService }: { referenceService: ReferenceService }): RouteDefinition[] {
  async function listPage(req: Request, res: Response, values: Record<string, unknown> = {}, errors?: FormErrors) {
    const list = listParam(req)
    await renderPage(res, 'reference/list', { title: referenceLists[list].title, list, entries: await referenceService.entries(list), values, errors }, errors ? 400 : 200)
  }

  async function entryPage(req: Request, res: Response, values?: Record<string, unknown>, errors?: FormErrors) {
    const list = listParam(req)
    const code = codeParam(req, 'code', 'Entry')
    const entry = (await referenceService.entries(list)).find((e) => e.code === code)
    if (!entry) throw notFound('Entry')
    await renderPage(res, 'reference/entry', {
      title: `Edit ${entry.label}`,
      list,
      listTitle: referenceLists[list].title,
      entry,
      values: values ?? { label: entry.label, active: entry.active ? 'yes' : 'no' },
      errors,
    }, errors ? 400 : 200)
  }

  /**
   * The wards, with a form to end each current one. A refused end date comes back on that
   * ward's own form (its inputs are named validTo-*, with ids made unique by the ward's id).
   */
  async function wardsPage(_req: Request, res: Response, values: Record<string, unknown> = {}, errors?: FormErrors, ending?: { wardId: string; values: Record<string, DateParts> }) {
    const [wards, boroughs] = [await referenceService.wards(), await referenceService.boroughs()]
    const today = dateParts(todayInLondon())
    const endId = (id: string) => `validTo-${id}`
    await renderPage(res, 'reference/wards', {
      title: 'Wards',
      wards: wards.map((w) => {
        const failed = ending?.wardId === w.id
        return {
          ...w,
          from: formatDate(w.valid_from),
          to: formatDate(w.valid_to),
          endId: endId(w.id),
          endValue: failed ? ending.values.validTo : today,
          endError: failed ? errors?.fields.validTo : undefined,
        }
      }),
      boroughOptions: [{ value: '', text: 'Select a borough' }, ...boroughs.map((b) => ({ value: b.id, text: b.name }))],
      values: { validFrom: dateParts(todayInLondon()), ...values },
      errors: errors && ending ? { ...errors, summary: errors.summary.map((item) => ({ ...item, href: `#${endId(ending.wardId)}` })) } : errors,
    }, errors ? 400 : 200)
  }

  return [
    {
      method: 'get',
      path: '/admin/reference',
      access: 'reference.manage',
      audit: 'none',
      handler: async (_req, res) => {
        await renderPage(res, 'reference/index', { title: 'Reference data', lists: Object.entries(referenceLists).map(([name, l]) => ({ name, title: l.title })) })
      },
    },
    { method: 'get', path: '/admin/reference/wards', access: 'reference.manage', audit: 'none', handler: (req, res) => wardsPage(req, res) },
    {
      method: 'post',
      path: '/admin/reference/wards',
      access: 'reference.manage',
      audit: 'administration',
      handler: async (req, res) => {
        const values = { ...keepValues(req.body, ['boroughId', 'name']), ...keepDateValues(req.body, ['validFrom']) }
        const parsed = wardSchema.safeParse(gatherDates(req.body, ['validFrom']))
        if (!parsed.success) return wardsPage(req, res, values, toFormErrors(parsed.error, ['boroughId', 'name', 'validFrom']))
        const result = await referenceService.addWard(parsed.data.boroughId, parsed.data.name, parsed.data.validFrom, actorFrom(req))
        if (result === 'noBorough') return wardsPage(req, res, values, singleError('boroughId', 'Select a borough'))
        if (result === 'exists') return wardsPage(req, res, values, singleError('name', 'That ward already exists from that date'))
        req.session.flash = { kind: 'success', text: 'Ward added' }
        res.redirect(303, '/admin/reference/wards')
      },
    },
    {
      method: 'post',
      path: '/admin/reference/wards/:wardId/end',
      access: 'reference.manage',
      audit: 'administration',
      handler: async (req, res) => {
        const id = idParam(req, 'wardId', 'Ward')
        const ending = { wardId: id, values: keepDateValues(req.body, ['validTo']) }
        const parsed = endWardSchema.safeParse(gatherDates(req.body, ['validTo']))
        if (!parsed.success) return wardsPage(req, res, {}, toFormErrors(parsed.error, ['validTo']), ending)
        const result = await referenceService.endWard(id, parsed.data.validTo, actorFrom(req))
        if (result === 'notFound') throw notFound('Ward')
        if (result === 'beforeStart') return wardsPage(req, res, {}, singleError('validTo', 'The end date must be on or after the date the ward starts'), ending)
        req.session.flash = { kind: 'success', text: 'Ward end date saved' }
        res.redirect(303, '/admin/reference/wards')
      },
    },
    { method: 'get', path: '/admin/reference/:list', access: 'reference.manage', audit: 'none', handler: (req, res) => listPage(req, res) },
    {
      method: 'post',
      path: '/admin/reference/:list',
      access: 'reference.manage',
      audit: 'administration',
      handler: async (req, res) => {
        const list = listParam(req)
        const values = keepValues(req.body, ['code', 'label'])
        const parsed = addSchema.safeParse(req.body)
        if (!parsed.success) return listPage(req, res, values, toFormErrors(parsed.error, ['code', 'label']))
        const code = list === 'offences' ? parsed.data.code.toUpperCase() : parsed.data.code.toLowerCase()
        if ((await referenceService.add(list, code, parsed.data.label, actorFrom(req))) === 'exists') {
          return listPage(req, res, values, singleError('code', 'That code is already in the list'))
        }
        req.session.flash = { kind: 'success', text: `${parsed.data.label} added` }
        res.redirect(303, `/admin/reference/${list}`)
      },
    },
    { method: 'get', path: '/admin/reference/:list/:code', access: 'reference.manage', audit: 'none', handler: (req, res) => entryPage(req, res) },
    {
      method: 'post',
      path: '/admin/reference/:list/:code',
      access: 'reference.manage',
      audit: 'administration',
      handler: async (req, res) => {
        const list = listParam(req)
        const parsed = updateSchema.safeParse(req.body)
        if (!parsed.success) return entryPage(req, res, keepValues(req.body, ['label', 'active']), toFormErrors(parsed.error, ['label', 'active']))
        if (!(await referenceService.update(list, codeParam(req, 'code', 'Entry'), parsed.data.label, parsed.data.active === 'yes', actorFrom(req)))) throw notFound('Entry')
        req.session.flash = { kind: 'success', text: 'Saved' }
        res.redirect(303, `/admin/reference/${list}`)
      },
    },
  ]
}
