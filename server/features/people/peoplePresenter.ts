import type { MembershipEventKind, Programme, Tier } from '../../../db/types.ts'
import type { PersonVia } from '../../domain/personVia.ts'
import { boroughOptionsOf, labelledOptions, wardOptionsOf, withBlank } from '../../presenters/options.ts'
import { formatDate, formatDateTime } from '../../presenters/format.ts'
import { dateParts } from '../../http/dates.ts'
import {
  genderLabels,
  genders,
  membershipEventLabels,
  pathwayLabels,
  pathways,
  programmeLabels,
  restrictedPurposeLabels,
  restrictedPurposes,
  tierLabels,
  type Pathway,
} from './vocabulary.ts'
import type { PersonFields, PersonRecord, PersonSummary } from './peopleRepository.ts'

type Option = { value: string; text: string }

export const genderOptions = genders.map((value) => ({ value, text: genderLabels[value] }))
export const pathwayOptions = withBlank('Select a pathway', labelledOptions(pathways, pathwayLabels))

/** The purpose question's options, in the order the form shows them. */
export const restrictedPurposeOptions: Option[] = restrictedPurposes.map((value) => ({
  value,
  text: restrictedPurposeLabels[value],
}))

/**
 * The question a restricted record asks before it opens, naming the record asked for (a person,
 * a test …), never the person behind it. `returnTo` is the page to go back to once answered.
 */
export function purposeQuestion(record: {
  via: PersonVia
  recordId: string
  returnTo?: string
  refusedPost?: boolean
}) {
  return { title: 'This record is restricted', ...record, values: {}, purposeOptions: restrictedPurposeOptions }
}

/** The add and edit forms' lists: gender, the user's boroughs, and their current wards. */
export function personFormOptions(options: {
  boroughs: readonly { id: string; name: string }[]
  wards: readonly { id: string; name: string; borough_name: string }[]
}) {
  return {
    genderOptions,
    boroughOptions: withBlank('Select a borough', boroughOptionsOf(options.boroughs)),
    wardOptions: withBlank('Not known', wardOptionsOf(options.wards)),
  }
}

export const markerOptionsOf = (markerTypes: readonly { code: string; label: string }[]): Option[] =>
  markerTypes.map((m) => ({ value: m.code, text: m.label }))

/** The likely matches a new person is held back by; one with the same PNC ID cannot be confirmed past. */
export function presentDuplicates(matches: readonly PersonSummary[], pncId: string | null) {
  return {
    duplicates: matches.map(presentSummary),
    samePnc: matches.some((m) => m.pnc_id !== null && m.pnc_id === pncId),
  }
}

/** The page an edit made over someone else's meanwhile answers: the record as it now is beside what was typed. */
export function presentPersonConflict(personId: string, current: PersonRecord, yours: PersonFields, today: string) {
  return {
    title: 'Someone else changed this record',
    personId,
    current: presentPerson(current, today),
    yours: { ...yours, dateOfBirth: formatDate(yours.dateOfBirth) },
  }
}

export function pathwayLabel(code: string): string {
  return pathwayLabels[code as Pathway] ?? code
}

export function fullName(person: { surname: string; forenames: string }): string {
  return `${person.surname.toUpperCase()}, ${person.forenames}`
}

/** Age in whole years on a day (both 'YYYY-MM-DD'). */
export function ageOn(dateOfBirth: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(dateOfBirth.slice(0, 4))
  return day.slice(5) < dateOfBirth.slice(5) ? years - 1 : years
}

export function presentSummary(row: PersonSummary) {
  return {
    id: row.id,
    name: fullName(row),
    dateOfBirth: formatDate(row.date_of_birth),
    pncId: row.pnc_id ?? '',
    croNumber: row.cro_number ?? '',
    area: row.area_name,
    ward: row.ward_name ?? '',
    restricted: row.restricted,
    matchedAlias: row.matched_alias,
  }
}

export function personFormValues(person: PersonRecord) {
  return {
    surname: person.surname,
    forenames: person.forenames,
    dateOfBirth: dateParts(person.date_of_birth),
    gender: person.gender,
    pncId: person.pnc_id ?? '',
    croNumber: person.cro_number ?? '',
    address: person.address ?? '',
    wardId: person.ward_id ?? '',
    areaId: person.area_id,
    version: String(person.version),
  }
}

export function presentPerson(person: PersonRecord, today: string) {
  return {
    id: person.id,
    name: fullName(person),
    dateOfBirth: formatDate(person.date_of_birth),
    age: ageOn(person.date_of_birth, today),
    gender: genderLabels[person.gender],
    pncId: person.pnc_id ?? 'Not known',
    croNumber: person.cro_number ?? 'Not known',
    address: person.address ?? 'Not known',
    ward: person.ward_name ? `${person.ward_name}${person.ward_valid_to ? ' (pre-2022 ward)' : ''}` : 'Not known',
    area: person.area_name,
    restricted: person.restricted,
    version: person.version,
  }
}

export function presentMembership(m: {
  id: string
  programme: Programme
  status: string
  tier: Tier | null
  lead_officer_name: string | null
  adopted_on: string
  ended_on: string | null
  selection_score: string | null
  selection_method: string | null
  version: number
}) {
  return {
    id: m.id,
    programme: programmeLabels[m.programme],
    status: m.status === 'active' ? 'Active' : m.status === 'in_custody' ? 'In custody (paused)' : 'Ended',
    open: m.status !== 'ended',
    tier: m.tier ? tierLabels[m.tier] : '',
    tierColour: m.tier === 'red' ? 'red' : m.tier === 'amber' ? 'orange' : m.tier === 'green' ? 'green' : 'grey',
    leadOfficer: m.lead_officer_name ?? '',
    adoptedOn: formatDate(m.adopted_on),
    endedOn: formatDate(m.ended_on),
    score: m.selection_score ? `${Number(m.selection_score)} (${m.selection_method ?? ''})` : '',
    version: m.version,
  }
}

export function presentEvent(e: {
  kind: MembershipEventKind
  programme: Programme
  event_date: string
  tier: Tier | null
  note: string | null
  deselection_reason_label: string | null
  lead_officer_name: string | null
  recorded_by_name: string | null
  recorded_at: Date
}) {
  const details = [
    e.tier ? `Tier ${tierLabels[e.tier]}` : '',
    e.lead_officer_name ? `Lead officer ${e.lead_officer_name}` : '',
    e.deselection_reason_label ? `Reason: ${e.deselection_reason_label}` : '',
    e.note ?? '',
  ].filter(Boolean)
  return {
    date: formatDate(e.event_date),
    what: `${programmeLabels[e.programme]}: ${membershipEventLabels[e.kind]}`,
    details: details.join('. '),
    recorded: `${e.recorded_by_name ?? 'System'}, ${formatDateTime(e.recorded_at)}`,
  }
}

export function dueStatus(dueDate: string, today: string) {
  if (dueDate < today) return { text: 'Overdue', colour: 'red' }
  if (dueDate === today) return { text: 'Due today', colour: 'orange' }
  return { text: 'Due', colour: 'blue' }
}
