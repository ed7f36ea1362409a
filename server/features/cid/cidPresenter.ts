import { formatDate, formatDateTime } from '../../presenters/format.ts'
import { shownRow } from '../../presenters/shownRow.ts'
import { boroughOptionsOf, wardOptionsOf, withBlank } from '../../presenters/options.ts'
import { arrestOutcomeOptions, imposedByText } from '../dip/dipPresenter.ts'
import { descriptionRows } from '../people/descriptionPresenter.ts'
import { fullName } from '../people/peoplePresenter.ts'
import type { CidRow } from './cidRepository.ts'
import type { CidService } from './cidService.ts'

type Briefing = NonNullable<Awaited<ReturnType<CidService['briefing']>>>
type QueueRow = Awaited<ReturnType<CidService['queue']>>[number]
type ProposalFailure = NonNullable<Awaited<ReturnType<CidService['failureForProposal']>>>

/** What a CID officer may record after looking for the person: an arrest first, then its outcome. */
export const outcomeOptions = [
  { value: 'not_found', text: 'Not found: an attempt was made' },
  ...arrestOutcomeOptions,
  { value: 'withdrawn', text: 'Withdrawn: good cause shown' },
]

export const cidListTitle = 'Wanted for DIP failure — violent'

type Places = {
  boroughs: readonly { id: string; name: string }[]
  wards: readonly { id: string; name: string; borough_name: string }[]
}

/** The CID list's place filters, each with an "all" choice first; a ward is named with its borough. */
export function cidFilterOptions({ boroughs, wards }: Places) {
  return {
    areaOptions: withBlank('All boroughs', boroughOptionsOf(boroughs)),
    wardOptions: withBlank('All wards', wardOptionsOf(wards)),
  }
}

/** One page of the CID list, dated today. */
export function presentCidList(rows: CidRow[], today: string) {
  return { title: cidListTitle, rows: rows.map(presentCidRow), today: formatDate(today) }
}

/** The CID list's export: the protective marking travels in the file itself, on every row, whatever is cut or sorted later. */
export const cidCsvHeader = [
  'protective_marking',
  'pnc_id',
  'surname',
  'forenames',
  'date_of_birth',
  'address',
  'borough',
  'ward',
  'failure_section',
  'failure_date',
  'statement_date',
  'wanted_since',
  'time_bar_date',
  'markers',
  'lead_officer',
  'countersigned_by',
  'countersigned_at',
  'status',
]

export const cidCsvRow = (r: CidRow) => [
  'OFFICIAL-SENSITIVE',
  r.pnc_id,
  r.surname,
  r.forenames,
  r.date_of_birth,
  r.address,
  r.area_name,
  r.ward_name,
  r.section,
  r.failure_date,
  r.statement_produced_on,
  r.wanted_since,
  r.time_bar_date,
  r.markers,
  r.lead_officer,
  r.countersigned_by,
  r.decided_at ? r.decided_at.toISOString() : null,
  r.status,
]

/** A row of the CID list (and the head of its briefing sheet). Urgent: 30 days or fewer to the time bar. */
export function presentCidRow(r: CidRow) {
  return shownRow(r, {
    name: fullName(r),
    dateOfBirth: formatDate(r.date_of_birth),
    failure: `${r.section.toUpperCase()} ${formatDate(r.failure_date)}`,
    failureDate: formatDate(r.failure_date),
    wantedSince: formatDate(r.wanted_since),
    timeBar: formatDate(r.time_bar_date),
    markerList: r.markers ? r.markers.split(';') : [],
    urgent: r.days_left <= 30,
  })
}

/** The briefing sheet: who, why they are wanted, the requirement they failed, and the entry's history. */
export function presentBriefing(found: Briefing, printedAt: Date) {
  const details = found.details
  const imposedBy = details ? imposedByText(details) : ''
  return {
    title: `Briefing: ${fullName(found.row)}`,
    row: presentCidRow(found.row),
    details: details && {
      ...details,
      requirement: `${details.custody_suite_name}, custody number ${details.custody_number}; imposed ${formatDateTime(details.imposed_at)}${imposedBy ? ` by ${imposedBy}` : ''}`,
      missed: `${details.appointment_kind === 'initial' ? 'Initial' : 'Follow-up'} assessment, ${formatDateTime(details.scheduled_at)}, ${details.place}`,
      statement: `Produced and signed ${formatDate(found.row.statement_produced_on)}${details.statement_produced_by_name ? ` by ${details.statement_produced_by_name}` : ''}`,
      markers: (details.markers ?? []).map(
        (m) =>
          `${m.label}: since ${formatDate(m.start_date)}${m.review_date ? `, review ${formatDate(m.review_date)}` : ''}${m.review_overdue ? ' (review overdue)' : ''}`,
      ),
    },
    description: found.description && { ...found.description, rows: descriptionRows(found.description) },
    countersigned: found.row.decided_at
      ? `${found.row.countersigned_by ?? ''}, ${formatDateTime(found.row.decided_at)}`
      : '',
    events: found.events.map((e) => ({ ...e, date: formatDate(e.event_date) })),
    printedAt: formatDateTime(printedAt),
    outcomeOptions,
  }
}

/**
 * The supervisor's queue: proposals and suspended entries to decide, and entries to close. The
 * two-person rule is said on the page (the proposer or the officer who circulated the failure may
 * not countersign), not only on refusal; an entry past its time bar, or whose failure is no longer
 * wanted, is marked expired.
 */
export function presentQueue(rows: QueueRow[], userId: string, today: string) {
  const decidable = (r: QueueRow) =>
    shownRow(r, {
      name: fullName(r),
      failure: `${r.section.toUpperCase()} ${formatDate(r.failure_date)}`,
      timeBar: formatDate(r.time_bar_date),
      proposedAt: formatDateTime(r.proposed_at),
      expired: r.time_bar_date < today || r.failure_status !== 'wanted',
      notYours:
        r.proposed_by === userId
          ? 'You proposed this hand-off'
          : r.circulated_by === userId
            ? 'You circulated this failure as wanted'
            : '',
    })
  return {
    proposals: rows.filter((r) => r.status === 'proposed').map(decidable),
    suspended: rows.filter((r) => r.status === 'suspended').map(decidable),
    forClosure: rows
      .filter((r) => r.status === 'countersigned' || r.status === 'arrested')
      .map((r) => shownRow(r, { name: fullName(r), timeBar: formatDate(r.time_bar_date) })),
  }
}

/** The manual proposal form: the failure, and the current violent or weapons markers it may cite. */
export function presentProposal(failure: ProposalFailure) {
  return {
    failure: {
      ...failure,
      name: fullName(failure),
      failureDate: formatDate(failure.failure_date),
      timeBar: formatDate(failure.time_bar_date),
    },
    markerOptions: failure.violenceMarkers.map((m) => ({
      value: m.id,
      text: `${m.label}, since ${formatDate(m.start_date)}`,
      hint:
        [m.review_date ? `Review ${formatDate(m.review_date)}` : '', m.note ?? ''].filter(Boolean).join('. ') ||
        undefined,
    })),
  }
}
