import { z } from 'zod'
import { isDateInput } from './dates.ts'

// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/

/** Free text from a form: trimmed, bounded, and free of NUL and other control characters. */
export function text(label: string, max: number, options: { required?: boolean } = {}) {
  // A field left out of the form is the same as a field left blank.
  const base = z
    .preprocess((value) => (value === undefined ? '' : value), z.string({ error: `Enter ${label}` }))
    .transform((value) => value.trim())
    .refine(
      (value) => !controlCharacters.test(value),
      `${capitalise(withoutArticle(label))} must not contain control characters`,
    )
    .refine((value) => value.length <= max, `${capitalise(withoutArticle(label))} must be ${max} characters or fewer`)
  if (options.required === false) return base
  return base.refine((value) => value.length > 0, `Enter ${label}`)
}

export function choice<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.enum(values, { error: message })
}

/** Checkboxes arrive as nothing, one string, or many strings. */
export function checkboxes<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value): unknown[] => (value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value]),
    z.array(item),
  )
}

/**
 * A filter's field: blank or absent means "any" (undefined), anything else must pass `field`.
 * `error` replaces the union's own "Invalid input", which the error summary would otherwise show.
 */
export function anyOr<T extends z.ZodType>(field: T, error?: string) {
  return blankOr(field, error).transform((v) => v || undefined)
}

/** An optional form field: blank or absent is kept as null, anything else must pass `field`. */
export function noneOr<T extends z.ZodType>(field: T, error?: string) {
  return blankOr(field, error).transform((v) => v || null)
}

function blankOr<T extends z.ZodType>(field: T, error?: string) {
  return z.union([z.literal(''), field], error === undefined ? undefined : { error }).optional()
}

export const version = z.coerce
  .number({ error: 'The form is missing its version' })
  .int()
  .positive()
  .max(2_147_483_647, 'The form is missing its version')

// Any 8-4-4-4-12 hex id, as PostgreSQL's uuid type takes: rows loaded from elsewhere (the volume
// generator's md5-derived ids, a migrated system's) need not carry an RFC 4122 version.
export const uuid = z.guid({ error: 'Not a valid reference' })

export type FieldErrors = Record<string, string>
export type ErrorSummaryItem = { text: string; href: string }
export type FormErrors = { summary: ErrorSummaryItem[]; fields: FieldErrors }

/** The first message for each field, in the order the fields were declared, for the GOV.UK error summary. */
export function toFormErrors(error: z.ZodError, fieldOrder: readonly string[] = []): FormErrors {
  const fields: FieldErrors = {}
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form')
    fields[field] ??= issue.message
  }
  const ordered = [
    ...fieldOrder.filter((f) => f in fields),
    ...Object.keys(fields).filter((f) => !fieldOrder.includes(f)),
  ]
  return { summary: ordered.map((field) => ({ text: fields[field] ?? '', href: `#${field}` })), fields }
}

export function singleError(field: string, message: string): FormErrors {
  return { summary: [{ text: message, href: `#${field}` }], fields: { [field]: message } }
}

/** What the user typed, as strings, to put back in the form: never the raw body object itself. */
export function keepValues(body: unknown, fields: readonly string[]): Record<string, string | string[]> {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const kept: Record<string, string | string[]> = {}
  for (const field of fields) {
    const value = source[field]
    if (typeof value === 'string') kept[field] = value.slice(0, 10_000)
    else if (Array.isArray(value)) kept[field] = value.filter((v): v is string => typeof v === 'string')
  }
  return kept
}

/** "Enter a surname" but "Surname must be …" (GOV.UK error message style). */
function withoutArticle(label: string): string {
  return label.replace(/^(a|an|the|your) /, '')
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1)
}

/**
 * What each choice of a form reveals (GOV.UK conditional reveals): for each choice field, each
 * of its values and the fields shown under it. A field named under no choice always applies.
 */
export type Reveals<Shape extends Record<string, z.ZodType>> = {
  readonly [C in keyof Shape]?: {
    readonly [V in Extract<z.input<Shape[C]>, string>]?: readonly (keyof Shape & string)[]
  }
}

/**
 * A form whose radios reveal follow-up fields. Before the form is checked, every revealed field
 * whose choice was not made is blanked, so that what was typed and then hidden (or, without
 * JavaScript, filled in under another choice) is neither validated nor stored. Choices are read
 * in the order given: list an outer choice first, and what it hides hides what lies inside it.
 * Refine the result as the plain object would be refined.
 */
export function revealedBy<Shape extends Record<string, z.ZodType>>(form: z.ZodObject<Shape>, reveals: Reveals<Shape>) {
  const shape: Record<string, z.ZodType> = form.shape
  // The first stage takes the same fields, in the same order, with any value: formPost's
  // fieldsOf reads the form's field order and its date inputs (by their meta) from it.
  const posted = z.object(
    Object.fromEntries(
      Object.entries(shape).map(([name, field]) => {
        const meta = field.meta()
        return [name, meta ? z.unknown().optional().meta(meta) : z.unknown().optional()]
      }),
    ),
  )
  const choices = Object.entries(reveals as Record<string, Record<string, readonly string[]>>)
  return posted
    .transform((values) => {
      const shown: Record<string, unknown> = { ...values }
      for (const [choice, byValue] of choices) {
        const chosen = shown[choice]
        // Own properties only: a value such as "constructor" must reveal nothing.
        const revealed = typeof chosen === 'string' && Object.hasOwn(byValue, chosen) ? byValue[chosen]! : []
        for (const name of Object.values(byValue).flat())
          if (!revealed.includes(name)) shown[name] = isDateInput(shape[name]!) ? blankDate : undefined
      }
      return shown
    })
    .pipe(form)
}

const blankDate = { day: '', month: '', year: '' }
