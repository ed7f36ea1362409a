import type { z } from 'zod'
import { gatherDates, keepDateValues } from '../../http/dates.ts'
import { fieldsOf, type FormValues } from '../../http/formPost.ts'
import { keepValues, toFormErrors, type FormErrors } from '../../http/forms.ts'

type Read<T> = { values: FormValues; data: T; errors?: undefined } | { values: FormValues; data?: undefined; errors: FormErrors }

/**
 * The first half of http/formPost.ts, for the person forms whose refusals show more than a field's
 * error (likely duplicates, a page comparing an edit with someone else's): what was typed, kept to
 * show again, and the schema's parse of it, its errors in the schema's field order.
 */
export function formReader<S extends z.ZodType>(schema: S): (body: unknown) => Read<z.output<S>> {
  const { names, dates } = fieldsOf(schema)
  return (body) => {
    const values: FormValues = { ...keepValues(body, names), ...keepDateValues(body, dates) }
    const parsed = schema.safeParse(dates.length > 0 ? gatherDates(body, dates) : body)
    return parsed.success ? { values, data: parsed.data } : { values, errors: toFormErrors(parsed.error, names) }
  }
}
