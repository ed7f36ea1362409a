import { importColumns } from '../../../server/features/dip/import/drugTestCsv.ts'
import type { Agent } from '../../helpers/signIn.ts'
import type { RoutePattern } from './crawl.ts'
import { bytesOf, type Values } from './formValues.ts'
import type { FormField, PageForm } from './htmlTags.ts'
import { payloads, type Payload } from './payloads.ts'

// Building the hostile requests: bodies as a browser sends them, and URLs with one part swapped.

export type Session = { agent: Agent; csrf: string }

export const sendable = (f: FormField) => f.name !== '_csrf'
const isDatePart = (f: FormField) => /-(day|month|year)$/.test(f.name)
export const takesText = (f: FormField) =>
  (f.kind === 'text' || f.kind === 'textarea' || f.kind === 'password') && !isDatePart(f)

/** A GOV.UK URL limit: a query longer than Node's 16 KB header limit never reaches the app. */
export const queryPayloads: readonly Payload[] = payloads.map((p) =>
  p.cls === 'size' ? { ...p, encoded: p.encoded.slice(0, 6_000).replace(/%[0-9A-F]?$/, '') } : p,
)

export function post(session: Session, url: string, body: string) {
  return session.agent.post(url).set('Content-Type', 'application/x-www-form-urlencoded').send(body)
}

export function multipart(
  session: Session,
  url: string,
  form: PageForm,
  values: Values,
  hostile: ReadonlyMap<string, { encoded: string }>,
) {
  let request = session.agent.post(url).field('_csrf', session.csrf)
  for (const field of form.fields.filter(sendable)) {
    const payload = hostile.get(field.name)
    if (field.kind === 'file') {
      const cell = payload ? bytesOf(payload.encoded) : Buffer.from('x')
      const row = Buffer.concat(importColumns.flatMap((_c, i) => (i ? [Buffer.from(','), cell] : [cell])))
      const file = Buffer.concat([Buffer.from(`${importColumns.join(',')}\r\n`), row, Buffer.from('\r\n')])
      request = request.attach(field.name, file, {
        filename: payload ? `"><img src=x onerror=alert(1)>.csv` : 'tests.csv',
        contentType: 'text/csv',
      })
    } else {
      request = request.field(field.name, payload ? bytesOf(payload.encoded) : (values.get(field.name) ?? ''))
    }
  }
  return request
}

/** The URL with one path parameter's segment replaced by `segment`. */
export function withSegment(pattern: RoutePattern, url: string, param: string, segment: string): string {
  const [path, query] = url.split('?')
  const template = pattern.route.path.split('/')
  const parts = path!.split('/')
  const at = template.findIndex((s) => s.includes(`:${param}`))
  parts[at] = template[at]!.replace(`:${param}`, segment)
  return parts.join('/') + (query ? `?${query}` : '')
}
