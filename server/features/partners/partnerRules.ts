import { addMonths } from '../../domain/time.ts'
import { formatDate } from '../../presenters/format.ts'
import { ageOn } from '../people/peoplePresenter.ts'

// The partner-case rules of server/domain/REFERENCE.md ("Partner cases"), as pure functions. See RULES.md.

/** SafeLives: a MARAC referral is a repeat when it comes within 12 months of the last one (inclusive). */
export function isRepeatMarac(previousOpenedOn: string | undefined, openedOn: string): boolean {
  return previousOpenedOn !== undefined && openedOn <= addMonths(previousOpenedOn, 12)
}

/**
 * The repeat flag of every MARAC referral of one person, by referral date whatever the order of
 * entry: each is a repeat when the one before it (by date; on the same date, the one entered
 * first) is within 12 months. Give the referrals in the order they were entered; the answer is
 * in date order. The one place the flag is worked out: a new link, a late entry that changes the
 * flags of later ones, and the demo and volume data all use it.
 */
export function maracRepeatFlags<T extends { opened_on: string }>(
  referrals: readonly T[],
): { referral: T; repeat: boolean }[] {
  const byDate = [...referrals].sort((a, b) => (a.opened_on < b.opened_on ? -1 : a.opened_on > b.opened_on ? 1 : 0))
  return byDate.map((referral, i) => ({
    referral,
    repeat: isRepeatMarac(byDate[i - 1]?.opened_on, referral.opened_on),
  }))
}

/** YOS works with children aged 10 to 17 (Crime and Disorder Act 1998 s37-s39): their age on the day the case opened. */
export const yosAges = { youngest: 10, oldest: 17 } as const

export function yosAgeProblem(dateOfBirth: string, openedOn: string): string | undefined {
  const age = ageOn(dateOfBirth, openedOn)
  if (age >= yosAges.youngest && age <= yosAges.oldest) return undefined
  const then = age < 0 ? 'they were not yet born' : `they were ${age}`
  return `For a YOS case the person must be aged ${yosAges.youngest} to ${yosAges.oldest} on the date opened: on ${formatDate(openedOn)} ${then}`
}
