import { formatDate } from '../../presenters/format.ts'

/** A date input's three boxes, as typed. */
type DateParts = { day: string; month: string; year: string }
type Ward = { id: string; name: string; valid_from: string; valid_to: string | null; borough: string }

/** The index of the lists, in the order they are kept. */
export function presentLists(lists: Record<string, { title: string }>) {
  return Object.entries(lists).map(([name, list]) => ({ name, title: list.title }))
}

/** An entry's form, filled from the entry as stored. */
export const entryFormValues = (entry: { label: string; active: boolean }) => ({
  label: entry.label,
  active: entry.active ? 'yes' : 'no',
})

export const boroughOptions = (boroughs: readonly { id: string; name: string }[]) => [
  { value: '', text: 'Select a borough' },
  ...boroughs.map((b) => ({ value: b.id, text: b.name })),
]

/** The form that ends a ward: its inputs are named validTo-*, with an id made unique by the ward's id. */
export const endWardInputId = (wardId: string) => `validTo-${wardId}`

/** A ward end date refused: what was typed and what is wrong, on that ward's own form. */
export type RefusedEnding = { wardId: string; typed: DateParts; error: string | undefined }

/** The wards, each current one with its end form: filled with today, or with the refused date typed. */
export function presentWards(wards: Ward[], today: DateParts, refused?: RefusedEnding) {
  return wards.map((w) => {
    const failed = refused?.wardId === w.id
    return {
      ...w,
      from: formatDate(w.valid_from),
      to: formatDate(w.valid_to),
      endId: endWardInputId(w.id),
      endValue: failed ? refused.typed : today,
      endError: failed ? refused.error : undefined,
    }
  })
}

/** The error summary of a refused end date links to that ward's date input. */
export function endingErrors<E extends { summary: { text: string; href: string }[] }>(errors: E, wardId: string): E {
  return { ...errors, summary: errors.summary.map((item) => ({ ...item, href: `#${endWardInputId(wardId)}` })) }
}
