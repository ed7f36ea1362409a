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
  max: number
}

/**
 * A bar chart drawn on the server as SVG, with a title and a description for screen readers;
 * the table that follows it carries the same figures, so the chart needs no script and passes the CSP.
 */
export function barChart(id: string, title: string, points: { label: string; value: number }[]): BarChart {
  const width = 640
  const height = 200
  const left = 40
  const bottom = 30
  const max = Math.max(1, ...points.map((p) => p.value))
  const slot = (width - left) / Math.max(points.length, 1)
  const bars = points.map((p, i) => {
    const h = Math.round(((height - bottom - 10) * p.value) / max)
    return { x: Math.round(left + i * slot + slot * 0.15), y: height - bottom - h, width: Math.max(2, Math.round(slot * 0.7)), height: h, label: p.label, value: p.value }
  })
  const every = Math.ceil(points.length / 12)
  return {
    id,
    title,
    description: points.length ? `${points.map((p) => `${p.label}: ${p.value}`).join('; ')}.` : 'No data for this period.',
    width,
    height,
    bars,
    axisLabels: bars.filter((_, i) => i % every === 0).map((b) => ({ x: b.x + b.width / 2, text: b.label })),
    max,
  }
}

