import type { Agency, Role } from '../../../db/types.ts'
import { agencies, agencyLabels, roleLabels, roles } from '../../auth/roles.ts'
import { formatDateTime } from '../../presenters/format.ts'
import type { UserListRow } from './usersRepository.ts'

export function accountStatus(user: { disabled_at: Date | null; locked_until: Date | null }, now = new Date()) {
  if (user.disabled_at) return { text: 'Disabled', colour: 'grey' }
  if (user.locked_until && user.locked_until > now) {
    return { text: `Locked until ${formatDateTime(user.locked_until)}`, colour: 'red' }
  }
  return { text: 'Active', colour: 'green' }
}

export function presentUserRow(user: UserListRow) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: roleLabels[user.role],
    agency: user.agency ? agencyLabels[user.agency] : '',
    areas: user.area_names.join(', '),
    status: accountStatus(user),
    lastSignIn: formatDateTime(user.last_sign_in_at) || 'Never',
  }
}

export const roleOptions = roles.map((value: Role) => ({ value, text: roleLabels[value] }))
export const agencyOptions = [
  { value: '', text: 'Not a partner user' },
  ...agencies.map((value: Agency) => ({ value, text: agencyLabels[value] })),
]

export function areaOptions(areas: { id: string; name: string; kind: string }[]) {
  return areas.map((area) => ({
    value: area.id,
    text: area.kind === 'bcu' ? `${area.name} (all boroughs)` : area.name,
  }))
}

type AccountRecord = {
  display_name: string
  role: Role
  agency: Agency | null
  area_ids: string[]
  version: number
}

/** The account form filled from the account as stored (strings, as a form sends them). */
export function accountFormValues(user: AccountRecord) {
  return {
    displayName: user.display_name,
    role: user.role,
    agency: user.agency ?? '',
    areaIds: user.area_ids,
    version: String(user.version),
  }
}

/** One page of the users list, and how many pages there are (at least one). */
export function presentUsersPage(rows: UserListRow[], page: number, total: number, pageSize: number) {
  return { users: rows.map((row) => presentUserRow(row)), page, pages: Math.max(1, Math.ceil(total / pageSize)) }
}

/** The conflict page: the account as another administrator left it, and the version to start again from. */
export function presentAccountNow(user: Omit<UserListRow, 'area_names'> & { version: number }) {
  return { current: presentUserRow({ ...user, area_names: [] }), currentVersion: user.version }
}

/** The users list's status filter. */
export const statusOptions = [
  { value: '', text: 'All accounts' },
  { value: 'active', text: 'Active (not disabled)' },
  { value: 'locked', text: 'Locked' },
  { value: 'disabled', text: 'Disabled' },
]
