const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})

const dateOnly = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' })
const monthShort = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short', year: '2-digit' })
const monthLong = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' })

/** "26 Nov 2026, 14:05" in UK time. */
export function formatDateTime(value: Date | null | undefined): string {
  return value ? dateTime.format(value) : ''
}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const isoDay = /^(\d{4})-(\d{2})-(\d{2})$/
const monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const daysInMonth = (year: number, month: number) =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : monthLengths[month - 1]!

/**
 * A calendar day stored as 'YYYY-MM-DD', shown as "26 November 2026". Lists format hundreds of
 * days a page (the CID list five a row): parsing each into a Date and formatting it with Intl
 * took 2 µs, half a millisecond on every page of the CID list. A well-formed day from year 1000
 * is spelt out from its digits; anything else goes the long way, with the same answer as before.
 */
export function formatDate(value: string | null | undefined): string {
  if (!value) return ''
  const parts = isoDay.exec(value)
  if (parts) {
    const year = Number(parts[1])
    const month = Number(parts[2])
    const day = Number(parts[3])
    if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) {
      return `${day} ${monthNames[month - 1]} ${year}`
    }
  }
  const parsed = new Date(`${value}T00:00:00Z`)
  return Number.isNaN(parsed.getTime()) ? value : dateOnly.format(parsed)
}

/** A month stored as 'YYYY-MM', shown as "Nov 26" (chart axes and tables) or, long, "November 2026"; anything else as it came. */
export function formatMonth(month: string, style: 'short' | 'long' = 'short'): string {
  const parsed = new Date(`${month}-01T00:00:00Z`)
  return Number.isNaN(parsed.getTime()) ? month : (style === 'short' ? monthShort : monthLong).format(parsed)
}

/** Any stored value as text: blank for none, JSON for a structure, as written for the rest. */
export function textOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
    case 'boolean':
    case 'bigint':
      return value.toString()
    case 'object':
      return value === null ? '' : JSON.stringify(value)
    default:
      return ''
  }
}
