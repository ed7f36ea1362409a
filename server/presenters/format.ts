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

/** A calendar day stored as 'YYYY-MM-DD', shown as "26 November 2026". */
export function formatDate(value: string | null | undefined): string {
  if (!value) return ''
  const parsed = new Date(`${value}T00:00:00Z`)
  return Number.isNaN(parsed.getTime()) ? value : dateOnly.format(parsed)
}

/** A month stored as 'YYYY-MM', shown as "Nov 26" (chart axes and tables) or, long, "November 2026"; anything else as it came. */
export function formatMonth(month: string, style: 'short' | 'long' = 'short'): string {
  const parsed = new Date(`${month}-01T00:00:00Z`)
  return Number.isNaN(parsed.getTime()) ? month : (style === 'short' ? monthShort : monthLong).format(parsed)
}
