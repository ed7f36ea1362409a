import { formatDate } from '../../presenters/format.ts'
import { dueStatus, fullName, pathwayLabel } from '../people/peoplePresenter.ts'

type Option = { value: string; text: string }

export const contactTypeOptionsOf = (types: readonly { code: string; label: string }[]): Option[] => [
  { value: '', text: 'Select a type' },
  ...types.map((t) => ({ value: t.code, text: t.label })),
]

export const ownerOptionsOf = (owners: readonly { id: string; display_name: string }[]): Option[] => [
  { value: '', text: 'Select an owner' },
  ...owners.map((o) => ({ value: o.id, text: o.display_name })),
]

/** An open action: when it is due, how urgent that is today, and its pathway in words. */
export function presentOpenAction<A extends { due_date: string; pathway: string }>(action: A, today: string) {
  // Copied, not added in place: `pathway` turns from the code into its label.
  return {
    ...action,
    due: formatDate(action.due_date),
    status: dueStatus(action.due_date, today),
    pathway: pathwayLabel(action.pathway),
  }
}

/** A row of "My actions": an open action and whom it is about. */
export function presentMyAction<A extends { due_date: string; pathway: string; surname: string; forenames: string }>(
  action: A,
  today: string,
) {
  return { ...presentOpenAction(action, today), name: fullName(action) }
}

/** A contact on the person page: its date and pathway in words. */
export function presentContact<C extends { contact_date: string; pathway: string }>(contact: C) {
  return { ...contact, date: formatDate(contact.contact_date), pathway: pathwayLabel(contact.pathway) }
}
