import type { Role } from '../../db/types.ts'

/**
 * What a role may do. Routes name a permission, never a role, so that granting a role
 * a new power is a one-line change here and the authorisation matrix test follows it.
 */
export const permissions = ['home.view', 'users.manage'] as const
export type Permission = (typeof permissions)[number]

const grants: Record<Role, readonly Permission[]> = {
  administrator: ['home.view', 'users.manage'],
  supervisor: ['home.view'],
  iom_officer: ['home.view'],
  dip_worker: ['home.view'],
  cid_officer: ['home.view'],
  partner: ['home.view'],
}

export function roleCan(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission)
}
