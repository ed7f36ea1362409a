import type { Agency, Role } from '../../db/types.ts'
import { roleCan, type Permission } from './permissions.ts'

/** The signed-in user as every request sees it: loaded fresh from the database each request. */
export type SessionUser = {
  id: string
  username: string
  displayName: string
  role: Role
  agency: Agency | null
  areas: { id: string; code: string; name: string }[]
  /** The areas granted and every borough under a granted BCU: what scopes every query of people. */
  visibleAreaIds: string[]
  /** Epoch ms: sessions signed in before this were ended by an administrator. */
  sessionsValidAfter: number | null
  /** An administrator reset the password: every page but the change-password page is refused until they choose one. */
  mustChangePassword: boolean
}

export function can(user: SessionUser | undefined, permission: Permission): boolean {
  return user !== undefined && roleCan(user.role, permission)
}
