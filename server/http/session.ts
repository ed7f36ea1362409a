import type { RequestHandler } from 'express'
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

/** Sessions live in the database, so every app instance sees the same ones and a restart signs nobody out. */
export function createSessionMiddleware(options: SessionOptions): RequestHandler {
  const PgStore = connectPgSimple(session)
  const store = new PgStore({
    pool: options.pool,
    tableName: 'session',
    createTableIfMissing: false,
    pruneSessionInterval: options.pruneIntervalSeconds,
    // No UPDATE of the row's expiry on every page: the session is saved (and its expiry moved)
    // when lastSeenAt moves, at most once a minute (sessionTimeouts below).
    disableTouch: true,
  })
  return session({
    name: sessionCookieName,
    store,
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
  res.redirect = ((...args: unknown[]) => {
    if (!req.user || !req.session) return redirect(...args)
    req.session.save((error) => (error ? next(error) : redirect(...args)))
  }) as typeof res.redirect
  next()
}
