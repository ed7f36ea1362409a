import type { AuditCategory } from '../../../db/types.ts'
import { formatDateTime } from '../../presenters/format.ts'
import type { AuditRow } from './auditViewsRepository.ts'

/** The audit log's categories (DPA 2018 s62's kinds of processing), in the order the filters list them. */
export const categories = [
  'collection',
  'alteration',
  'consultation',
  'disclosure',
  'combination',
  'erasure',
  'security',
  'administration',
] as const
export const categoryLabels: Record<AuditCategory, string> = {
  collection: 'Collection',
  alteration: 'Alteration',
  consultation: 'Consultation',
  disclosure: 'Disclosure',
  combination: 'Combination',
  erasure: 'Erasure',
  security: 'Security',
  administration: 'Administration',
}

/** The action filter's choices, all actions first. */
export const categoryOptions = [
  { value: '', text: 'All actions' },
  ...categories.map((c) => ({ value: c, text: categoryLabels[c] })),
]

/** One entry of the log as the pages list it; `names` gives the people it names, where the reader may see them. */
export function presentAuditRow(row: AuditRow, names?: ReadonlyMap<string, string>) {
  return {
    ...row,
    when: formatDateTime(row.occurred_at),
    categoryLabel: categoryLabels[row.category],
    what: row.event.replace(/[._]/g, ' '),
    who: row.actor_username ?? 'system',
    personName: row.person_id ? (names?.get(row.person_id) ?? '') : '',
  }
}

/**
 * One page of entries: the rows were read one past the page, so that one more means a next page,
 * which starts before the last entry shown.
 */
export function presentAuditPage(rows: AuditRow[], pageSize: number, names?: ReadonlyMap<string, string>) {
  const shown = rows.slice(0, pageSize).map((row) => presentAuditRow(row, names))
  return { rows: shown, nextBefore: rows.length > pageSize ? shown[shown.length - 1]?.id : undefined }
}

export const presentByDay = <D extends { category: AuditCategory }>(days: D[]) =>
  days.map((d) => ({ ...d, categoryLabel: categoryLabels[d.category] }))

export const auditCsvHeader = [
  'id',
  'occurred_at',
  'category',
  'event',
  'actor',
  'person_id',
  'entity_type',
  'entity_id',
  'purpose',
  'recipients',
  'request_id',
  'client_request_id',
]

export const auditCsvRow = (r: AuditRow) => [
  String(r.id),
  r.occurred_at.toISOString(),
  r.category,
  r.event,
  r.actor_username,
  r.person_id,
  r.entity_type,
  r.entity_id,
  r.purpose,
  r.recipients,
  r.request_id,
  r.client_request_id,
]
