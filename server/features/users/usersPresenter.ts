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
  return areas.map((area) => ({ value: area.id, text: area.kind === 'bcu' ? `${area.name} (all boroughs)` : area.name }))
}
