import type { LinkAgency } from '../../../db/types.ts'
import { agencies, agencyLabels } from '../../auth/roles.ts'
import { dateParts } from '../../http/dates.ts'
import { formatDate, textOf } from '../../presenters/format.ts'
import { labelledOptions, withBlank } from '../../presenters/options.ts'
import { ageOn } from '../dip/dipRules.ts'
import { addMonths } from '../../domain/time.ts'
import { fullName } from '../people/peoplePresenter.ts'
import type { LinkRow, PartnerPolicy, PartnerView } from './disclosurePolicy.ts'
import { sharingCategories, sharingCategoryLabels, type SharingCategory } from './disclosurePolicy.ts'
import type { LinkRecord } from './partnersRepository.ts'
import {
  bragLabels,
  bragRatings,
  dashHighRisk,
  linkAgencies,
  linkAgencyLabels,
  mashDecisionLabels,
  mashDecisions,
  yosDisposalLabels,
  yosDisposals,
} from './partnersVocabulary.ts'

type Option = { value: string; text: string }
type Change = { changes: unknown; changed_at: Date; changed_by_name: string | null }
type Agreement = {
  id: string
  name: string
  agency: string
  categories: string[]
  starts_on: string
  ends_on: string | null
  version: number
}

/** Every list the link and agreement forms choose from. */
export const linkFormOptions = {
  agencyOptions: linkAgencies.map((value) => ({ value, text: linkAgencyLabels[value] })),
  roleOptions: [
    { value: '', text: 'Not MARAC' },
    { value: 'victim', text: 'Victim' },
    { value: 'perpetrator', text: 'Perpetrator' },
  ],
  yesNoOptions: [
    { value: '', text: 'Not recorded' },
    { value: 'yes', text: 'Yes' },
    { value: 'no', text: 'No' },
  ],
  disposalOptions: withBlank('Not YOS', labelledOptions(yosDisposals, yosDisposalLabels)),
  bragOptions: withBlank('Not MASH', labelledOptions(bragRatings, bragLabels)),
  decisionOptions: withBlank('No decision yet', labelledOptions(mashDecisions, mashDecisionLabels)),
  statusOptions: [
    { value: 'open', text: 'Open' },
    { value: 'closed', text: 'Closed' },
  ],
  categoryOptions: sharingCategories.map((value) => ({ value, text: sharingCategoryLabels[value] })),
  partnerAgencyOptions: agencies.map((value) => ({ value, text: agencyLabels[value] })),
}

export const agreementOptionsOf = (agreements: readonly { id: string; name: string }[]): Option[] => [
  { value: '', text: 'Select an agreement in force' },
  ...agreements.map((a) => ({ value: a.id, text: a.name })),
]

/** The edit form's values for an existing link, as the inputs expect them (a yes/no as 'yes' or 'no', a date in three parts). */
export function linkFormValues(link: Omit<LinkRow, 'id'>) {
  const str = (v: unknown) => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : textOf(v))
  return {
    status: str(link.status),
    closedOn: dateParts(link.closed_on),
    contact: str(link.contact),
    maracRole: str(link.marac_role),
    dashScore: str(link.dash_score),
    meetingDate: dateParts(link.meeting_date),
    idvaAllocated: str(link.idva_allocated),
    nextReview: dateParts(link.next_review),
    yosDisposal: str(link.yos_disposal),
    caseManager: str(link.case_manager),
    transitionDate: dateParts(link.transition_date),
    bragRating: str(link.brag_rating),
    mashDecision: str(link.mash_decision),
    decisionDate: dateParts(link.decision_date),
    childrenInvolved: str(link.children_involved),
    version: str(link.version),
  }
}

/** The one-line safeguarding summary of a link, e.g. "MARAC — high risk, repeat, next meeting 12 Dec 2026". */
export function linkHeadline(link: Omit<LinkRow, 'id'>): string {
  const parts: string[] = []
  if (link.agency === 'marac') {
    if (link.dash_score !== null) parts.push(link.dash_score >= dashHighRisk ? 'high risk' : `DASH ${link.dash_score}`)
    if (link.repeat_referral) parts.push('repeat')
    if (link.marac_role) parts.push(link.marac_role)
    if (link.meeting_date) parts.push(`next meeting ${formatDate(link.meeting_date)}`)
  }
  if (link.agency === 'mash' && link.brag_rating) parts.push(`${link.brag_rating.toUpperCase()} rating`)
  if (link.agency === 'mash' && link.mash_decision)
    parts.push(mashDecisionLabels[link.mash_decision as keyof typeof mashDecisionLabels] ?? link.mash_decision)
  if (link.agency === 'yos' && link.yos_disposal)
    parts.push(yosDisposalLabels[link.yos_disposal as keyof typeof yosDisposalLabels] ?? link.yos_disposal)
  if (link.status === 'closed') parts.push(`closed ${formatDate(link.closed_on)}`)
  return `${linkAgencyLabels[link.agency]} — ${parts.join(', ') || 'open'}`
}

/** Warn when a YOS young person turns 18 within 3 months: the youth-to-adult transition. */
export function transitionWarning(
  agency: LinkAgency,
  dateOfBirth: string | undefined,
  today: string,
): string | undefined {
  if (agency !== 'yos' || !dateOfBirth) return undefined
  const eighteenth = `${Number(dateOfBirth.slice(0, 4)) + 18}${dateOfBirth.slice(4)}`
  if (ageOn(dateOfBirth, today) < 18 && eighteenth <= addMonths(today, 3))
    return `Turns 18 on ${formatDate(eighteenth)}: plan the youth-to-adult transition`
  return undefined
}

export function presentLinkDetails(link: Omit<LinkRow, 'id'>) {
  const rows: [string, string][] = [
    ['Reference', link.reference],
    ['Status', link.status === 'open' ? 'Open' : `Closed ${formatDate(link.closed_on)}`],
    ['Opened', formatDate(link.opened_on)],
  ]
  if (link.contact) rows.push(['Contact', link.contact])
  if (link.agency === 'marac') {
    rows.push(
      ['Role', link.marac_role ?? ''],
      [
        'DASH score',
        link.dash_score === null
          ? ''
          : `${link.dash_score} of 24${link.dash_score >= dashHighRisk ? ' (high risk)' : ''}`,
      ],
    )
    rows.push(['Repeat referral', link.repeat_referral ? 'Yes: within 12 months of the last' : 'No'])
    rows.push(
      ['Meeting date', formatDate(link.meeting_date)],
      ['IDVA allocated', link.idva_allocated === null ? '' : link.idva_allocated ? 'Yes' : 'No'],
      ['Next review', formatDate(link.next_review)],
    )
  }
  if (link.agency === 'yos') {
    rows.push(
      ['Disposal', yosDisposalLabels[link.yos_disposal as keyof typeof yosDisposalLabels] ?? ''],
      ['Case manager', link.case_manager ?? ''],
      ['Transition date', formatDate(link.transition_date)],
    )
  }
  if (link.agency === 'mash') {
    rows.push(
      ['BRAG rating', bragLabels[link.brag_rating as keyof typeof bragLabels] ?? ''],
      ['Decision', mashDecisionLabels[link.mash_decision as keyof typeof mashDecisionLabels] ?? ''],
    )
    rows.push(
      ['Decision date', formatDate(link.decision_date)],
      ['Children involved', link.children_involved === null ? '' : String(link.children_involved)],
    )
  }
  return rows.filter(([, value]) => value !== '')
}

/** A partner's row: only what the policy put in the view. */
export function presentPartnerView(view: PartnerView & { personId?: string }, today: string) {
  const p = view.person
  return {
    linkId: view.linkId,
    name: p.surname !== undefined ? fullName({ surname: p.surname, forenames: p.forenames ?? '' }) : 'Name not shared',
    dateOfBirth: p.dateOfBirth ? formatDate(p.dateOfBirth) : '',
    address: p.address ?? '',
    iom:
      p.onIom === undefined
        ? ''
        : p.onIom
          ? `On IOM${p.leadOfficer ? `, lead officer ${p.leadOfficer}` : ''}`
          : 'Not on IOM',
    headline: view.link ? linkHeadline(view.link) : '',
    details: view.link ? presentLinkDetails(view.link) : [],
    transition: view.link ? transitionWarning(view.link.agency, p.dateOfBirth, today) : undefined,
    link: view.link,
  }
}

export function presentChange(change: Change) {
  const entries = Object.entries((change.changes ?? {}) as Record<string, { from: unknown; to: unknown }>)
  return {
    when: formatDate(change.changed_at.toISOString().slice(0, 10)),
    by: change.changed_by_name ?? '',
    what: entries
      .map(
        ([field, { from, to }]) => `${field.replace(/_/g, ' ')}: ${textOf(from) || 'blank'} → ${textOf(to) || 'blank'}`,
      )
      .join('; '),
  }
}

export function presentAgreement(a: Agreement, today: string) {
  const inForce = a.starts_on <= today && (!a.ends_on || a.ends_on >= today)
  return {
    ...a,
    agencyLabel: agencyLabels[a.agency as keyof typeof agencyLabels] ?? a.agency,
    categoryLabels: a.categories.map((c) => sharingCategoryLabels[c as SharingCategory] ?? c),
    period: `${formatDate(a.starts_on)} to ${a.ends_on ? formatDate(a.ends_on) : 'no end date'}`,
    inForce,
  }
}

/** A link as the police see it, above its edit form: the person, the headline, every detail, and who changed what. */
export function presentPoliceLink(link: LinkRecord, changes: readonly Change[]) {
  return {
    title: `${linkAgencyLabels[link.agency]} case ${link.reference}`,
    link,
    personName: fullName(link),
    headline: linkHeadline(link),
    details: presentLinkDetails(link),
    changes: changes.map(presentChange),
  }
}

/** One case as a partner sees it: only what the policy put in the view, and edits only if the agreement allows the link's details. */
export function presentPartnerCase(
  found: { policy: PartnerPolicy; view: PartnerView; changes: readonly Change[] },
  today: string,
) {
  const view = presentPartnerView(found.view, today)
  return {
    title: view.headline || 'Case',
    view,
    // Police officers' names are not the partner's to see: the history says what changed and when.
    changes: found.changes.map((c) => ({ ...presentChange(c), by: '' })),
    canEdit: found.policy.allowed.has('link_details'),
  }
}

/** The partner's list of cases: their agency, whether any agreement is in force, and a row for each case. */
export function presentPartnerCases(policy: PartnerPolicy, views: readonly PartnerView[], today: string) {
  return {
    title: 'Partner cases',
    agencyLabel: agencyLabels[policy.agency],
    noAgreement: policy.allowed.size === 0,
    rows: views.map((v) => presentPartnerView(v, today)),
  }
}

/** A new agreement's form starts today, with no end date and no categories. */
export const newAgreementValues = (today: string) => ({
  categories: [],
  startsOn: dateParts(today),
  endsOn: dateParts(null),
})

/** An agreement's edit form, filled with the agreement as it stands. */
export function agreementFormValues(agreement: Agreement) {
  return {
    name: agreement.name,
    agency: agreement.agency,
    categories: agreement.categories,
    startsOn: dateParts(agreement.starts_on),
    endsOn: dateParts(agreement.ends_on),
    version: String(agreement.version),
  }
}
