import { addMonths } from '../../domain/time.ts'
import { formatDate } from '../../presenters/format.ts'

/**
 * MoPI and the records management code: a police record is kept at least six years, counted here
 * from its last event (REFERENCE.md, "Retention"). The review periods are local and may be
 * shorter; a review that comes sooner may retain the record, but not dispose of it.
 */
export const minimumRetentionYears = 6

/** The first day a record last active on `lastOn` may be disposed of. */
export const disposableFrom = (lastOn: string) => addMonths(lastOn, 12 * minimumRetentionYears)

/**
 * Why the record may not be disposed of on `today`, or undefined if it may: it must be due for
 * review (its review date reached) and past the minimum retention period since its last event.
 * A record with no review basis (combined into another) is never disposed of on its own.
 */
export function disposalProblem(basis: { review_on: string; last_on: string } | undefined, today: string) {
  if (!basis) return 'This record is reviewed with the record it was combined into'
  if (basis.review_on > today)
    return `This record is not due for review until ${formatDate(basis.review_on)}: it cannot be disposed of before then`
  const earliest = disposableFrom(basis.last_on)
  if (earliest > today)
    return `This record was last active on ${formatDate(basis.last_on)}: it must be kept for ${minimumRetentionYears} years, until ${formatDate(earliest)}, before it can be disposed of`
  return undefined
}
