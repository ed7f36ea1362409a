import type { Request, Response, NextFunction } from 'express'
import type passport from 'passport'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { keepValues, toFormErrors, singleError } from '../../http/forms.ts'
import { createSignInLimiter, TooManyAttempts, type SignInFailureLimits } from '../../http/rateLimit.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { sessionCookieName } from '../../http/session.ts'
import { actorFrom } from '../audit/actor.ts'
import type { SignInService } from './signInService.ts'
import { safeReturnTo, signInSchema } from './authSchemas.ts'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'

type Deps = {
  db: Kysely<Database>
  passport: passport.PassportStatic
  signInService: SignInService
  /** `limit` holds both counts of failures (config.signIn.rateLimit); windowMs their window. */
  rateLimit: { limit: SignInFailureLimits; windowMs: number }
}

const failureMessage = 'Enter a correct username and password'

function authenticate(instance: passport.PassportStatic, req: Request, res: Response, next: NextFunction) {
  return new Promise<SessionUser | false>((resolve, reject) => {
    instance.authenticate('local', { session: false }, (error: unknown, user: SessionUser | false) =>
      error ? reject(error) : resolve(user),
    )(req, res, next)
  })
}

function logIn(req: Request, user: SessionUser) {
  return new Promise<void>((resolve, reject) => req.logIn(user, (error) => (error ? reject(error) : resolve())))
}

function saveSession(req: Request) {
  return new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())))
}

export function authRoutes(deps: Deps): RouteDefinition[] {
  const limiter = createSignInLimiter(deps.db, { ...deps.rateLimit.limit, windowMs: deps.rateLimit.windowMs })
  return [
    {
      method: 'get',
      path: '/sign-in',
      access: 'public',
      audit: 'none',
      handler: async (req, res) => {
        if (req.user) return res.redirect(303, '/')
        // The page stores nothing (its form's token needs no session row), so ask the database
        // directly: when it is down the answer is a 503, not a form that cannot work.
        await sql`select 1`.execute(deps.db)
        await renderPage(res, 'auth/signIn', {
          title: 'Sign in',
          values: {},
          returnTo: safeReturnTo(req.query.returnTo),
          timedOut: req.query.timedOut === '1',
          signedOut: req.query.signedOut === '1',
        })
      },
    },
    {
      method: 'post',
      path: '/sign-in',
      access: 'public',
      audit: 'security',
      handler: async (req, res, next) => {
        const returnTo = safeReturnTo((req.body as Record<string, unknown>)?.returnTo)
        const values = keepValues(req.body, ['username'])
        const parsed = signInSchema.safeParse(req.body)
        if (!parsed.success) {
          const errors = toFormErrors(parsed.error, ['username', 'password'])
          return renderPage(res, 'auth/signIn', { title: 'Sign in', values, errors, returnTo }, 400)
        }
        // Every attempt takes a place among this address's failures before its password is
        // checked; only a successful sign-in gives the place back.
        const reservation = await limiter.reserve(req.ip ?? 'unknown', parsed.data.username)
        if (!reservation.ok) throw new TooManyAttempts(reservation.retryAt)
        // passport-local reads these two fields from the body; give it the cleaned ones.
        req.body = { username: parsed.data.username, password: parsed.data.password }
        const user = await authenticate(deps.passport, req, res, next)
        if (user) await reservation.release()
        if (!user) {
          const errors = singleError('username', failureMessage)
          return renderPage(res, 'auth/signIn', { title: 'Sign in', values, errors, returnTo }, 401)
        }
        await logIn(req, user) // regenerates the session: the pre-sign-in id and its CSRF token die here
        req.session.signedInAt = Date.now()
        req.session.lastSeenAt = Date.now()
        await saveSession(req)
        res.redirect(303, returnTo)
      },
    },
    {
      method: 'post',
      path: '/sign-out',
      access: 'signedIn',
      audit: 'security',
      handler: async (req, res) => {
        await deps.signInService.recordSignOut(actorFrom(req))
        await new Promise<void>((resolve, reject) => req.logOut((error) => (error ? reject(error) : resolve())))
        await new Promise<void>((resolve, reject) => req.session.destroy((error) => (error ? reject(error) : resolve())))
        res.clearCookie(sessionCookieName)
        res.redirect(303, '/sign-in?signedOut=1')
      },
    },
  ]
}
