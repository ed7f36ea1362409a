import { formatDateTime } from '../../presenters/format.ts'
import { labelledOptions, withBlank } from '../../presenters/options.ts'
import type { DescriptionFields } from './descriptionRepository.ts'
import { buildLabels, builds, eyeColourLabels, eyeColours } from './vocabulary.ts'

const notRecorded = 'Not recorded'

export const buildOptions = withBlank('Not recorded', labelledOptions(builds, buildLabels))
export const eyeColourOptions = [
  { value: '', text: 'Not recorded' },
  ...eyeColours.map((value) => ({ value, text: eyeColourLabels[value] })),
]

/** The description as the page shows it: each part, or "Not recorded". */
export function presentDescription(fields: DescriptionFields) {
  return {
    height: fields.heightCm === null ? notRecorded : `${fields.heightCm} cm`,
    build: fields.build ? buildLabels[fields.build] : notRecorded,
    hair: fields.hair ?? notRecorded,
    eyes: fields.eyes ? eyeColourLabels[fields.eyes] : notRecorded,
    distinguishingMarks: fields.distinguishingMarks ?? notRecorded,
    recorded: [fields.heightCm, fields.build, fields.hair, fields.eyes, fields.distinguishingMarks].some(
      (v) => v !== null,
    ),
  }
}

/** The label and value of each part, in the order the form asks for them. */
export function descriptionRows(fields: DescriptionFields): [string, string][] {
  const shown = presentDescription(fields)
  return [
    ['Height', shown.height],
    ['Build', shown.build],
    ['Hair', shown.hair],
    ['Eyes', shown.eyes],
    ['Scars, marks and tattoos', shown.distinguishingMarks],
  ]
}

/** The page a description saved over someone else's meanwhile answers: each part as it now is, beside what was typed. */
export function presentDescriptionConflict(personId: string, theirs: DescriptionFields, yours: DescriptionFields) {
  const typed = descriptionRows(yours)
  const rows: [string, string, string][] = descriptionRows(theirs).map(([label, now], i) => [label, now, typed[i]![1]])
  return { title: 'Someone else changed this record', personId, rows }
}

export function descriptionFormValues(fields: DescriptionFields, version: number) {
  return {
    heightCm: fields.heightCm === null ? '' : String(fields.heightCm),
    build: fields.build ?? '',
    hair: fields.hair ?? '',
    eyes: fields.eyes ?? '',
    distinguishingMarks: fields.distinguishingMarks ?? '',
    version: String(version),
  }
}

/** The photograph panel: an image sized for the page (its shape kept), and who took it in when. */
export function presentPhoto(
  photo: { width: number; height: number; uploaded_at: Date; uploaded_by_name: string | null } | undefined,
  shownWidth = 200,
) {
  if (!photo) return undefined
  return {
    width: shownWidth,
    height: Math.max(1, Math.round((shownWidth * photo.height) / photo.width)),
    uploaded: `${formatDateTime(photo.uploaded_at)}${photo.uploaded_by_name ? ` by ${photo.uploaded_by_name}` : ''}`,
  }
}
