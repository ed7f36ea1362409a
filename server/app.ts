import path from 'node:path'
import express from 'express'
import type { Kysely } from 'kysely'
import type pg from 'pg'
import type { Database } from '../db/types.ts'
import { createPassport } from './auth/passport.ts'
import type { Config } from './config.ts'
import { authorise } from './http/authorise.ts'
import { createCsrf } from './http/csrf.ts'
import { errorHandler, errorsAfterTheAnswer, notFoundHandler } from './http/errorHandler.ts'
import { exposeIdempotencyKey, readIdempotencyKey } from './http/idempotency.ts'
import { pageLocals } from './http/locals.ts'
import { requestLog } from './http/requestLog.ts'
import { cspNonce, noCache, requestId, securityHeaders } from './http/security.ts'
import { repositoryRoot, useViews, viewsDir } from './http/views.ts'
import { createSessionMiddleware, saveSessionBeforeRedirect, sessionTimeouts } from './http/session.ts'
import type { Logger } from './logger.ts'
import { restrictedRecordGate } from './features/people/restrictedRecordGate.ts'
import { passwordChangeRequired } from './features/account/passwordChangeRequired.ts'
import { assertEveryRouteRegistered, buildRoutes } from './routes.ts'
import type { Services } from './services.ts'

const govukDist = path.join(repositoryRoot, 'node_modules/govuk-frontend/dist/govuk')
const mojDist = path.join(repositoryRoot, 'node_modules/@ministryofjustice/frontend/moj')

export type AppDeps = {
  config: Config
  db: Kysely<Database>
  pool: pg.Pool
  databaseKind: 'postgres' | 'embedded'
  services: Services
  logger: Logger
  sessionSecret: string
}

export function createApp(deps: AppDeps): express.Express {
  const { config, logger } = deps
  const app = express()
  app.set('trust proxy', config.trustProxy)
  // Compiled templates are kept, as in production, except while views are being edited: tests
  // then run the views as they are served, and spend no time compiling each one on every page.
  useViews(app, { cache: config.env !== 'development' })
  app.disable('x-powered-by')
  // Pages are no-store (noCache below), so a browser never revalidates one: hashing every page
  // for an ETag (a 50 KB list, on every request) bought nothing. Static files keep their own.
  app.set('etag', false)
  app.locals.serviceName = 'Cohort'

  app.use(requestId)
  app.use(requestLog(logger))
  app.use(cspNonce)
  app.use(securityHeaders({ upgradeInsecureRequests: config.secureCookies }))

  // Static files first: they need no session and no database.
  const staticOptions = { index: false, maxAge: config.env === 'production' ? '1d' : 0 }
  app.use('/assets', express.static(path.join(govukDist, 'assets'), staticOptions))
  app.use('/govuk', express.static(govukDist, { ...staticOptions, extensions: [] }))
  // MoJ Frontend's stylesheet asks for its images under /assets/images, beside GOV.UK's.
  app.use('/assets', express.static(path.join(mojDist, 'assets'), staticOptions))
  app.use('/moj', express.static(mojDist, { ...staticOptions, extensions: [] }))
  app.use('/static', express.static(path.join(viewsDir, 'assets'), staticOptions))

  app.use(noCache)
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 }))

  const passport = createPassport(deps.db, deps.services.signInService)
  const csrf = createCsrf({ secret: deps.sessionSecret, secureCookies: config.secureCookies })
  const routes = buildRoutes({
    db: deps.db,
    databaseKind: deps.databaseKind,
    config,
    services: deps.services,
    passport,
  })
  app.use(
    createSessionMiddleware({
      pool: deps.pool,
      secret: deps.sessionSecret,
      idleMs: config.session.idleMs,
      secureCookies: config.secureCookies,
      pruneIntervalSeconds: config.env === 'test' ? false : 15 * 60,
    }),
  )
  app.use(passport.session())
  app.use(sessionTimeouts(config.session))
  app.use(saveSessionBeforeRedirect)
  // After an administrator's reset, nothing but the change-password page and sign-out until it is done.
  app.use(passwordChangeRequired)
  app.use(csrf.exposeToken)
  app.use(exposeIdempotencyKey)
  // A file upload's CSRF token is inside its multipart body: that route's parser runs first.
  for (const route of routes) {
    if (route.parseBody) app[route.method](route.path, authorise(route.access), route.parseBody)
  }
  app.use(csrf.protect)
  app.use(readIdempotencyKey)
  app.use(pageLocals)

  for (const route of routes) {
    const gate = route.person ? [restrictedRecordGate(deps.db, route.person)] : []
    app[route.method](route.path, authorise(route.access), ...gate, ...(route.before ?? []), route.handler)
  }
  assertEveryRouteRegistered(app, routes)

  app.use(notFoundHandler)
  app.use(errorHandler({ logger, showStack: config.env !== 'production' }))
  app.use(errorsAfterTheAnswer({ logger }))
  return app
}
