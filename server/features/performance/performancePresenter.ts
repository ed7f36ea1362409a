import type { Programme } from '../../../db/types.ts'
import { addMonths, todayInLondon } from '../../domain/time.ts'
import { formatDate, formatDateTime, formatMonth } from '../../presenters/format.ts'
import { fullName } from '../people/peoplePresenter.ts'
import { programmeLabels } from '../people/vocabulary.ts'

/** A rate as a percentage, or "—" when there is nothing to divide by (never NaN or Infinity). */
export function rate(numerator: number, denominator: number): string {
  if (!denominator) return '—'
  return `${Math.round((numerator / denominator) * 1000) / 10}%`
}

/** A count per person-year to two places, or "—" when there is no time to divide by. */
export function perYear(count: number, years: number): string {
  if (!years || !Number.isFinite(years)) return '—'
  return (count / years).toFixed(2)
}

/**
 * The change from one rate to another in words ("9.4% higher"), or "—" from a base of nothing.
 * Words, not a sign: a CSV cell starting with + or - is a formula to a spreadsheet.
 */
export function change(before: number, after: number): string {
  if (!before || !Number.isFinite(before) || !Number.isFinite(after)) return '—'
  const percent = Math.round(((after - before) / before) * 1000) / 10
  if (percent === 0) return 'no change'
  return `${Math.abs(percent)}% ${percent > 0 ? 'higher' : 'lower'}`
}

export type Table = { id: string; caption: string; header: string[]; rows: (string | number)[][] }

export type BarChart = {
  id: string
  title: string
  description: string
  width: number
  height: number
  bars: { x: number; y: number; width: number; height: number; label: string; value: number }[]
  axisLabels: { x: number; text: string }[]
  /** The axes' names, drawn on the chart and heading the columns of its data table. */
  axes: { x: string; y: string }
  plot: { left: number; top: number; baseline: number }
  max: number
}

/**
 * A bar chart drawn on the server as SVG, with a visible title, named axes and a description for
 * screen readers; the same figures print in a table beside it (and in the tables that follow),
 * so the chart needs no script, passes the CSP and is read on paper without guessing bar heights.
 */
export function barChart(
  id: string,
  title: string,
  points: { label: string; value: number }[],
  axes: { x: string; y: string } = { x: 'Month', y: 'Number' },
): BarChart {
  const width = 640
  const height = 220
  const left = 60
  const bottom = 50
  const top = 10
  const max = Math.max(1, ...points.map((p) => p.value))
  const slot = (width - left) / Math.max(points.length, 1)
  const bars = points.map((p, i) => {
    const h = Math.round(((height - bottom - top) * p.value) / max)
    return {
      x: Math.round(left + i * slot + slot * 0.15),
      y: height - bottom - h,
      width: Math.max(2, Math.round(slot * 0.7)),
      height: h,
      label: p.label,
      value: p.value,
    }
  })
  const every = Math.ceil(points.length / 12)
  return {
    id,
    title,
    description: points.length
      ? `${points.map((p) => `${p.label}: ${p.value}`).join('; ')}.`
      : 'No data for this period.',
    width,
    height,
    bars,
    axisLabels: bars.filter((_, i) => i % every === 0).map((b) => ({ x: b.x + b.width / 2, text: b.label })),
    axes,
    plot: { left, top, baseline: height - bottom },
    max,
  }
}

type Option = { value: string; text: string }

export const monthName = (month: string) => formatMonth(month, 'long')

/** The months offered: `today`'s and the 24 before it, newest first (a link may name an older one, added last). */
export function monthChoices(today: string, chosen?: unknown): Option[] {
  const thisMonth = `${today.slice(0, 7)}-01`
  const months = Array.from({ length: 25 }, (_, i) => addMonths(thisMonth, -i).slice(0, 7))
  if (typeof chosen === 'string' && /^\d{4}-\d{2}$/.test(chosen) && !months.includes(chosen)) months.push(chosen)
  return months.map((month) => ({ value: month, text: monthName(month) }))
}

export const boroughOptions = (boroughs: readonly { id: string; name: string }[]): Option[] => [
  { value: '', text: 'All boroughs' },
  ...boroughs.map((b) => ({ value: b.id, text: b.name })),
]

/** The borough a pack or report is for, by name; without one, all of them. */
export const boroughName = (boroughs: readonly { id: string; name: string }[], areaId: string | undefined) =>
  boroughs.find((b) => b.id === areaId)?.name ?? 'All boroughs'

export const wardOptions = (wards: readonly { id: string; name: string; borough_name: string }[]): Option[] => [
  { value: '', text: 'All wards' },
  ...wards.map((w) => ({ value: w.id, text: `${w.name} (${w.borough_name})` })),
]

/** How old the report's figures are, when they may come from the cache; nothing when they never do. */
export function presentAsAt(computedAt: Date, cacheMinutes: number) {
  return cacheMinutes > 0 ? { time: formatDateTime(computedAt), minutes: cacheMinutes } : undefined
}

type Named = { person_id: string; surname: string; forenames: string; pnc_id: string | null }
type Failure = Named & { section: string; failure_date: string; time_bar_date: string }
type PackLists = {
  referrals: (Named & { programme: Programme; referred_at: Date })[]
  proposals: (Failure & { status: string })[]
  statements: Failure[]
  reviews: { id: string; surname: string; forenames: string; pnc_id: string | null; review_on: string }[]
}

/** The meeting pack's lists of what awaits a decision, as printed. */
export function presentPackLists(lists: PackLists) {
  const failure = (r: Failure) => ({
    personId: r.person_id,
    name: fullName(r),
    pnc: r.pnc_id,
    section: r.section,
    failureOn: formatDate(r.failure_date),
    timeBar: formatDate(r.time_bar_date),
  })
  return {
    referrals: lists.referrals.map((r) => ({
      personId: r.person_id,
      name: fullName(r),
      pnc: r.pnc_id,
      programme: programmeLabels[r.programme],
      referredOn: formatDate(todayInLondon(r.referred_at)),
    })),
    proposals: lists.proposals.map((r) => ({ ...failure(r), status: r.status })),
    statements: lists.statements.map(failure),
    reviews: lists.reviews.map((r) => ({
      personId: r.id,
      name: fullName(r),
      pnc: r.pnc_id,
      reviewOn: formatDate(r.review_on),
    })),
  }
}

/** The pack's heading: the month, the borough, when it was printed and by whom, and how old its figures are. */
export function presentPackHeading(month: string, borough: string, printed: { at: Date; by: string }, figuresAt: Date) {
  return {
    title: `Meeting pack: ${formatMonth(month)}`,
    month: monthName(month),
    borough,
    printedAt: formatDateTime(printed.at),
    figuresAsAt: formatDateTime(figuresAt),
    printedBy: printed.by,
  }
}
