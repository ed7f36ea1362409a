import type { Role } from '../../../db/types.ts'
import { roleCan } from '../../../server/auth/permissions.ts'
import type { RouteDefinition } from '../../../server/http/routeDefinition.ts'

export type Principal = { name: string; username: string | null; role: Role | null }

/** The order in which a route picks who calls it: the widest police role first. */
export const principals: Principal[] = [
  { name: 'supervisor', username: 'supervisor', role: 'supervisor' },
  { name: 'admin', username: 'admin', role: 'administrator' },
  { name: 'iom', username: 'iom', role: 'iom_officer' },
  { name: 'dip', username: 'dip', role: 'dip_worker' },
  { name: 'cid', username: 'cid', role: 'cid_officer' },
  { name: 'partner', username: 'partner', role: 'partner' },
  { name: 'anonymous', username: null, role: null },
]

export function allowed(route: RouteDefinition, p: Principal): boolean {
  if (route.access === 'public') return p.role === null
  if (p.role === null) return false
  return route.access === 'signedIn' || roleCan(p.role, route.access)
}

/** Who calls a route: the first principal allowed to. */
export const chosen = (route: RouteDefinition) => principals.find((p) => allowed(route, p))

export const key = (route: RouteDefinition) => `${route.method.toUpperCase()} ${route.path}`
