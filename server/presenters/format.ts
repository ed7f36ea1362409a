const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})

const dateOnly = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' })

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
