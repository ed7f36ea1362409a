import type { Programme } from '../../../db/types.ts'
import { formatDateTime } from '../../presenters/format.ts'
import { programmeLabels } from '../people/vocabulary.ts'

/** Why a pair cannot be combined yet (the check page lists them and offers no button). */
export type Blocker =
  | { kind: 'sharedProgramme'; programme: string }
  | { kind: 'twoIomCohorts'; kept: string; other: string }
  | { kind: 'absorbedRecently'; until: Date }

const programmeLabel = (programme: string) => programmeLabels[programme as Programme] ?? programme

/** A blocker in words, with what to do about it: the check page's list, and a refused combination's message. */
export function blockerText(blocker: Blocker): string {
  switch (blocker.kind) {
    case 'sharedProgramme':
      return `Both records are on ${programmeLabel(blocker.programme)}. End one of the memberships before combining.`
    case 'twoIomCohorts':
      return `The record kept is on ${programmeLabel(blocker.kept)} and the duplicate on ${programmeLabel(blocker.other)}: a person is on one IOM cohort at a time. End one of the memberships before combining.`
    case 'absorbedRecently':
      return `The duplicate record had another record combined into it, which can be reversed until ${formatDateTime(blocker.until)}. Keep the duplicate record instead, or wait until then.`
  }
}
