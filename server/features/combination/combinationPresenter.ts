import type { PersonRecord } from '../people/peopleRepository.ts'
import { fullName, presentPerson } from '../people/peoplePresenter.ts'
import { formatDate, formatDateTime } from '../../presenters/format.ts'
import { blockerText, type Blocker } from './combinationRules.ts'
import type { CombinationRow } from './combinationRepository.ts'

const kinds: [string, string][] = [
  ['person_alias', 'Aliases'],
  ['person_marker', 'Warning markers'],
  ['referral', 'Referrals'],
  ['cohort_membership', 'Programme memberships'],
  ['contact', 'Contacts'],
  ['action', 'Actions'],
  ['drug_test', 'Drug tests'],
  ['required_assessment', 'Required assessments'],
  ['appointment', 'Appointments'],
  ['dip_failure', 'DIP failures'],
  ['partner_link', 'Partner case links'],
  ['cid_entry', 'CID list entries'],
  ['person_photo', 'Custody photograph'],
]

/** The two records side by side, and the record as it will be after combining. */
export function presentPair(survivor: PersonRecord, merged: PersonRecord, today: string) {
  const keep = presentPerson(survivor, today)
  const other = presentPerson(merged, today)
  const after = (field: 'pnc_id' | 'cro_number', shown: 'pncId' | 'croNumber') =>
    survivor[field] ? keep[shown] : other[shown]
  const rows = [
    [
      'Name',
      keep.name,
      other.name,
      `${keep.name}${survivor.surname.toLowerCase() === merged.surname.toLowerCase() && survivor.forenames.toLowerCase() === merged.forenames.toLowerCase() ? '' : ` (alias ${other.name})`}`,
    ],
    ['Date of birth', keep.dateOfBirth, other.dateOfBirth, keep.dateOfBirth],
    ['Gender', keep.gender, other.gender, keep.gender],
    ['PNC ID', keep.pncId, other.pncId, after('pnc_id', 'pncId')],
    ['CRO number', keep.croNumber, other.croNumber, after('cro_number', 'croNumber')],
    ['Address', keep.address, other.address, keep.address],
    ['Borough', keep.area, other.area, keep.area],
    [
      'Restricted',
      keep.restricted ? 'Yes' : 'No',
      other.restricted ? 'Yes' : 'No',
      keep.restricted || other.restricted ? 'Yes' : 'No',
    ],
  ].map(([label, a, b, c]) => ({ label, keep: a, other: b, after: c, differs: a !== b }))
  return { keep, other, rows }
}

export function presentCounts(survivor: Record<string, number>, merged: Record<string, number>) {
  return kinds.map(([table, label]) => ({
    label,
    keep: Number(survivor[table] ?? 0),
    other: Number(merged[table] ?? 0),
  }))
}

/** Things worth a second look before combining: they do not stop it. */
export function warningsFor(
  survivor: PersonRecord,
  merged: PersonRecord,
  sharedCases: { agency: string; reference: string }[],
): string[] {
  const warnings: string[] = []
  if (survivor.date_of_birth !== merged.date_of_birth)
    warnings.push('The dates of birth differ. The kept record’s date of birth stays.')
  if (survivor.pnc_id && merged.pnc_id && survivor.pnc_id !== merged.pnc_id)
    warnings.push('The records have different PNC IDs. Check with the PNC bureau that they are the same person.')
  if (survivor.cro_number && merged.cro_number && survivor.cro_number !== merged.cro_number)
    warnings.push('The records have different CRO numbers.')
  if (survivor.area_id !== merged.area_id)
    warnings.push(`The records are in different boroughs. The combined record stays in ${survivor.area_name}.`)
  for (const c of sharedCases)
    warnings.push(
      `Both records are linked to ${c.agency.toUpperCase()} case ${c.reference}. Both links move; close the one that is not needed.`,
    )
  return warnings
}

export const presentBlockers = (blocking: Blocker[]): string[] => blocking.map(blockerText)

export function presentCombination(c: CombinationRow, personId: string) {
  const kept = c.survivor_id === personId
  return {
    id: c.id,
    version: c.version,
    kept,
    otherId: kept ? c.merged_id : c.survivor_id,
    survivorName: fullName({ surname: c.survivor_surname, forenames: c.survivor_forenames }),
    mergedName: fullName({ surname: c.merged_surname, forenames: c.merged_forenames }),
    mergedDateOfBirth: formatDate(c.merged_date_of_birth),
    reason: c.reason,
    combined: `${formatDateTime(c.combined_at)} by ${c.combined_by_name ?? 'unknown'}`,
    reversed: c.reversed_at
      ? `${formatDateTime(c.reversed_at)} by ${c.reversed_by_name ?? 'unknown'}: ${c.reversal_reason ?? ''}`
      : '',
    reversibleUntil: formatDateTime(c.reversible_until),
    reversible: kept && c.reversible,
    status: c.reversed_at ? 'Reversed' : c.reversible ? 'Can be reversed' : 'Final',
  }
}

/** A record's combinations, and the reversible one the form is for: the one asked for, else the newest. */
export function presentHistory(rows: CombinationRow[], personId: string, asked: unknown) {
  const combinations = rows.map((c) => presentCombination(c, personId))
  const reversing = combinations.find((c) => c.reversible && c.id === asked) ?? combinations.find((c) => c.reversible)
  return { combinations, reversing }
}

/** The check page's hidden fields: which record is the duplicate, and the versions both were read at. */
export const checkPageKeys = (survivor: { version: number }, merged: { id: string; version: number }) => ({
  mergedId: merged.id,
  survivorVersion: survivor.version,
  mergedVersion: merged.version,
})
