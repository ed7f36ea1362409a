import { randomUUID } from 'node:crypto'
import type { RequestHandler } from 'express'
import { uuid } from './forms.ts'
import { HttpError } from './httpError.ts'

export const idempotencyField = '_idempotencyKey'

/**
 * Every form carries a fresh key, minted when the form is rendered (views/partials/csrf.ejs
 * prints it beside the CSRF token), so a second send of the same filled-in form is recognised.
 */
export const exposeIdempotencyKey: RequestHandler = (_req, res, next) => {
  res.locals.idempotencyKey = () => randomUUID()
  next()
}

/**
 * Reads a post's key into req.idempotency for the services (through the actor). A post without
 * one is still served, without the protection: a form opened before this field existed must not
 * lose what was typed into it. A key that is not a UUID is refused.
 */
export const readIdempotencyKey: RequestHandler = (req, _res, next) => {
  if (req.method !== 'POST') return next()
  const raw = (req.body as Record<string, unknown> | undefined)?.[idempotencyField]
  if (raw === undefined || raw === '') return next()
  const parsed = uuid.safeParse(raw)
  if (!parsed.success) return next(new HttpError(400, 'The form could not be sent: its key is not valid'))
  req.idempotency = { key: parsed.data.toLowerCase(), scope: `POST ${req.path}`.slice(0, 300) }
  next()
}
