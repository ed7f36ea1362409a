import type { Request, Response } from 'express'
import { singleError, uuid, type FormErrors } from './forms.ts'
import { HttpError, notFound } from './httpError.ts'
import type { WriteResult } from '../domain/writeResult.ts'

/** The answer to a form whose idempotency key was used before by someone else or for another form. */
export const keyUsedBefore = () => new HttpError(400, 'The form could not be sent: its key was used before')

/** A uuid from the path, or a 404: a malformed id is a record that does not exist. */
export function idParam(req: Request, name: string, what: string): string {
  const parsed = uuid.safeParse(req.params[name])
  if (!parsed.success) throw notFound(what)
  return parsed.data
}

/** A reference-data code from the path (letters, digits, underscores), or a 404 like any unknown code. */
export function codeParam(req: Request, name: string, what: string): string {
  const value = req.params[name]
  if (typeof value !== 'string' || !/^[A-Za-z0-9_]{1,40}$/.test(value)) throw notFound(what)
  return value
}

/**
 * The one ending of every form post: on success a message and a redirect (POST → redirect →
 * GET); otherwise 404, 409, or the form again with the service's message against its field.
 * A post repeated with the same idempotency key gets the first one's result from the service
 * (see features/idempotency/writeOnce.ts), so it ends on the same redirect.
 */
export async function finishWrite(
  req: Request,
  res: Response,
  result: WriteResult<unknown, unknown>,
  success: { message: string; redirect: string },
  formAgain: (errors: FormErrors) => Promise<unknown>,
  what = 'Record',
): Promise<void> {
  if (result.ok) {
    req.session.flash = { kind: 'success', text: success.message }
    return res.redirect(303, success.redirect)
  }
  if (result.kind === 'notFound') throw notFound(what)
  if (result.kind === 'stale') throw new HttpError(409, `Someone else changed this ${what.toLowerCase()}`)
  if (result.kind === 'keyReused') throw keyUsedBefore()
  await formAgain(singleError(result.field, result.message))
}
