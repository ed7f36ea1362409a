import type { Request, Response } from 'express'
import type { z } from 'zod'
import { todayInLondon } from '../../domain/time.ts'
import { formReader } from '../../http/formPost.ts'
import { keepValues, singleError, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { HttpError, notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { finishWrite } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { presentPerson, presentSummary } from '../people/peoplePresenter.ts'
import { personIdFrom, statedPurpose } from '../people/personAccess.ts'
import {
  checkPageKeys,
  presentBlockers,
  presentCounts,
  presentHistory,
  presentPair,
  warningsFor,
} from './combinationPresenter.ts'
import {
  combineKeysSchema,
  combineSchema,
  findDuplicateSchema,
  reverseKeysSchema,
  reverseSchema,
} from './combinationSchemas.ts'
import type { CombinationService } from './combinationService.ts'

type Deps = { combinationService: CombinationService }

const startTitle = 'Combine with a duplicate record'
const checkTitle = 'Check before combining these records'
const combinedMessage =
  'The records have been combined. The combination can be reversed for 30 days from Combined records.'
const reversedMessage = 'The combination has been reversed: the two records are separate again.'
const readCombine = formReader(combineSchema)
const readReverse = formReader(reverseSchema)

/** The hidden fields of the page a form was sent from: without them, it was not sent from there. */
function hiddenFields<S extends z.ZodType>(req: Request, schema: S, page: string): z.output<S> {
  const parsed = schema.safeParse(req.body)
  if (!parsed.success) throw new HttpError(400, `The form was not sent from ${page}`)
  return parsed.data
}

export function combinationRoutes({ combinationService: service }: Deps): RouteDefinition[] {
  /** The first step: the record to keep, its likely duplicates, and a box to name another. */
  async function startPage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const id = personIdFrom(req)
    const opened = await service.startPage(signedInUser(req), id, actorFrom(req), statedPurpose(req, id))
    if (opened.kind === 'notFound') throw notFound('Person')
    if (opened.kind === 'needsPurpose') return res.redirect(303, `/people/${id}`)
    await renderPage(
      res,
      'combination/start',
      {
        title: startTitle,
        person: presentPerson(opened.person, todayInLondon()),
        candidates: opened.candidates.map(presentSummary),
        values,
        errors,
      },
      errors ? 400 : 200,
    )
  }

  /** Both records side by side; `errors` (and no new audit row) when the confirmation was refused. */
  async function checkPage(
    req: Request,
    res: Response,
    mergedId: string,
    refused?: { values: Record<string, unknown>; errors: FormErrors },
  ) {
    const user = signedInUser(req)
    const id = personIdFrom(req)
    const found = await service.checkPage(
      user,
      id,
      mergedId,
      actorFrom(req),
      { survivor: statedPurpose(req, id), merged: statedPurpose(req, mergedId) },
      !refused,
    )
    if (found.kind === 'notFound') throw notFound('Person')
    if (found.kind === 'needsPurpose') return res.redirect(303, `/people/${id}`)
    if (found.kind === 'noDuplicate') {
      if (refused) throw notFound('Person')
      return startPage(
        req,
        res,
        keepValues(req.query, ['duplicate']),
        singleError(
          'duplicate',
          'That is this record: enter the other record’s PNC ID, CRO number or Cohort reference',
        ),
      )
    }
    if (found.kind === 'duplicateNeedsPurpose') {
      return renderPage(res, 'combination/duplicateRestricted', {
        title: 'The duplicate record is restricted',
        personId: id,
        mergedId,
      })
    }
    const today = todayInLondon()
    await renderPage(
      res,
      'combination/check',
      {
        title: checkTitle,
        pair: presentPair(found.survivor, found.merged, today),
        counts: presentCounts(found.survivorCounts, found.mergedCounts),
        warnings: warningsFor(found.survivor, found.merged, found.sharedCases),
        blockers: presentBlockers(found.blocking),
        keys: checkPageKeys(found.survivor, found.merged),
        values: refused?.values ?? {},
        errors: refused?.errors,
      },
      refused ? 400 : 200,
    )
  }

  async function historyPage(
    req: Request,
    res: Response,
    refused?: { values: Record<string, unknown>; errors: FormErrors },
  ) {
    const user = signedInUser(req)
    const id = personIdFrom(req)
    const found = refused
      ? await service.history(user, id)
      : await service.historyPage(user, id, actorFrom(req), statedPurpose(req, id))
    if (found.kind === 'notFound') throw notFound('Person')
    if (found.kind === 'needsPurpose') return res.redirect(303, `/people/${id}`)
    const asked =
      refused?.values.combinationId ?? (typeof req.query.reverse === 'string' ? req.query.reverse : undefined)
    await renderPage(
      res,
      'combination/history',
      {
        title: 'Combined records',
        person: presentPerson(found.person, todayInLondon()),
        ...presentHistory(found.combinations, id, asked),
        values: refused?.values ?? {},
        errors: refused?.errors,
      },
      refused ? 400 : 200,
    )
  }

  /** The first step, or, with the duplicate named, the check page (or the first step again, saying why not). */
  async function findDuplicate(req: Request, res: Response) {
    if (req.query.duplicate === undefined) return startPage(req, res, {})
    const values = keepValues(req.query, ['duplicate'])
    const parsed = findDuplicateSchema.safeParse(req.query)
    if (!parsed.success) return startPage(req, res, values, toFormErrors(parsed.error, ['duplicate']))
    const mergedId = await service.findDuplicate(signedInUser(req), parsed.data.duplicate)
    if (!mergedId)
      return startPage(
        req,
        res,
        values,
        singleError('duplicate', 'No record in your areas has this PNC ID, CRO number or reference'),
      )
    await checkPage(req, res, mergedId)
  }

  /**
   * The confirmation from the check page. Not formPost: the page's hidden fields are checked before
   * the form (a form without them was not sent from it), and a record changed meanwhile shows both
   * records as they now stand.
   */
  async function combine(req: Request, res: Response) {
    const id = personIdFrom(req)
    const { mergedId, survivorVersion, mergedVersion } = hiddenFields(req, combineKeysSchema, 'the check page')
    const { values, data, errors } = readCombine(req.body)
    const formAgain = (refused: FormErrors) => checkPage(req, res, mergedId, { values, errors: refused })
    if (errors) return formAgain(errors)
    const versions = { survivorVersion, mergedVersion }
    const result = await service.combine(signedInUser(req), id, mergedId, versions, data.reason, actorFrom(req))
    if (!result.ok && result.kind === 'stale' && result.current) {
      const pair = presentPair(result.current.survivor, result.current.merged, todayInLondon())
      return renderPage(
        res,
        'combination/conflict',
        { title: 'One of the records has changed', personId: id, mergedId, pair },
        409,
      )
    }
    await finishWrite(req, res, result, { message: combinedMessage, redirect: `/people/${id}` }, formAgain, 'Person')
  }

  /** The reversal, from the combined records page. Not formPost, for the same reasons as combine. */
  async function reverse(req: Request, res: Response) {
    const id = personIdFrom(req)
    const { combinationId, version } = hiddenFields(req, reverseKeysSchema, 'the combined records page')
    const read = readReverse(req.body)
    const values = { ...read.values, combinationId }
    const formAgain = (refused: FormErrors) => historyPage(req, res, { values, errors: refused })
    if (read.errors) return formAgain(read.errors)
    const result = await service.reverse(
      signedInUser(req),
      id,
      combinationId,
      version,
      read.data.reverseReason,
      actorFrom(req),
    )
    if (!result.ok && result.kind === 'stale')
      return renderPage(res, 'combination/reverseConflict', { title: 'The combination has changed', personId: id }, 409)
    await finishWrite(
      req,
      res,
      result,
      { message: reversedMessage, redirect: `/people/${result.ok ? result.id : id}` },
      formAgain,
      'Combination',
    )
  }

  return [
    get('/people/:personId/combine', 'people.combine', 'consultation', findDuplicate),
    post('/people/:personId/combine', 'people.combine', 'combination', combine),
    get('/people/:personId/combinations', 'people.combine', 'consultation', (req, res) => historyPage(req, res)),
    post('/people/:personId/combinations/reverse', 'people.combine', 'combination', reverse),
  ]
}
