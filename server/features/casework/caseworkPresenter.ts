import type { ContactOutcome } from '../../../db/types.ts'
import { formatDate } from '../../presenters/format.ts'
import { dueStatus, fullName, pathwayLabel } from '../people/peoplePresenter.ts'
import { contactOutcomeHints, contactOutcomeLabels, contactOutcomes } from './contactOutcomes.ts'

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

/** The contact form's outcomes, each with what it means. */
export const contactOutcomeOptions = contactOutcomes.map((value) => ({
  value,
  text: contactOutcomeLabels[value],
  hint: contactOutcomeHints[value],
}))

/** A contact's outcome in words; contacts recorded before outcomes were asked for have none. */
export function outcomeLabel(outcome: ContactOutcome | null): string {
  return outcome ? contactOutcomeLabels[outcome] : 'Not recorded'
}

/** A contact on the person page and in the history: its date, pathway and outcome in words. */
export function presentContact<C extends { contact_date: string; pathway: string; outcome: ContactOutcome | null }>(
  contact: C,
) {
  return {
    ...contact,
    date: formatDate(contact.contact_date),
    pathway: pathwayLabel(contact.pathway),
    outcome: outcomeLabel(contact.outcome),
  }
}

/** The history's type filter: any type first, then every type, a retired one marked so. */
export const contactTypeFilterOptionsOf = (types: readonly { code: string; label: string; active: boolean }[]) => [
  { value: '', text: 'Any type' },
  ...types.map((t) => ({ value: t.code, text: t.active ? t.label : `${t.label} (no longer used)` })),
]

/**
 * One page of the contact history: its rows in words, and a caption that says how many contacts
 * there are, or how many the filters found.
 */
export function presentContactHistory<
  C extends { contact_date: string; pathway: string; outcome: ContactOutcome | null; total_rows: number },
>(rows: readonly C[], filtered: boolean) {
  const total = rows[0]?.total_rows ?? 0
  const contacts = (n: number) => `${n} ${n === 1 ? 'contact' : 'contacts'}`
  const caption = filtered
    ? total === 0
      ? 'No contacts match the filters'
      : `${contacts(total)} ${total === 1 ? 'matches' : 'match'} the filters`
    : total === 0
      ? 'No contacts recorded'
      : contacts(total)
  return { contacts: rows.map(presentContact), total, caption }
}
