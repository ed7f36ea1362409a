import type { Request, Response } from 'express'
import { todayInLondon } from '../../domain/time.ts'
import { keepValues, singleError, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { HttpError, notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { presentPerson, presentSummary } from '../people/peoplePresenter.ts'
import { personIdFrom, statedPurpose } from '../people/personAccess.ts'
import { presentBlockers, presentCombination, presentCounts, presentPair, warningsFor } from './combinationPresenter.ts'
import { combineFieldOrder, combineKeysSchema, combineSchema, findDuplicateSchema, reverseKeysSchema, reverseSchema } from './combinationSchemas.ts'
import type { CombinationService } from './combinationService.ts'

type Deps = { combinationService: CombinationService }

const startTitle = 'Combine with a duplicate record'
const checkTitle = 'Check before combining these records'

export function combinationRoutes({ combinationService: service }: Deps): RouteDefinition[] {
  /** The first step: the record to keep, its likely duplicates, and a box to name another. */
  async function startPage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const id = personIdFrom(req)
    const opened = await service.startPage(signedInUser(req), id, actorFrom(req), statedPurpose(req, id))
    if (opened.kind === 'notFound') throw notFound('Person')
    if (opened.kind === 'needsPurpose') return res.redirect(303, `/people/${id}`)
    await renderPage(res, 'combination/start', {
      title: startTitle,
      person: presentPerson(opened.person, todayInLondon()),
      candidates: opened.candidates.map(presentSummary),
      values,
      errors,
    }, errors ? 400 : 200)
  }

  /** Both records side by side; `errors` (and no new audit row) when the confirmation was refused. */
  async function checkPage(req: Request, res: Response, mergedId: string, refused?: { values: Record<string, unknown>; errors?: FormErrors; blockers?: string[] }) {
    const user = signedInUser(req)
    const id = personIdFrom(req)
    const found = await service.checkPage(user, id, mergedId, actorFrom(req), { survivor: statedPurpose(req, id), merged: statedPurpose(req, mergedId) }, !refused)
    if (found.kind === 'notFound') throw notFound('Person')
    if (found.kind === 'needsPurpose') return res.redirect(303, `/people/${id}`)
    if (found.kind === 'noDuplicate') {
      if (refused) throw notFound('Person')
      return startPage(req, res, keepValues(req.query, ['duplicate']), singleError('duplicate', 'That is this record: enter the other record’s PNC ID, CRO number or Cohort reference'))
    }
    if (found.kind === 'duplicateNeedsPurpose') {
      return renderPage(res, 'combination/duplicateRestricted', { title: 'The duplicate record is restricted', personId: id, mergedId })
    }
    const today = todayInLondon()
    await renderPage(res, 'combination/check', {
      title: checkTitle,
      pair: presentPair(found.survivor, found.merged, today),
      counts: presentCounts(found.survivorCounts, found.mergedCounts),
      warnings: warningsFor(found.survivor, found.merged, found.sharedCases),
      blockers: refused?.blockers ?? presentBlockers(found.blocking),
      keys: { mergedId: found.merged.id, survivorVersion: found.survivor.version, mergedVersion: found.merged.version },
      values: refused?.values ?? {},
      errors: refused?.errors,
    }, refused ? 400 : 200)
  }

  async function historyPage(req: Request, res: Response, refused?: { values: Record<string, unknown>; errors: FormErrors }) {
    const user = signedInUser(req)
    const id = personIdFrom(req)
    const found = refused ? await service.history(user, id) : await service.historyPage(user, id, actorFrom(req), statedPurpose(req, id))
    if (found.kind === 'notFound') throw notFound('Person')
    if (found.kind === 'needsPurpose') return res.redirect(303, `/people/${id}`)
    const combinations = found.combinations.map((c) => presentCombination(c, id))
    // Which reversible combination the form is for: the one asked for, else the newest.
    const asked = refused?.values.combinationId ?? (typeof req.query.reverse === 'string' ? req.query.reverse : undefined)
    const reversing = combinations.find((c) => c.reversible && c.id === asked) ?? combinations.find((c) => c.reversible)
    await renderPage(res, 'combination/history', {
      title: 'Combined records',
      person: presentPerson(found.person, todayInLondon()),
      combinations,
      reversing,
      values: refused?.values ?? {},
      errors: refused?.errors,
    }, refused ? 400 : 200)
  }

  return [
    {
      method: 'get',
      path: '/people/:personId/combine',
      access: 'people.combine',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: async (req, res) => {
        if (req.query.duplicate === undefined) return startPage(req, res, {})
        const values = keepValues(req.query, ['duplicate'])
        const parsed = findDuplicateSchema.safeParse(req.query)
        if (!parsed.success) return startPage(req, res, values, toFormErrors(parsed.error, ['duplicate']))
        const mergedId = await service.findDuplicate(signedInUser(req), parsed.data.duplicate)
        if (!mergedId) return startPage(req, res, values, singleError('duplicate', 'No record in your areas has this PNC ID, CRO number or reference'))
        await checkPage(req, res, mergedId)
      },
    },
    {
      method: 'post',
      path: '/people/:personId/combine',
      access: 'people.combine',
      person: { via: 'person', param: 'personId' },
      audit: 'combination',
      handler: async (req, res) => {
        const id = personIdFrom(req)
        const keys = combineKeysSchema.safeParse(req.body)
        if (!keys.success) throw new HttpError(400, 'The form was not sent from the check page')
        const values = keepValues(req.body, ['reason', 'confirmSamePerson'])
        const parsed = combineSchema.safeParse(req.body)
        if (!parsed.success) return checkPage(req, res, keys.data.mergedId, { values, errors: toFormErrors(parsed.error, combineFieldOrder) })
        const { mergedId, survivorVersion, mergedVersion } = keys.data
        const result = await service.combine(signedInUser(req), id, mergedId, { survivorVersion, mergedVersion }, parsed.data.reason, actorFrom(req))
        if (result.kind === 'notFound' || result.kind === 'noDuplicate') throw notFound('Person')
        if (result.kind === 'blocked') {
          const blockers = presentBlockers(result.blocking)
          return checkPage(req, res, mergedId, { values, blockers, errors: singleError('blockers', blockers[0] ?? 'These records cannot be combined yet') })
        }
        if (result.kind === 'stale') {
          const today = todayInLondon()
          return renderPage(res, 'combination/conflict', { title: 'One of the records has changed', personId: id, mergedId, pair: presentPair(result.survivor, result.merged, today) }, 409)
        }
        req.session.flash = { kind: 'success', text: 'The records have been combined. The combination can be reversed for 30 days from Combined records.' }
        res.redirect(303, `/people/${id}`)
      },
    },
    {
      method: 'get',
      path: '/people/:personId/combinations',
      access: 'people.combine',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: (req, res) => historyPage(req, res),
    },
    {
      method: 'post',
      path: '/people/:personId/combinations/reverse',
      access: 'people.combine',
      person: { via: 'person', param: 'personId' },
      audit: 'combination',
      handler: async (req, res) => {
        const id = personIdFrom(req)
        const keys = reverseKeysSchema.safeParse(req.body)
        if (!keys.success) throw new HttpError(400, 'The form was not sent from the combined records page')
        const values = { ...keepValues(req.body, ['reverseReason']), combinationId: keys.data.combinationId }
        const parsed = reverseSchema.safeParse(req.body)
        if (!parsed.success) return historyPage(req, res, { values, errors: toFormErrors(parsed.error, ['reverseReason']) })
        const result = await service.reverse(signedInUser(req), id, keys.data.combinationId, keys.data.version, parsed.data.reverseReason, actorFrom(req))
        if (result.kind === 'notFound') throw notFound('Combination')
        if (result.kind === 'expired') {
          return historyPage(req, res, { values, errors: singleError('combinations', 'This combination was made more than 30 days ago and can no longer be reversed') })
        }
        if (result.kind === 'refused') {
          return historyPage(req, res, { values, errors: singleError('reverseReason', 'The combination cannot be reversed: a PNC ID or CRO number it would give back now belongs to another record. Correct that record first.') })
        }
        if (result.kind === 'stale') return renderPage(res, 'combination/reverseConflict', { title: 'The combination has changed', personId: id }, 409)
        req.session.flash = { kind: 'success', text: 'The combination has been reversed: the two records are separate again.' }
        res.redirect(303, `/people/${result.mergedId}`)
      },
    },
  ]
}
