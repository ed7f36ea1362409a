import { randomUUID } from 'node:crypto'
import type { Response } from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../db/types.ts'
import { createPassport } from '../../server/auth/passport.ts'
import { roleCan } from '../../server/auth/permissions.ts'
import type { RouteDefinition } from '../../server/http/routeDefinition.ts'
import { buildRoutes } from '../../server/routes.ts'
import { anonymousAgent, signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

/**
 * Generated from the route registry: every route, called by every role and by nobody, must
 * answer as its `access` and roleCan say. A route added to the registry is covered at once.
 */

type Principal = { name: string; username: string; role: Role } | { name: 'anonymous'; username: null; role: null }

const principals: Principal[] = [
  { name: 'anonymous', username: null, role: null },
  { name: 'administrator', username: 'admin', role: 'administrator' },
  { name: 'supervisor', username: 'supervisor', role: 'supervisor' },
  { name: 'IOM officer', username: 'iom', role: 'iom_officer' },
  { name: 'DIP worker', username: 'dip', role: 'dip_worker' },
  { name: 'CID officer', username: 'cid', role: 'cid_officer' },
  { name: 'partner', username: 'partner', role: 'partner' },
]

type Expected = 'allowed' | 'sign-in redirect' | 'forbidden'

function expectedFor(route: RouteDefinition, role: Role | null): Expected {
  if (route.access === 'public') return 'allowed'
  if (role === null) return 'sign-in redirect'
  if (route.access === 'signedIn') return 'allowed'
  return roleCan(role, route.access) ? 'allowed' : 'forbidden'
}

/** The redirect `authorise` gives the anonymous, not sign-out's own "you have signed out" redirect. */
function isSignInRedirect(response: Response): boolean {
  if (response.status < 300 || response.status > 399) return false
  const location = new URL(String(response.headers.location ?? ''), 'http://app.test')
  return location.pathname === '/sign-in' && location.searchParams.get('signedOut') !== '1'
}

function outcomeMatches(expected: Expected, response: Response): boolean {
  switch (expected) {
    case 'sign-in redirect':
      return response.status === 303 && isSignInRedirect(response)
    case 'forbidden':
      return response.status === 403
    case 'allowed':
      return response.status !== 403 && !isSignInRedirect(response) && response.status < 500
  }
}

/** Routes that end the caller's session run last, so the shared agent stays signed in until then. */
const endsSession = (route: RouteDefinition) => route.method === 'post' && route.path === '/sign-out'

let t: TestApp
let routes: RouteDefinition[]

beforeAll(async () => {
  t = await createTestApp()
  // The same registry createApp mounts, built from the same dependencies.
  routes = buildRoutes({
    db: t.db,
    databaseKind: t.database.kind,
    config: t.config,
    services: t.services,
    passport: createPassport(t.db, t.services.signInService),
  })
  routes.sort((a, b) => Number(endsSession(a)) - Number(endsSession(b)))
})
afterAll(async () => {
  await t.close()
})

async function call(agent: Agent, csrf: string, route: RouteDefinition): Promise<Response> {
  const path = route.path.replace(/:[A-Za-z_]+/g, () => randomUUID())
  // A valid token on every POST, so that CSRF protection is never what refuses.
  return route.method === 'get' ? agent.get(path) : agent.post(path).type('form').send({ _csrf: csrf })
}

describe('the authorisation matrix, generated from the route registry', () => {
  it('the registry declares the foundation routes, so the matrix below is not empty', () => {
    const declared = routes.map((r) => `${r.method.toUpperCase()} ${r.path}`)
    expect(declared).toEqual(
      expect.arrayContaining(['GET /health', 'GET /sign-in', 'POST /sign-in', 'POST /sign-out', 'GET /', 'GET /admin/users', 'POST /admin/users/:userId/disable']),
    )
    expect(routes.some((r) => r.access !== 'public' && r.access !== 'signedIn')).toBe(true)
  })

  for (const principal of principals) {
    it(`every route answers the ${principal.name} as its access and the role permissions say`, async () => {
      const { agent, csrf } = principal.username === null ? await anonymousAgent(t.app) : await signInAs(t.app, principal.username)
      const mismatches: string[] = []
      for (const route of routes) {
        if (principal.username !== null && endsSession(route)) {
          // Everything before this point ran signed in: prove the session survived the matrix.
          const home = await agent.get('/')
          if (isSignInRedirect(home)) mismatches.push(`the session ended before ${route.method.toUpperCase()} ${route.path} was tried`)
        }
        const expected = expectedFor(route, principal.role)
        const response = await call(agent, csrf, route)
        if (!outcomeMatches(expected, response)) {
          const where = response.headers.location ? ` → ${String(response.headers.location)}` : ''
          mismatches.push(`${route.method.toUpperCase()} ${route.path}: expected ${expected}, got ${response.status}${where}`)
        }
      }
      expect(mismatches).toEqual([])
    })
  }
})
