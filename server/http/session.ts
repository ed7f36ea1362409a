import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Request, RequestHandler, Response } from 'express'
import session from 'express-session'
import connectPgSimple from 'connect-pg-simple'
import type pg from 'pg'

export type SessionOptions = {
  pool: pg.Pool
  secret: string
  idleMs: number
  secureCookies: boolean
  /** Tests turn the pruning timer off so nothing outlives the test file. */
  pruneIntervalSeconds: number | false
}

export const sessionCookieName = 'cohort.sid'

/**
 * The store of sessions in PostgreSQL. With a prune interval it deletes expired rows on a timer
 * (in every environment but tests); pruneSessions() runs the same deletion at once.
 */
export function createSessionStore(options: Pick<SessionOptions, 'pool' | 'pruneIntervalSeconds'>) {
  const PgStore = connectPgSimple(session)
  return new PgStore({
    pool: options.pool,
    tableName: 'session',
    createTableIfMissing: false,
    pruneSessionInterval: options.pruneIntervalSeconds,
    // No UPDATE of the row's expiry on every page: the session is saved (and its expiry moved)
    // when lastSeenAt moves, at most once a minute (sessionTimeouts below).
    disableTouch: true,
  })
}

/** Sessions live in the database, so every app instance sees the same ones and a restart signs nobody out. */
export function createSessionMiddleware(options: SessionOptions): RequestHandler {
  return session({
    name: sessionCookieName,
    store: createSessionStore(options),
    secret: options.secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies,
      maxAge: options.idleMs,
    },
  })
}

/** How stale "last seen" may be: writing the session on every page would put a write under every read. */
export const lastSeenResolutionMs = 60_000

/**
 * The cookie's age is only a hint to the browser; these limits are enforced here:
 * idle (no request for idleMs) and absolute (signedInAt older than absoluteMs). "Last seen" moves
 * once a minute at most, so a session ends between idleMs and idleMs + 1 minute after its last use.
 */
export function sessionTimeouts(options: { idleMs: number; absoluteMs: number }): RequestHandler {
  return (req, res, next) => {
    if (!req.user || !req.session) return next()
    const now = Date.now()
    const { signedInAt = now, lastSeenAt = now } = req.session
    const expired = now - lastSeenAt > options.idleMs || now - signedInAt > options.absoluteMs
    if (!expired) {
      if (now - lastSeenAt >= lastSeenResolutionMs || req.session.lastSeenAt === undefined) req.session.lastSeenAt = now
      return next()
    }
    req.session.destroy((error) => {
      if (error) return next(error)
      res.clearCookie(sessionCookieName)
      res.redirect(303, '/sign-in?timedOut=1')
    })
  }
}

/**
 * express-session writes the session after the response has gone, so a browser that follows a
 * redirect at once can load the next page before the one-time message (or a stated purpose) is
 * stored. Every redirect of a signed-in user saves the session first.
 */
export const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void
  res.redirect = (...args: unknown[]) => {
    if (!req.user || !req.session) return redirect(...args)
    req.session.save((error) => (error ? next(error) : redirect(...args)))
  }
  next()
}

/**
 * A browser that has not signed in gets a session id in the session cookie, signed as
 * express-session signs it, but no row: the row is written when the session first holds
 * something (signing in). Until then express-session finds no row for the id and stores nothing,
 * and the sign-in form's token is bound to this id (see csrf.ts).
 */
export function reserveSessionId(res: Response, secret: string, secureCookies: boolean): string {
  const id = randomBytes(24).toString('base64url')
  res.cookie(sessionCookieName, `s:${signed(id, secret)}`, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies,
    path: '/',
  })
  return id
}

/** The session id the browser sent, if its signature is good (express-session itself replaces an id it has no row for). */
export function sessionIdFromCookie(req: Request, secret: string): string | undefined {
  const raw = cookieValue(req.headers.cookie, sessionCookieName)
  if (!raw?.startsWith('s:')) return undefined
  const value = raw.slice(2)
  const id = value.slice(0, value.lastIndexOf('.'))
  const expected = Buffer.from(signed(id, secret))
  const given = Buffer.from(value)
  return id && expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined
}

/** cookie-signature's format, the one express-session reads. */
function signed(value: string, secret: string): string {
  return `${value}.${createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '')}`
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim())
      } catch {
        return undefined
      }
    }
  }
  return undefined
}
