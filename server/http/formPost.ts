import type { Request, RequestHandler, Response } from 'express'
import { z } from 'zod'
import type { WriteResult } from '../domain/writeResult.ts'
import { gatherDates, isDateInput, keepDateValues } from './dates.ts'
import { keepValues, toFormErrors, type FormErrors } from './forms.ts'
import { finishWrite } from './writeResult.ts'

/** What the user typed, kept to put back in the form: strings, lists, and date inputs' three parts. */
export type FormValues = Record<string, unknown>

/** Renders a form: blank (no errors) or again with the user's values and what is wrong (status 400). */
export type FormPage = (req: Request, res: Response, values: FormValues, errors?: FormErrors) => Promise<unknown>

/** A form schema: an object of fields, possibly refined or transformed as a whole. */
export type FormSchema = z.ZodType<unknown, Record<string, unknown>>

/** A form's page as a GET shows it: blank, before anything is typed. */
export const blankForm =
  (page: FormPage): RequestHandler =>
  (req, res) =>
    page(req, res, {})

type Outcome = { message: string; redirect: string }

export type FormPostOptions<S extends FormSchema, T, Current = never> = {
  schema: S
  /** The form's page, to show it again when the post is refused. */
  page: FormPage
  /** The one service call the post makes. */
  act: (req: Request, data: z.output<S>) => Promise<WriteResult<T, Current>>
  /** Where a successful post goes, and the message it shows there. */
  done: (req: Request, id: T, data: z.output<S>) => Outcome
  /** The record's name in "Record not found" and "Someone else changed this record". */
  what?: string
  /**
   * The page for a write refused because someone else changed the record meanwhile, when the
   * service says how it now stands (a side-by-side comparison); without it, the plain 409 page.
   */
  conflict?: (req: Request, res: Response, current: Current, data: z.output<S>) => Promise<unknown>
}

/**
 * The one way a form post is handled: keep what was typed, parse it with the form's schema
 * (field order, and which fields are date inputs, come from the schema), call the service once,
 * then redirect with a message, or answer 404 / 409, or show the form again with the errors.
 */
export function formPost<S extends FormSchema, T, Current = never>(
  form: FormPostOptions<S, T, Current>,
): RequestHandler {
  const read = formReader(form.schema)
  return async (req, res) => {
    const { values, data, errors } = read(req.body)
    if (errors) {
      await form.page(req, res, values, errors)
      return
    }
    const result = await form.act(req, data)
    if (form.conflict && !result.ok && result.kind === 'stale' && result.current !== undefined) {
      await form.conflict(req, res, result.current, data)
      return
    }
    const outcome = result.ok ? form.done(req, result.id, data) : { message: '', redirect: '' }
    await finishWrite(req, res, result, outcome, (refused) => form.page(req, res, values, refused), form.what)
  }
}

type Read<T> =
  { values: FormValues; data: T; errors?: undefined } | { values: FormValues; data?: undefined; errors: FormErrors }

/**
 * The first half of formPost: what was typed, kept to show again, and the schema's parse of it,
 * its errors in the schema's field order. Used alone by the few forms whose refusals show more
 * than a field's error (likely duplicates, a page comparing an edit with someone else's).
 */
export function formReader<S extends z.ZodType>(schema: S): (body: unknown) => Read<z.output<S>> {
  const { names, dates } = fieldsOf(schema)
  return (body) => {
    const values: FormValues = { ...keepValues(body, names), ...keepDateValues(body, dates) }
    const parsed = schema.safeParse(dates.length > 0 ? gatherDates(body, dates) : body)
    return parsed.success ? { values, data: parsed.data } : { values, errors: toFormErrors(parsed.error, names) }
  }
}

/** The form's field names in the order the schema declares them, and which of them are date inputs. */
export function fieldsOf(schema: z.ZodType): { names: string[]; dates: string[] } {
  const shape = objectShape(schema)
  const names = Object.keys(shape)
  return { names, dates: names.filter((name) => isDateInput(shape[name] as z.ZodType)) }
}

function objectShape(schema: z.ZodType): Record<string, unknown> {
  if (schema instanceof z.ZodObject) return schema.shape
  if (schema instanceof z.ZodPipe) return objectShape(schema.in as z.ZodType)
  throw new Error('A form schema must be an object of fields')
}
