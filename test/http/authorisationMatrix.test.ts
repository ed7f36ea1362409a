import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Response } from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../db/types.ts'
import { createPassport } from '../../server/auth/passport.ts'
import { permissions, roleCan } from '../../server/auth/permissions.ts'
import { roles } from '../../server/auth/roles.ts'
import type { RouteDefinition } from '../../server/http/routeDefinition.ts'
import { buildRoutes } from '../../server/routes.ts'
import { anonymousAgent, signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

/**
 * Generated from the route registry: every route, called by every role and by nobody, must
 * answer as its `access` and the checked-in table server/auth/permissions.md say. The table,
 * not roleCan, is the expected answer, so a grant changed in code alone fails here.
 */

// A role added to the Role type but not to the roles list would escape the checks below.
type MissingRoles = Exclude<Role, (typeof roles)[number]>
const everyRoleListed: [MissingRoles] extends [never] ? true : false = true

type Oracle = { roleColumns: string[]; permissionRows: string[]; granted: Set<string>; problems: string[] }

/** Reads the markdown table: a row per permission, a column per role, "yes" or blank, then a sentence. */
function readOracle(markdown: string): Oracle {
  const rows = markdown
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim()),
    )
  const [header = [], , ...body] = rows
  const roleColumns = header.slice(1, -1)
  const oracle: Oracle = { roleColumns, permissionRows: [], granted: new Set(), problems: [] }
  if (header[0] !== 'permission' || header.at(-1) !== 'what it allows')
    oracle.problems.push(`unexpected header: ${header.join(' | ')}`)
  for (const cells of body) {
    const permission = (cells[0] ?? '').replace(/`/g, '')
    if (cells.length !== header.length)
      oracle.problems.push(`${permission}: ${cells.length} cells, the header has ${header.length}`)
    if (oracle.permissionRows.includes(permission)) oracle.problems.push(`${permission}: listed twice`)
    if (!cells.at(-1)) oracle.problems.push(`${permission}: no sentence on what it allows`)
    oracle.permissionRows.push(permission)
    roleColumns.forEach((role, i) => {
      const cell = cells[i + 1] ?? ''
      if (cell === 'yes') oracle.granted.add(`${role} ${permission}`)
      else if (cell !== '') oracle.problems.push(`${permission}, ${role}: "${cell}" is neither "yes" nor blank`)
    })
  }
  return oracle
}

const oracle = readOracle(readFileSync(new URL('../../server/auth/permissions.md', import.meta.url), 'utf8'))
const tableGrants = (role: Role, permission: string) => oracle.granted.has(`${role} ${permission}`)

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
  return tableGrants(role, route.access) ? 'allowed' : 'forbidden'
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

describe('the permissions table in server/auth/permissions.md', () => {
  it('has a column for every role and a row for every permission, each once, and nothing else', () => {
    expect(everyRoleListed).toBe(true)
    expect(oracle.problems).toEqual([])
    expect([...oracle.roleColumns].sort()).toEqual([...roles].sort())
    expect([...oracle.permissionRows].sort()).toEqual([...permissions].sort())
  })

  it('grants exactly what permissions.ts grants, in both directions', () => {
    const disagreements: string[] = []
    for (const role of roles) {
      for (const permission of permissions) {
        const inCode = roleCan(role, permission)
        if (inCode !== tableGrants(role, permission)) {
          disagreements.push(
            `${role} ${permission}: permissions.ts says ${inCode ? 'yes' : 'no'}, permissions.md says ${inCode ? 'no' : 'yes'}`,
          )
        }
      }
    }
    expect(disagreements).toEqual([])
  })
})

describe('the authorisation matrix, generated from the route registry', () => {
  it('the registry declares the foundation routes, so the matrix below is not empty', () => {
    const declared = routes.map((r) => `${r.method.toUpperCase()} ${r.path}`)
    expect(declared).toEqual(
      expect.arrayContaining([
        'GET /health',
        'GET /sign-in',
        'POST /sign-in',
        'POST /sign-out',
        'GET /',
        'GET /admin/users',
        'POST /admin/users/:userId/disable',
      ]),
    )
    expect(routes.some((r) => r.access !== 'public' && r.access !== 'signedIn')).toBe(true)
  })

  for (const principal of principals) {
    it(`every route answers the ${principal.name} as its access and the permissions table say`, async () => {
      const { agent, csrf } =
        principal.username === null ? await anonymousAgent(t.app) : await signInAs(t.app, principal.username)
      const mismatches: string[] = []
      for (const route of routes) {
        if (principal.username !== null && endsSession(route)) {
          // Everything before this point ran signed in: prove the session survived the matrix.
          const home = await agent.get('/')
          if (isSignInRedirect(home))
            mismatches.push(`the session ended before ${route.method.toUpperCase()} ${route.path} was tried`)
        }
        const expected = expectedFor(route, principal.role)
        const response = await call(agent, csrf, route)
        if (!outcomeMatches(expected, response)) {
          const where = response.headers.location ? ` → ${String(response.headers.location)}` : ''
          mismatches.push(
            `${route.method.toUpperCase()} ${route.path}: expected ${expected}, got ${response.status}${where}`,
          )
        }
      }
      expect(mismatches).toEqual([])
    })
  }
})
