import type { RequestHandler } from 'express'
import { can } from '../auth/sessionUser.ts'
import type { Access } from './routeDefinition.ts'
import { HttpError } from './httpError.ts'

/** Deny by default: a route states its access, and this is the only place that reads it. */
export function authorise(access: Access): RequestHandler {
  return (req, res, next) => {
    if (access === 'public') return next()
    if (!req.user) {
      const returnTo = req.method === 'GET' ? `?returnTo=${encodeURIComponent(req.originalUrl)}` : ''
      return res.redirect(303, `/sign-in${returnTo}`)
    }
    if (access === 'signedIn' || can(req.user, access)) return next()
    next(new HttpError(403, 'Forbidden'))
  }
}
