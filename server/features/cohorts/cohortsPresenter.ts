import { todayInLondon } from '../../domain/time.ts'
import { formatDate } from '../../presenters/format.ts'
import {
  boroughOptionsOf,
  labelledOptions,
  officerOptionsOf,
  wardOptionsOf,
  withBlank,
} from '../../presenters/options.ts'
import { fullName } from '../people/peoplePresenter.ts'
import {
  membershipEventLabels,
  programmeLabels,
  programmes,
  selectionMethodLabels,
  selectionMethods,
  tierLabels,
  tiers,
} from '../people/vocabulary.ts'
import type { Programme, Tier } from '../../../db/types.ts'
import type { CohortRow } from './cohortsRepository.ts'

type Named = { surname: string; forenames: string }

export const programmeOptions = labelledOptions(programmes, programmeLabels)
export const tierOptions = labelledOptions(tiers, tierLabels)
export const methodOptions = labelledOptions(selectionMethods, selectionMethodLabels)
const recordableEvents = ['in_custody', 'released', 'tier_changed', 'lead_officer_changed', 'deselected'] as const
export const eventKindOptions = labelledOptions(recordableEvents, membershipEventLabels)

const membershipStatus = (status: string) => (status === 'in_custody' ? 'In custody' : 'Active')

/** A referral as the panel's queue and the decision page show it. */
export function presentReferral<R extends Named & { date_of_birth: string; programme: Programme; referred_at: Date }>(
  referral: R,
) {
  // In place, as shownRow does: the row was made for this page (presenters/shownRow.ts says why).
  return Object.assign(referral, {
    name: fullName(referral),
    dateOfBirth: formatDate(referral.date_of_birth),
    programmeLabel: programmeLabels[referral.programme],
    referredOn: formatDate(todayInLondon(referral.referred_at)),
  })
}

/** A membership as the change form heads it. */
export function presentMembership<M extends Named & { programme: Programme }>(membership: M) {
  return { ...membership, name: fullName(membership), programmeLabel: programmeLabels[membership.programme] }
}

type MembershipRow = Named & {
  person_id: string
  date_of_birth: string
  pnc_id: string | null
  programme: Programme
  tier: Tier | null
  status: string
  ward_name: string | null
}

/** What the cohort list and the caseload both show of a membership and its person. */
function presentMembershipRow(row: MembershipRow) {
  return {
    personId: row.person_id,
    name: fullName(row),
    dateOfBirth: formatDate(row.date_of_birth),
    pncId: row.pnc_id ?? '',
    programme: programmeLabels[row.programme],
    tier: row.tier ? tierLabels[row.tier] : '',
    status: membershipStatus(row.status),
    ward: row.ward_name ?? '',
  }
}

/** A row of the cohort list. */
export function presentCohortRow(row: CohortRow) {
  return {
    ...presentMembershipRow(row),
    area: row.area_name,
    leadOfficer: row.lead_officer_name ?? '',
    adoptedOn: formatDate(row.adopted_on),
  }
}

/** A row of the officer's caseload; an action due before today is overdue. */
export function presentCaseloadRow(row: MembershipRow & { next_action_due: string | null }, today: string) {
  return {
    ...presentMembershipRow(row),
    tierColour: row.tier === 'red' ? 'red' : row.tier === 'amber' ? 'orange' : 'green',
    nextActionDue: row.next_action_due ? formatDate(row.next_action_due) : '',
    nextActionOverdue: row.next_action_due !== null && row.next_action_due < today,
  }
}

type FilterChoices = {
  officers: readonly { id: string; display_name: string }[]
  boroughs: readonly { id: string; name: string }[]
  wards: readonly { id: string; name: string; borough_name: string }[]
}

/** The cohort list's filter selects, each with an "all" choice first. */
export function cohortFilterOptions(choices: FilterChoices) {
  return {
    programmeOptions: withBlank('All programmes', programmeOptions),
    tierOptions: withBlank('All tiers', tierOptions),
    statusOptions: withBlank('Active or in custody', [
      { value: 'active', text: 'Active' },
      { value: 'in_custody', text: 'In custody' },
    ]),
    officerOptions: withBlank('All officers', officerOptionsOf(choices.officers)),
    areaOptions: withBlank('All boroughs', boroughOptionsOf(choices.boroughs)),
    wardOptions: withBlank('All wards', wardOptionsOf(choices.wards)),
    linkOptions: withBlank('Any or none', [
      { value: 'any', text: 'Any open partner case' },
      { value: 'marac', text: 'Open MARAC case' },
      { value: 'yos', text: 'Open YOS case' },
      { value: 'mash', text: 'Open MASH case' },
    ]),
  }
}

export const cohortCsvHeader = [
  'pnc_id',
  'surname',
  'forenames',
  'date_of_birth',
  'programme',
  'tier',
  'status',
  'area',
  'ward',
  'lead_officer',
  'adopted_on',
]

export const cohortCsvRow = (r: CohortRow) => [
  r.pnc_id,
  r.surname,
  r.forenames,
  r.date_of_birth,
  r.programme,
  r.tier,
  r.status,
  r.area_name,
  r.ward_name,
  r.lead_officer_name,
  r.adopted_on,
]
