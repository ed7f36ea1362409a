import type { ContactOutcome } from '../../../db/types.ts'

// What came of a contact: a fixed list (server/decisions/0115), checked by the database too.
// In the order the form offers them, from the best outcome to the worst, "Other" last.

export const contactOutcomes = [
  'engaged',
  'partially_engaged',
  'did_not_engage',
  'not_seen',
  'refused',
  'other',
] as const satisfies readonly ContactOutcome[]

export const contactOutcomeLabels: Record<ContactOutcome, string> = {
  engaged: 'Engaged',
  partially_engaged: 'Partially engaged',
  did_not_engage: 'Did not engage',
  not_seen: 'No answer or not seen',
  refused: 'Refused contact',
  other: 'Other',
}

/** What the radios say under each outcome, so that officers choose alike. */
export const contactOutcomeHints: Partial<Record<ContactOutcome, string>> = {
  engaged: 'Took part and agreed the next steps',
  partially_engaged: 'Took part in some of it, or agreed to some of the next steps',
  did_not_engage: 'Seen or spoken to, but would not discuss their plan',
  not_seen: 'No one answered, or the person was not there',
  refused: 'Refused to see or speak to the officer',
}
