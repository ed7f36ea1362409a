import { z } from 'zod'
import { todayInLondon } from '../domain/time.ts'

export type DateParts = { day: string; month: string; year: string }

/** GOV.UK date inputs arrive as name-day, name-month, name-year: gather them under name. */
export function gatherDates(body: unknown, names: readonly string[]): Record<string, unknown> {
  const source = (body && typeof body === 'object' ? { ...(body as Record<string, unknown>) } : {}) as Record<
    string,
    unknown
  >
  for (const name of names) {
    const part = (suffix: string) => {
      const value = source[`${name}-${suffix}`]
      return typeof value === 'string' ? value : value === undefined ? '' : value
    }
    source[name] = { day: part('day'), month: part('month'), year: part('year') }
  }
  return source
}

type DateRule = { required?: boolean; notFuture?: boolean; notPast?: boolean; minYear?: number }

/**
 * A date from three inputs, checked the GOV.UK way ("must include a month", "must be a real
 * date", "must be in the past"); gives 'YYYY-MM-DD', or null when optional and left blank.
 */
function dateSchema(label: string, rule: DateRule) {
  const capital = label.charAt(0).toUpperCase() + label.slice(1)
  const part = z.union([z.string(), z.undefined()]).transform((v) => (v ?? '').trim())
  return z
    .object({ day: part, month: part, year: part }, { error: `Enter ${label}` })
    .transform((parts, ctx): string | null => {
      const { day, month, year } = parts
      if (!day && !month && !year) {
        if (rule.required === false) return null
        ctx.addIssue({ code: 'custom', message: `Enter ${label}` })
        return z.NEVER
      }
      const missing = (['day', 'month', 'year'] as const).filter((p) => !parts[p])
      if (missing.length > 0) {
        ctx.addIssue({ code: 'custom', message: `${capital} must include a ${missing.join(' and ')}` })
        return z.NEVER
      }
      if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
        ctx.addIssue({ code: 'custom', message: `${capital} must be a real date` })
        return z.NEVER
      }
      const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
      const date = new Date(`${iso}T00:00:00Z`)
      if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) {
        ctx.addIssue({ code: 'custom', message: `${capital} must be a real date` })
        return z.NEVER
      }
      if (Number(year) < (rule.minYear ?? 1900)) {
        ctx.addIssue({ code: 'custom', message: `${capital} must be after ${rule.minYear ?? 1900}` })
        return z.NEVER
      }
      const today = todayInLondon()
      if (rule.notFuture && iso > today) {
        ctx.addIssue({ code: 'custom', message: `${capital} must be today or in the past` })
        return z.NEVER
      }
      if (rule.notPast && iso < today) {
        ctx.addIssue({ code: 'custom', message: `${capital} must be today or in the future` })
        return z.NEVER
      }
      return iso
    })
}

/** A required date: 'YYYY-MM-DD'. */
export function dateField(label: string, rule: Omit<DateRule, 'required'> = {}) {
  return dateSchema(label, { ...rule, required: true })
    .transform((value) => value as string)
    .meta(dateInputMeta)
}

/** A date that may be left blank: 'YYYY-MM-DD' or null. */
export function optionalDateField(label: string, rule: Omit<DateRule, 'required'> = {}) {
  return dateSchema(label, { ...rule, required: false }).meta(dateInputMeta)
}

/** Marks a schema field as a GOV.UK date input (three boxes), so a form post gathers its parts. */
const dateInputMeta = { formInput: 'date' } as const

export function isDateInput(schema: z.ZodType): boolean {
  return schema.meta()?.formInput === 'date'
}

/** Splits 'YYYY-MM-DD' back into the three inputs, to fill a form. */
export function dateParts(iso: string | null | undefined): DateParts {
  if (!iso) return { day: '', month: '', year: '' }
  return { day: String(Number(iso.slice(8, 10))), month: String(Number(iso.slice(5, 7))), year: iso.slice(0, 4) }
}

/** What the user typed in each date's three inputs, to put back in the form. */
export function keepDateValues(body: unknown, names: readonly string[]): Record<string, DateParts> {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const kept: Record<string, DateParts> = {}
  for (const name of names) {
    const part = (suffix: string) => {
      const value = source[`${name}-${suffix}`]
      return typeof value === 'string' ? value.slice(0, 10) : ''
    }
    kept[name] = { day: part('day'), month: part('month'), year: part('year') }
  }
  return kept
}
