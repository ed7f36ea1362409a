import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Request, RequestHandler, Response } from 'express'
import { csrfSync } from 'csrf-sync'
import { reserveSessionId, sessionIdFromCookie } from './session.ts'

type CsrfOptions = { secret: string; secureCookies: boolean }

/**
 * Two kinds of token, one per kind of browser:
 *   - signed in (or holding a stored session with a token): a synchroniser token kept in the
 *     session, good only for that session; signing in starts a new session, so a token from
 *     before sign-in dies;
 *   - not signed in: an HMAC, under the session secret, of the session id in the browser's cookie,
 *     a session that has no row yet (session.ts). The sign-in page so stores nothing, and its
 *     token still works only with the cookie of the browser it was given to.
 */
export function createCsrf(options: CsrfOptions) {
  const { csrfSynchronisedProtection, generateToken, invalidCsrfTokenError } = csrfSync({
    getTokenFromRequest: tokenFromBody,
  })

  const usesSessionToken = (req: Request) => req.user !== undefined || typeof req.session?.csrfToken === 'string'

  function boundToken(req: Request, res: Response): string {
    const id = sessionIdFromCookie(req, options.secret) ?? reserveSessionId(res, options.secret, options.secureCookies)
    return tokenFor(id)
  }

  function tokenFor(sessionId: string): string {
    return createHmac('sha256', options.secret).update(`csrf:${sessionId}`).digest('base64url')
  }

  function boundTokenIsValid(req: Request): boolean {
    const id = sessionIdFromCookie(req, options.secret)
    const given = tokenFromBody(req)
    if (!id || !given) return false
    const expected = Buffer.from(tokenFor(id))
    const received = Buffer.from(given)
    return expected.length === received.length && timingSafeEqual(expected, received)
  }

  /** Views call csrfToken() only when they render a form, so pages without forms set nothing. */
  const exposeToken: RequestHandler = (req, res, next) => {
    res.locals.csrfToken = () => (usesSessionToken(req) ? generateToken(req) : boundToken(req, res))
    next()
  }

  const protect: RequestHandler = (req, res, next) => {
    if (usesSessionToken(req) || req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      return csrfSynchronisedProtection(req, res, next)
    }
    next(boundTokenIsValid(req) ? undefined : invalidCsrfTokenError)
  }

  return { protect, exposeToken }
}

function tokenFromBody(req: Request): string | undefined {
  const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf
  return typeof fromBody === 'string' ? fromBody : undefined
}
