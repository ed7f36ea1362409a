import type { Permission } from '../auth/permissions.ts'
import { can, type SessionUser } from '../auth/sessionUser.ts'

type NavigationItem = { text: string; href: string; permission: Permission }

// Features add their entries here; a user sees only the ones their role permits.
const items: readonly NavigationItem[] = [
  { text: 'Home', href: '/', permission: 'home.view' },
  { text: 'Users', href: '/admin/users', permission: 'users.manage' },
]

export function navigationFor(user: SessionUser | undefined, currentPath: string) {
  if (!user) return []
  return items
    .filter((item) => can(user, item.permission))
    .map((item) => ({
      text: item.text,
      href: item.href,
      current: item.href === '/' ? currentPath === '/' : currentPath === item.href || currentPath.startsWith(`${item.href}/`),
    }))
}
