import type { Express } from 'express'
import type { Kysely } from 'kysely'
import type passport from 'passport'
import type { Database } from '../db/types.ts'
import type { Config } from './config.ts'
import { authRoutes } from './features/auth/authRoutes.ts'
import { healthRoutes } from './features/health/healthRoutes.ts'
import { homeRoutes } from './features/home/homeRoutes.ts'
import { usersRoutes } from './features/users/usersRoutes.ts'
import { accountRoutes } from './features/account/accountRoutes.ts'
import { caseworkRoutes } from './features/casework/caseworkRoutes.ts'
import { cohortsRoutes } from './features/cohorts/cohortsRoutes.ts'
import { peopleRoutes } from './features/people/peopleRoutes.ts'
import { personPageRoutes } from './features/personPage/personPageRoutes.ts'
import { dipRoutes } from './features/dip/dipRoutes.ts'
import { importRoutes } from './features/dip/import/importRoutes.ts'
import { partnersRoutes } from './features/partners/partnersRoutes.ts'
import { cidRoutes } from './features/cid/cidRoutes.ts'
import { auditViewsRoutes } from './features/auditViews/auditViewsRoutes.ts'
import { retentionRoutes } from './features/retention/retentionRoutes.ts'
import { meetingPackRoutes } from './features/performance/meetingPackRoutes.ts'
import { performanceRoutes } from './features/performance/performanceRoutes.ts'
import { referenceRoutes } from './features/reference/referenceRoutes.ts'
import { combinationRoutes } from './features/combination/combinationRoutes.ts'
import { tasksRoutes } from './features/tasks/tasksRoutes.ts'
import type { PersonVia } from './domain/personVia.ts'
import type { PersonInPath, RouteDefinition } from './http/routeDefinition.ts'
import type { Services } from './services.ts'

export type RouteDeps = {
  db: Kysely<Database>
  databaseKind: 'postgres' | 'embedded'
  config: Config
  services: Services
  passport: passport.PassportStatic
}

/**
 * The route registry: every route the app answers, each declared once with who may call it
 * and what it writes to the audit log. Nothing else mounts routes.
 */
export function buildRoutes(deps: RouteDeps): RouteDefinition[] {
  return declaredRoutes(deps).map((route) => ({ ...route, person: personInPath(route.path) }))
}

function declaredRoutes(deps: RouteDeps): RouteDefinition[] {
  return [
    ...healthRoutes({ db: deps.db, databaseKind: deps.databaseKind }),
    ...authRoutes({
      db: deps.db,
      passport: deps.passport,
      signInService: deps.services.signInService,
      rateLimit: { limit: deps.config.signIn.rateLimit, windowMs: deps.config.signIn.rateWindowMs },
    }),
    ...homeRoutes({ dashboardService: deps.services.dashboardService }),
    ...tasksRoutes({ tasksService: deps.services.tasksService }),
    ...usersRoutes({ usersService: deps.services.usersService }),
    ...accountRoutes({ usersService: deps.services.usersService }),
    ...peopleRoutes({ peopleService: deps.services.peopleService }),
    ...personPageRoutes({ personPageService: deps.services.personPageService }), // after /people/search and /people/new
    ...combinationRoutes({ combinationService: deps.services.combinationService }),
    ...caseworkRoutes({ caseworkService: deps.services.caseworkService, peopleService: deps.services.peopleService }),
    ...cohortsRoutes({ cohortsService: deps.services.cohortsService, peopleService: deps.services.peopleService }),
    ...importRoutes({ dipImportService: deps.services.dipImportService }), // before dipRoutes, so /drug-tests/import is not read as /drug-tests/:testId
    ...dipRoutes({ dipService: deps.services.dipService, peopleService: deps.services.peopleService }),
    ...partnersRoutes({ partnersService: deps.services.partnersService, peopleService: deps.services.peopleService }),
    ...cidRoutes({ cidService: deps.services.cidService, cohortsService: deps.services.cohortsService }),
    ...auditViewsRoutes({ auditViewsService: deps.services.auditViewsService }),
    ...retentionRoutes({ retentionService: deps.services.retentionService }),
    ...referenceRoutes({ referenceService: deps.services.referenceService }),
    ...performanceRoutes({
      performanceService: deps.services.performanceService,
      cohortsService: deps.services.cohortsService,
    }),
    ...meetingPackRoutes({
      performanceService: deps.services.performanceService,
      cohortsService: deps.services.cohortsService,
    }),
  ]
}

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } }

/** Refuses to start if anything answers a route that the registry does not declare. */
export function assertEveryRouteRegistered(app: Express, routes: readonly RouteDefinition[]): void {
  const declared = new Set(routes.map((r) => `${r.method.toUpperCase()} ${r.path}`))
  const mounted: string[] = []
  const walk = (stack: Layer[] | undefined) => {
    for (const layer of stack ?? []) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') mounted.push(`${method.toUpperCase()} ${layer.route.path}`)
        }
      } else {
        walk(layer.handle?.stack)
      }
    }
  }
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack)
  const undeclared = mounted.filter((entry) => !declared.has(entry))
  if (undeclared.length > 0) {
    throw new Error(`Routes mounted without a registry entry: ${undeclared.join(', ')}`)
  }
  const seen = new Set<string>()
  for (const r of routes) {
    const key = `${r.method.toUpperCase()} ${r.path}`
    if (seen.has(key)) throw new Error(`Route declared twice: ${key}`)
    seen.add(key)
  }
}

/** The path parameters that name a person's record, and what each names. */
export const personParams: Readonly<Record<string, PersonVia>> = {
  personId: 'person',
  actionId: 'action',
  appointmentId: 'appointment',
  entryId: 'cidEntry',
  testId: 'drugTest',
  failureId: 'failure',
  membershipId: 'membership',
  linkId: 'partnerLink',
  referralId: 'referral',
}

/**
 * How the restricted record gate finds the person a route touches: the first path parameter that
 * names a person's record. Worked out from the path, not declared, so no route can leave it out.
 */
export function personInPath(path: string): PersonInPath | undefined {
  for (const [, param] of path.matchAll(/:(\w+)/g)) {
    const via = param ? personParams[param] : undefined
    if (param && via) return { via, param }
  }
  return undefined
}
