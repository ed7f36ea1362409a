import { formatDate, formatDateTime, textOf } from '../../presenters/format.ts'
import { shownRow } from '../../presenters/shownRow.ts'
import { disposableFrom, minimumRetentionYears } from './retentionRules.ts'
import { fullName } from '../people/peoplePresenter.ts'
import type { reviewQueue } from './retentionRepository.ts'

type Named = { surname: string; forenames: string }
type Person = Named & { id: string; date_of_birth: string }
type QueueRow = Awaited<ReturnType<typeof reviewQueue>>[number]
type Decision = {
  decision: string
  reason: string
  next_review_on: string | null
  decided_at: Date
  decided_by_name: string | null
}

/** A record on the review queue (in place: the row was made for this page, see presenters/shownRow.ts). */
export function presentQueueRow(row: QueueRow) {
  return shownRow(row, {
    name: fullName(row),
    reviewOn: formatDate(row.review_on),
    dateOfBirth: formatDate(row.date_of_birth),
  })
}

/** The review page: who, when the review is due, and the decisions made before. */
export function presentReview(found: {
  person: Person
  reviewOn: string | null
  lastOn: string | null
  decisions: Decision[]
}) {
  return {
    person: { id: found.person.id, name: fullName(found.person), dateOfBirth: formatDate(found.person.date_of_birth) },
    reviewOn: formatDate(found.reviewOn),
    /** The first day the record may be disposed of: the minimum retention after its last activity. */
    disposableFrom: found.lastOn ? formatDate(disposableFrom(found.lastOn)) : '',
    minimumRetentionYears,
    decisions: found.decisions.map((d) => ({
      ...d,
      when: formatDateTime(d.decided_at),
      next: formatDate(d.next_review_on),
    })),
  }
}

export const retainedMessage = (nextReviewOn: string) =>
  `Record retained until the next review on ${formatDate(nextReviewOn)}`
export const disposedMessage = 'The record has been erased. The audit log keeps the fact of the erasure.'

/** A stored value as the pack prints it: instants in ISO form, nothing for null, structures as JSON. */
export function packValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  if (value === null) return ''
  return textOf(value)
}

const spaced = (name: string) => name.replace(/_/g, ' ')

/** The printable subject access pack: each table's rows as label and value pairs, the person first. */
export function presentSubjectAccess<P extends Person>(
  person: P,
  sections: Record<string, unknown[]>,
  generatedAt: Date,
) {
  return {
    name: fullName(person),
    personId: person.id,
    generated: formatDateTime(generatedAt),
    sections: [['person', [person]] as const, ...Object.entries(sections)].map(([name, rows]) => ({
      name: spaced(String(name)),
      rows: (rows as Record<string, unknown>[]).map((row) =>
        Object.entries(row).map(([key, value]) => [spaced(key), packValue(value)]),
      ),
    })),
  }
}

/** The same pack as a JSON download. */
export function subjectAccessDocument<P extends Person>(
  person: P,
  sections: Record<string, unknown[]>,
  generatedAt: Date,
) {
  return { marking: 'OFFICIAL-SENSITIVE', generatedAt: generatedAt.toISOString(), person, ...sections }
}
