// Domain time: the UK calendar day, and whole-day arithmetic on 'YYYY-MM-DD' days. Services,
// repositories, rules and presenters use it; nothing here knows about HTTP.

// Made once: building an Intl formatter costs far more than using one, and pages ask for today often.
const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** Today's calendar day in the UK, as 'YYYY-MM-DD'. */
export function todayInLondon(now = new Date()): string {
  return londonDay.format(now)
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

export function addMonths(day: string, months: number): string {
  const date = new Date(`${day}T00:00:00Z`)
  const targetMonth = date.getUTCMonth() + months
  date.setUTCDate(1)
  date.setUTCMonth(targetMonth)
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate()
  const original = Number(day.slice(8, 10))
  date.setUTCDate(Math.min(original, lastDay))
  return date.toISOString().slice(0, 10)
}
