import type { RequestHandler } from 'express'
import { csrfSync } from 'csrf-sync'

/**
 * Synchroniser tokens kept in the session: a token is only good for the session it was
 * issued to, and signing in starts a new session, so a token from before sign-in dies.
 */
export function createCsrf() {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf
      return typeof fromBody === 'string' ? fromBody : undefined
    },
  })
  /** Views call csrfToken() only when they render a form, so pages without forms make no session. */
  const exposeToken: RequestHandler = (req, res, next) => {
    res.locals.csrfToken = () => generateToken(req)
    next()
  }
  return { protect: csrfSynchronisedProtection, exposeToken }
}
