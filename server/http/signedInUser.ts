import type { Request } from 'express'
import type { SessionUser } from '../auth/sessionUser.ts'
import { HttpError } from './httpError.ts'

/** The user of a route that authorise() has already let through. */
export function signedInUser(req: Request): SessionUser {
  if (!req.user) throw new HttpError(403, 'Not signed in')
  return req.user
}
