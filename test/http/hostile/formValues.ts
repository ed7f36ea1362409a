import { todayInLondon } from '../../../server/domain/time.ts'
import type { FormField } from './htmlTags.ts'
import type { Payload } from './payloads.ts'

// A form's fields as a browser would send them, filled with plausible values so that one
// hostile field at a time gets as far into the app as it can, then written percent-encoded.

export type Identifiers = { pncId: string; croNumber: string; tag: string }

const [year, month, day] = todayInLondon().split('-') as [string, string, string]

/** A value the field would plausibly accept; today for dates, since it is neither past nor future. */
function plausible(field: FormField, ids: Identifiers): string {
  if (field.kind === 'hidden') return field.value
  if (field.kind === 'select' || field.kind === 'radio') return field.value || field.options.find((o) => o !== '') || ''
  if (field.kind === 'checkbox') return field.value || field.options[0] || ''
  if (field.value) return field.value
  const name = field.name.toLowerCase()
  if (name.endsWith('-day')) return String(Number(day))
  if (name.endsWith('-month')) return String(Number(month))
  if (name.endsWith('-year')) return year
  if (/pnc/.test(name)) return ids.pncId
  if (/cro/.test(name)) return ids.croNumber
  if (/password/.test(name)) return 'a long enough passphrase for tests 42'
  if (/username/.test(name)) return `hostile${ids.tag.toLowerCase()}`
  if (/email/.test(name)) return `hostile.${ids.tag.toLowerCase()}@example.org`
  if (/postcode/.test(name)) return 'RM1 3BB'
  if (/phone/.test(name)) return '01708 432000'
  if (/time/.test(name)) return '10:00'
  if (/(score|count|number|minutes|hours|amount)/.test(name)) return '10'
  if (/code/.test(name)) return `H${ids.tag.toUpperCase()}`
  return `Hostile input check ${ids.tag}`
}

export type Values = Map<string, string>

export function plausibleValues(fields: readonly FormField[], ids: Identifiers): Values {
  return new Map(fields.filter((f) => f.kind !== 'file').map((f) => [f.name, plausible(f, ids)]))
}

/** An urlencoded body: plain values encoded, hostile ones already percent-encoded as they travel. */
export function encodeBody(
  values: Values,
  hostile: ReadonlyMap<string, Payload | { encoded: string }> = new Map(),
): string {
  const names = new Set([...values.keys(), ...hostile.keys()])
  return [...names]
    .map(
      (name) =>
        `${encodeURIComponent(name)}=${hostile.get(name)?.encoded ?? encodeURIComponent(values.get(name) ?? '')}`,
    )
    .join('&')
}

/** The bytes a percent-encoded payload stands for (for multipart bodies, which are not encoded). */
export function bytesOf(encoded: string): Buffer {
  // Runs of plain text are copied whole: a 1 MB payload is one run, not a million.
  const parts = encoded.split(/((?:%[0-9A-Fa-f]{2})+)/)
  return Buffer.concat(
    parts.map((part, i) => (i % 2 ? Buffer.from(part.replace(/%/g, ''), 'hex') : Buffer.from(part, 'utf8'))),
  )
}
