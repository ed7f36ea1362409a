import { formatDate } from '../../presenters/format.ts'
import { presentContact, presentOpenAction } from '../casework/caseworkPresenter.ts'
import { presentDipTimeline } from '../dip/dipTimeline.ts'
import { linkHeadline, transitionWarning } from '../partners/partnersPresenter.ts'
import { descriptionFieldsOf } from '../people/descriptionRepository.ts'
import { descriptionRows, presentDescription, presentPhoto } from '../people/descriptionPresenter.ts'
import type { PersonRecord } from '../people/peopleRepository.ts'
import { fullName, presentEvent, presentMembership, presentPerson } from '../people/peoplePresenter.ts'
import { linkAgencyLabels } from '../partners/partnersVocabulary.ts'
import { programmeLabels, tierLabels } from '../people/vocabulary.ts'
import type { PersonPanels } from './personPanels.ts'

type RiskSources = {
  person: Pick<PersonRecord, 'restricted'>
} & Pick<PersonPanels, 'markers' | 'memberships' | 'failures' | 'links'>

/**
 * The banner's answer to "how risky", worked out from the panels the page already reads (so it
 * costs no query): the tier of each open cohort membership, each failure circulated as wanted
 * (its status as the time bar leaves it today), the partner agencies with an open link, the
 * restriction, and every current warning marker with the day it started. The wanted status and
 * the links are always stated, present or not, so the line never leaves the reader to infer them.
 */
export function presentRiskSummary(record: RiskSources) {
  const tiers = record.memberships.flatMap((m) =>
    m.status !== 'ended' && m.tier ? [`Tier ${tierLabels[m.tier]} (${programmeLabels[m.programme]})`] : [],
  )
  const wanted = record.failures
    .filter((f) => f.status === 'wanted')
    .map(
      (f) =>
        `Wanted for ${f.section.toUpperCase()} failure of ${formatDate(f.failure_date)}` +
        (f.wanted_since ? `, circulated ${formatDate(f.wanted_since)}` : '') +
        (f.wanted_reference ? ` (${f.wanted_reference})` : ''),
    )
  const agencies = [...new Set(record.links.filter((l) => l.status === 'open').map((l) => l.agency))]
  const line = [
    ...tiers.map((text) => ({ text, alert: false })),
    ...(wanted.length ? wanted.map((text) => ({ text, alert: true })) : [{ text: 'Not wanted', alert: false }]),
    agencies.length
      ? { text: `Open safeguarding links: ${agencies.map((a) => linkAgencyLabels[a]).join(', ')}`, alert: true }
      : { text: 'No open safeguarding links', alert: false },
    ...(record.person.restricted ? [{ text: 'Restricted record', alert: true }] : []),
  ]
  const markers = record.markers
    .filter((m) => !m.ended_on)
    .map((m) => ({ label: m.label, since: formatDate(m.start_date) }))
  return { line, markers }
}

/** What the person page shows: the record, then each feature's panel, in the page's words. */
export function presentPersonPage(record: { person: PersonRecord } & PersonPanels, today: string) {
  return {
    title: fullName(record.person),
    person: presentPerson(record.person, today),
    risk: presentRiskSummary(record),
    aliases: record.aliases,
    currentMarkers: record.markers
      .filter((m) => !m.ended_on)
      .map((m) => ({ ...m, start: formatDate(m.start_date), review: formatDate(m.review_date) })),
    endedMarkers: record.markers
      .filter((m) => m.ended_on)
      .map((m) => ({ ...m, start: formatDate(m.start_date), ended: formatDate(m.ended_on) })),
    memberships: record.memberships.map(presentMembership),
    // With the day as stored, for the timeline's machine-readable date.
    events: record.events.map((e) => ({ ...presentEvent(e), on: e.event_date })).reverse(),
    referrals: record.referrals.map((r) => ({
      ...r,
      programmeLabel: programmeLabels[r.programme],
      referredOn: formatDate(r.referred_at.toISOString().slice(0, 10)),
    })),
    contacts: record.contacts.map(presentContact),
    actions: record.actions.map((a) => presentOpenAction(a, today)),
    dip: presentDipTimeline(record, today),
    links: record.links.map((l) => ({
      id: l.id,
      open: l.status === 'open',
      headline: linkHeadline(l),
      agreement: l.agreement_name,
      transition: transitionWarning(l.agency, record.person.date_of_birth, today),
    })),
    description: {
      ...presentDescription(descriptionFieldsOf(record.person)),
      rows: descriptionRows(descriptionFieldsOf(record.person)),
    },
    photo: presentPhoto(record.photo[0]),
  }
}

/** The old address of a record combined into another: it shows nothing of the person, only where the kept record is. */
export function presentCombinedRecord(survivorId: string) {
  return { title: 'This record has been combined with another', survivorId }
}
