import type { NextFunction, Request, Response } from 'express'
import { sql, type Kysely } from 'kysely'
import type passport from 'passport'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { callbackPromise } from '../../http/callbackPromise.ts'
import { keepValues, singleError, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { createSignInLimiter, TooManyAttempts, type SignInFailureLimits } from '../../http/rateLimit.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { sessionCookieName } from '../../http/session.ts'
import { actorFrom } from '../audit/actor.ts'
import { safeReturnTo, signInSchema } from './authSchemas.ts'
import type { SignInService } from './signInService.ts'
import { startSession } from './startSession.ts'

type Deps = {
  db: Kysely<Database>
  passport: passport.PassportStatic
  signInService: SignInService
  /** `limit` holds both counts of failures (config.signIn.rateLimit); windowMs their window. */
  rateLimit: { limit: SignInFailureLimits; windowMs: number }
}

const failureMessage = 'Enter a correct username and password'

type Middleware = (req: Request, res: Response, next: NextFunction) => void

function authenticate(instance: passport.PassportStatic, req: Request, res: Response, next: NextFunction) {
  return callbackPromise<SessionUser | false>((done) => {
    const middleware = instance.authenticate('local', { session: false }, done) as Middleware
    middleware(req, res, next)
  })
}

function signInPage(
  res: Response,
  view: { values: Record<string, unknown>; returnTo: string; errors?: FormErrors },
  status: number,
) {
  return renderPage(res, 'auth/signIn', { title: 'Sign in', ...view }, status)
}

export function authRoutes(deps: Deps): RouteDefinition[] {
  const limiter = createSignInLimiter(deps.db, { ...deps.rateLimit.limit, windowMs: deps.rateLimit.windowMs })

  async function signInForm(req: Request, res: Response) {
    if (req.user) return res.redirect(303, '/')
    // The page stores nothing (its form's token needs no session row), so ask the database
    // directly: when it is down the answer is a 503, not a form that cannot work.
    await sql`select 1`.execute(deps.db)
    const returnTo = safeReturnTo(req.query.returnTo)
    await renderPage(res, 'auth/signIn', {
      title: 'Sign in',
      values: {},
      returnTo,
      timedOut: req.query.timedOut === '1',
      signedOut: req.query.signedOut === '1',
    })
  }

  /**
   * Not formPost: passport checks the password, each attempt first takes a place among the
   * address's failures (given back only on success), and a refused password answers 401.
   */
  async function signIn(req: Request, res: Response, next: NextFunction) {
    const returnTo = safeReturnTo((req.body as Record<string, unknown>)?.returnTo)
    const values = keepValues(req.body, ['username'])
    const parsed = signInSchema.safeParse(req.body)
    if (!parsed.success)
      return signInPage(res, { values, errors: toFormErrors(parsed.error, ['username', 'password']), returnTo }, 400)
    const reservation = await limiter.reserve(req.ip ?? 'unknown', parsed.data.username)
    if (!reservation.ok) throw new TooManyAttempts(reservation.retryAt)
    // passport-local reads these two fields from the body; give it the cleaned ones.
    req.body = { username: parsed.data.username, password: parsed.data.password }
    const user = await authenticate(deps.passport, req, res, next)
    if (!user) return signInPage(res, { values, errors: singleError('username', failureMessage), returnTo }, 401)
    await reservation.release()
    await startSession(req, user)
    await callbackPromise((done) => req.session.save(done))
    res.redirect(303, returnTo)
  }

  async function signOut(req: Request, res: Response) {
    await deps.signInService.recordSignOut(actorFrom(req))
    await callbackPromise((done) => req.logOut(done))
    await callbackPromise((done) => req.session.destroy(done))
    res.clearCookie(sessionCookieName)
    res.redirect(303, '/sign-in?signedOut=1')
  }

  return [
    get('/sign-in', 'public', 'none', signInForm),
    post('/sign-in', 'public', 'security', signIn),
    post('/sign-out', 'signedIn', 'security', signOut),
  ]
}
