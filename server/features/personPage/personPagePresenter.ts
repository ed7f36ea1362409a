import { formatDate } from '../../presenters/format.ts'
import { presentContact, presentOpenAction } from '../casework/caseworkPresenter.ts'
import { presentDipTimeline } from '../dip/dipTimeline.ts'
import { linkHeadline, transitionWarning } from '../partners/partnersPresenter.ts'
import { descriptionFieldsOf } from '../people/descriptionRepository.ts'
import { descriptionRows, presentDescription, presentPhoto } from '../people/descriptionPresenter.ts'
import type { PersonRecord } from '../people/peopleRepository.ts'
import { fullName, presentEvent, presentMembership, presentPerson } from '../people/peoplePresenter.ts'
import { programmeLabels } from '../people/vocabulary.ts'
import type { PersonPanels } from './personPanels.ts'

/** What the person page shows: the record, then each feature's panel, in the page's words. */
export function presentPersonPage(record: { person: PersonRecord } & PersonPanels, today: string) {
  return {
    title: fullName(record.person),
    person: presentPerson(record.person, today),
    aliases: record.aliases,
    currentMarkers: record.markers
      .filter((m) => !m.ended_on)
      .map((m) => ({ ...m, start: formatDate(m.start_date), review: formatDate(m.review_date) })),
    endedMarkers: record.markers
      .filter((m) => m.ended_on)
      .map((m) => ({ ...m, start: formatDate(m.start_date), ended: formatDate(m.ended_on) })),
    memberships: record.memberships.map(presentMembership),
    events: record.events.map(presentEvent).reverse(),
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
