import type { LinkAgency } from '../../../db/types.ts'
import { agencyLabels } from '../../auth/roles.ts'
import { formatDate } from '../../presenters/format.ts'
import { ageOn } from '../dip/dipRules.ts'
import { addMonths } from '../../domain/time.ts'
import type { LinkRow, PartnerView } from './disclosurePolicy.ts'
import { sharingCategoryLabels, type SharingCategory } from './disclosurePolicy.ts'
import { bragLabels, dashHighRisk, linkAgencyLabels, mashDecisionLabels, yosDisposalLabels } from './partnersVocabulary.ts'

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
  if (link.agency === 'mash' && link.mash_decision) parts.push(mashDecisionLabels[link.mash_decision as keyof typeof mashDecisionLabels] ?? link.mash_decision)
  if (link.agency === 'yos' && link.yos_disposal) parts.push(yosDisposalLabels[link.yos_disposal as keyof typeof yosDisposalLabels] ?? link.yos_disposal)
  if (link.status === 'closed') parts.push(`closed ${formatDate(link.closed_on)}`)
  return `${linkAgencyLabels[link.agency]} — ${parts.join(', ') || 'open'}`
}

/** Warn when a YOS young person turns 18 within 3 months: the youth-to-adult transition. */
export function transitionWarning(agency: LinkAgency, dateOfBirth: string | undefined, today: string): string | undefined {
  if (agency !== 'yos' || !dateOfBirth) return undefined
  const eighteenth = `${Number(dateOfBirth.slice(0, 4)) + 18}${dateOfBirth.slice(4)}`
  if (ageOn(dateOfBirth, today) < 18 && eighteenth <= addMonths(today, 3)) return `Turns 18 on ${formatDate(eighteenth)}: plan the youth-to-adult transition`
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
    rows.push(['Role', link.marac_role ?? ''], ['DASH score', link.dash_score === null ? '' : `${link.dash_score} of 24${link.dash_score >= dashHighRisk ? ' (high risk)' : ''}`])
    rows.push(['Repeat referral', link.repeat_referral ? 'Yes: within 12 months of the last' : 'No'])
    rows.push(['Meeting date', formatDate(link.meeting_date)], ['IDVA allocated', link.idva_allocated === null ? '' : link.idva_allocated ? 'Yes' : 'No'], ['Next review', formatDate(link.next_review)])
  }
  if (link.agency === 'yos') {
    rows.push(['Disposal', yosDisposalLabels[link.yos_disposal as keyof typeof yosDisposalLabels] ?? ''], ['Case manager', link.case_manager ?? ''], ['Transition date', formatDate(link.transition_date)])
  }
  if (link.agency === 'mash') {
    rows.push(['BRAG rating', bragLabels[link.brag_rating as keyof typeof bragLabels] ?? ''], ['Decision', mashDecisionLabels[link.mash_decision as keyof typeof mashDecisionLabels] ?? ''])
    rows.push(['Decision date', formatDate(link.decision_date)], ['Children involved', link.children_involved === null ? '' : String(link.children_involved)])
  }
  return rows.filter(([, value]) => value !== '')
}

/** A partner's row: only what the policy put in the view. */
export function presentPartnerView(view: PartnerView & { personId?: string }, today: string) {
  const p = view.person
  return {
    linkId: view.linkId,
    name: p.surname !== undefined ? `${p.surname.toUpperCase()}, ${p.forenames ?? ''}` : 'Name not shared',
    dateOfBirth: p.dateOfBirth ? formatDate(p.dateOfBirth) : '',
    address: p.address ?? '',
    iom: p.onIom === undefined ? '' : p.onIom ? `On IOM${p.leadOfficer ? `, lead officer ${p.leadOfficer}` : ''}` : 'Not on IOM',
    headline: view.link ? linkHeadline(view.link) : '',
    details: view.link ? presentLinkDetails(view.link) : [],
    transition: view.link ? transitionWarning(view.link.agency, p.dateOfBirth, today) : undefined,
    link: view.link,
  }
}

export function presentChange(change: { changes: unknown; changed_at: Date; changed_by_name: string | null }) {
  const entries = Object.entries((change.changes ?? {}) as Record<string, { from: unknown; to: unknown }>)
  return {
    when: formatDate(change.changed_at.toISOString().slice(0, 10)),
    by: change.changed_by_name ?? '',
    what: entries.map(([field, { from, to }]) => `${field.replace(/_/g, ' ')}: ${from ?? 'blank'} → ${to ?? 'blank'}`).join('; '),
  }
}

export function presentAgreement(a: { id: string; name: string; agency: string; categories: string[]; starts_on: string; ends_on: string | null; version: number }, today: string) {
  const inForce = a.starts_on <= today && (!a.ends_on || a.ends_on >= today)
  return {
    ...a,
    agencyLabel: agencyLabels[a.agency as keyof typeof agencyLabels] ?? a.agency,
    categoryLabels: a.categories.map((c) => sharingCategoryLabels[c as SharingCategory] ?? c),
    period: `${formatDate(a.starts_on)} to ${a.ends_on ? formatDate(a.ends_on) : 'no end date'}`,
    inForce,
  }
}
