import type { Agency, LinkAgency } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'

/**
 * What a partner agency may be shown, in one place. Every partner page, list, export and audit
 * view builds its rows through these functions: a template never decides what a partner sees.
 */

/** Categories an information-sharing agreement can allow. */
export const sharingCategories = ['identity', 'address', 'link_details', 'iom_status'] as const
export type SharingCategory = (typeof sharingCategories)[number]
export const sharingCategoryLabels: Record<SharingCategory, string> = {
  identity: 'Name and date of birth',
  address: 'Last known address',
  link_details: 'The agency’s own case link (reference, status, dates, rating)',
  iom_status: 'Whether the person is on an IOM cohort, and the lead officer',
}

/** The agencies whose case links a partner agency works with (MARAC, YOS and MASH hold cases). */
export function linkAgencyOf(agency: Agency | null): LinkAgency | null {
  return agency === 'marac' || agency === 'yos' || agency === 'mash' ? agency : null
}

/**
 * A count shown to a partner agency about people it has not been shared: from 1 to 4 it could
 * point to someone the agency knows, so it shows as "fewer than 5" (nought is shown: it names no one).
 */
export const smallNumberThreshold = 5
export function partnerCount(count: number): number | string {
  return count > 0 && count < smallNumberThreshold ? `fewer than ${smallNumberThreshold}` : count
}

export type PartnerPolicy = { agency: Agency; linkAgency: LinkAgency | null; allowed: ReadonlySet<SharingCategory> }

export function partnerPolicy(user: SessionUser, categoriesInForce: readonly string[]): PartnerPolicy {
  if (user.role !== 'partner' || !user.agency) throw new Error('Only partner users have a partner policy')
  const allowed = new Set(
    categoriesInForce.filter((c): c is SharingCategory => (sharingCategories as readonly string[]).includes(c)),
  )
  return { agency: user.agency, linkAgency: linkAgencyOf(user.agency), allowed }
}

export type LinkRow = {
  id: string
  agency: LinkAgency
  reference: string
  status: 'open' | 'closed'
  opened_on: string
  closed_on: string | null
  contact: string | null
  marac_role: 'victim' | 'perpetrator' | null
  dash_score: number | null
  meeting_date: string | null
  idva_allocated: boolean | null
  next_review: string | null
  repeat_referral: boolean
  yos_disposal: string | null
  case_manager: string | null
  transition_date: string | null
  brag_rating: 'blue' | 'red' | 'amber' | 'green' | null
  mash_decision: string | null
  decision_date: string | null
  children_involved: number | null
  version: number
}

export type PersonForPartner = {
  surname: string
  forenames: string
  date_of_birth: string
  address: string | null
  on_iom: boolean
  lead_officer_name: string | null
}

/** The whole of what a partner is shown about one person and one of their agency's links. */
export type PartnerView = {
  linkId: string
  person: {
    surname?: string
    forenames?: string
    dateOfBirth?: string
    address?: string | null
    onIom?: boolean
    leadOfficer?: string | null
  }
  link?: Omit<LinkRow, 'id'>
}

/**
 * A partner sees a link only if it is their agency's, and only the categories their agreements
 * in force allow. Anything not copied here is never shown to them.
 */
export function viewForPartner(
  policy: PartnerPolicy,
  person: PersonForPartner,
  link: LinkRow,
): PartnerView | undefined {
  if (link.agency !== policy.linkAgency) return undefined
  const view: PartnerView = { linkId: link.id, person: {} }
  if (policy.allowed.has('identity')) {
    view.person.surname = person.surname
    view.person.forenames = person.forenames
    view.person.dateOfBirth = person.date_of_birth
  }
  if (policy.allowed.has('address')) view.person.address = person.address
  if (policy.allowed.has('iom_status')) {
    view.person.onIom = person.on_iom
    view.person.leadOfficer = person.lead_officer_name
  }
  if (policy.allowed.has('link_details')) {
    const { id: _id, ...details } = link
    view.link = details
  }
  return view
}

/** What a partner may change on their own agency's link: status, dates and rating, nothing else. */
export const partnerEditableFields = [
  'status',
  'closed_on',
  'next_review',
  'meeting_date',
  'decision_date',
  'dash_score',
  'brag_rating',
] as const
