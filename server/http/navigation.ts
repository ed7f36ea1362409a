import type { Permission } from '../auth/permissions.ts'
import { can, type SessionUser } from '../auth/sessionUser.ts'

type NavigationItem = { text: string; href: string; permission: Permission }

// Features add their entries here; a user sees only the ones their role permits.
const items: readonly NavigationItem[] = [
  { text: 'Home', href: '/', permission: 'home.view' },
  { text: 'Tasks', href: '/tasks', permission: 'tasks.view' },
  { text: "Today's appointments", href: '/appointments', permission: 'dip.appointments' },
  { text: 'Failures', href: '/failures', permission: 'dip.statements' },
  { text: 'Search', href: '/people/search', permission: 'people.search' },
  { text: 'My caseload', href: '/caseload', permission: 'caseload.view' },
  { text: 'My actions', href: '/actions', permission: 'casework.record' },
  { text: 'Referrals', href: '/referrals', permission: 'referrals.decide' },
  { text: 'Cohorts', href: '/cohorts', permission: 'cohorts.view' },
  { text: 'Wanted for DIP failure', href: '/cid', permission: 'cid.list' },
  { text: 'CID proposals', href: '/cid/proposals', permission: 'cid.countersign' },
  { text: 'Performance', href: '/performance', permission: 'performance.view' },
  { text: 'Retention reviews', href: '/retention', permission: 'retention.review' },
  { text: 'User activity', href: '/audit/users', permission: 'audit.view' },
  { text: 'Partner cases', href: '/partner-cases', permission: 'partner.cases' },
  { text: 'Users', href: '/admin/users', permission: 'users.manage' },
  { text: 'Sharing agreements', href: '/admin/agreements', permission: 'agreements.manage' },
  { text: 'Reference data', href: '/admin/reference', permission: 'reference.manage' },
]

export function navigationFor(user: SessionUser | undefined, currentPath: string) {
  if (!user) return []
  return items
    .filter((item) => can(user, item.permission))
    .map((item) => ({
      text: item.text,
      href: item.href,
      current:
        item.href === '/' ? currentPath === '/' : currentPath === item.href || currentPath.startsWith(`${item.href}/`),
    }))
}
