import type { Programme, Tier } from '../../../db/types.ts'
import { formatDate } from '../../presenters/format.ts'
import { programmeLabels, tierLabels } from '../people/vocabulary.ts'

// The IOM rules of server/domain/REFERENCE.md ("Membership is history"; the 2020 strategy's cohorts), as pure
// functions: each answers the message to show, or undefined when the rule is kept. See RULES.md.

/** Fixed, Flex and Free are IOM cohorts; DIP is a separate programme a person may be on alongside. */
export function isIomCohort(programme: Programme): boolean {
  return programme !== 'dip'
}

/**
 * A membership's history is added to in date order, none of it before adoption: a change dated
 * before the adoption date, or before the latest change already recorded, is refused.
 */
export function eventDateProblem(
  eventDate: string,
  adoptedOn: string,
  latestEventDate: string | undefined,
): string | undefined {
  if (eventDate < adoptedOn)
    return `The date it happened must be on or after the date the person was adopted, ${formatDate(adoptedOn)}`
  if (latestEventDate !== undefined && eventDate < latestEventDate) {
    return `The date it happened must be on or after the last change recorded for this membership, ${formatDate(latestEventDate)}`
  }
  return undefined
}

/** A tier change must change the tier. */
export function tierChangeProblem(currentTier: Tier | null, newTier: Tier): string | undefined {
  return currentTier === newTier
    ? `No change: the person is already on the ${tierLabels[newTier].toLowerCase()} tier`
    : undefined
}

/** At most one IOM cohort at a time: adopting onto another needs the open one ended first. */
export function secondIomCohortProblem(openIomProgramme: Programme | undefined, wanted: Programme): string | undefined {
  if (!isIomCohort(wanted) || openIomProgramme === undefined || openIomProgramme === wanted) return undefined
  return `This person is already on ${programmeLabels[openIomProgramme]}: a person is on one IOM cohort at a time, so de-select them from it before adopting them on ${programmeLabels[wanted]}`
}
