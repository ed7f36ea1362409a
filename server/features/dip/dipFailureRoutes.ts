import type { Request, Response } from 'express'
import type { z } from 'zod'
import type { Permission } from '../../auth/permissions.ts'
import { can, type SessionUser } from '../../auth/sessionUser.ts'
import type { WriteResult } from '../../domain/writeResult.ts'
import { dateParts } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import type { FormErrors } from '../../http/forms.ts'
import { formPost, type FormSchema, type FormValues } from '../../http/formPost.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { idParam } from '../../http/writeResult.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import type { Actor } from '../audit/auditRepository.ts'
import { presentFailurePage } from './dipPagePresenter.ts'
import { presentAwaitingStatements } from './dipPresenter.ts'
import { outcomeSchema, statementSchema, wantedSchema, withdrawStatementSchema } from './dipSchemas.ts'
import type { DipService } from './dipService.ts'

type Deps = { dipService: DipService }

const failureIdOf = (req: Request) => idParam(req, 'failureId', 'Failure')

/** Failures to attend or remain (s12/s14): the statements awaited, each failure's page and statement, and what follows. */
export function dipFailureRoutes({ dipService }: Deps): RouteDefinition[] {
  async function failurePage(
    req: Request,
    res: Response,
    view: 'dip/failure' | 'dip/statement',
    values: FormValues,
    errors?: FormErrors,
    refused?: string,
  ) {
    const user = signedInUser(req)
    const failure = await dipService.failure(user, failureIdOf(req), actorFrom(req))
    if (!failure) throw notFound('Failure')
    const today = todayInLondon()
    const shown = presentFailurePage(failure, today, view === 'dip/statement', {
      police: can(user, 'dip.police'),
      statements: can(user, 'dip.statements'),
    })
    await renderPage(
      res,
      view,
      // `refused` names the form posted: two of them have a field named reference.
      { ...shown, refused, values: { wantedOn: dateParts(today), outcomeOn: dateParts(today), ...values }, errors },
      errors ? 400 : 200,
    )
  }

  /**
   * A form on a failure's page (the statement, the police's steps): it alters the failure, comes
   * back to the page when refused, and goes back to it when done.
   */
  function failureForm<S extends FormSchema>(
    action: string,
    access: Permission,
    schema: S,
    act: (user: SessionUser, failureId: string, data: z.output<S>, actor: Actor) => Promise<WriteResult>,
    message: string,
  ): RouteDefinition {
    return post(
      `/failures/:failureId/${action}`,
      access,
      'alteration',
      formPost({
        schema,
        page: (req, res, values, errors) => failurePage(req, res, 'dip/failure', values, errors, action),
        act: (req, data) => act(signedInUser(req), failureIdOf(req), data, actorFrom(req)),
        done: (req) => ({ message, redirect: `/failures/${failureIdOf(req)}` }),
      }),
    )
  }

  return [
    get('/failures', 'dip.statements', 'consultation', async (req, res) => {
      const { rows, timeBarred } = await dipService.awaitingStatements(signedInUser(req), actorFrom(req))
      await renderPage(res, 'dip/failures', {
        title: 'Failures awaiting a statement',
        ...presentAwaitingStatements(rows, timeBarred, todayInLondon()),
      })
    }),
    get('/failures/:failureId', 'dip.failures.view', 'consultation', (req, res) =>
      failurePage(req, res, 'dip/failure', {}),
    ),
    get('/failures/:failureId/statement', 'dip.statements', 'consultation', (req, res) =>
      failurePage(req, res, 'dip/statement', {}),
    ),
    failureForm(
      'statement',
      'dip.statements',
      statementSchema,
      (user, id, data, actor) => dipService.produceStatement(user, id, data.version, actor),
      'Statement recorded as produced and signed',
    ),
    failureForm(
      'statement/withdraw',
      'dip.statements',
      withdrawStatementSchema,
      dipService.withdrawStatement,
      'Statement withdrawn: the failure is awaiting a statement again',
    ),
    failureForm('wanted', 'dip.police', wantedSchema, dipService.circulateWanted, 'Recorded as circulated wanted'),
    failureForm('outcome', 'dip.police', outcomeSchema, dipService.recordOutcome, 'Outcome recorded'),
  ]
}
