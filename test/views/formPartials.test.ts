import path from 'node:path'
import ejs from 'ejs'
import { describe, expect, it } from 'vitest'
import { viewOptions } from '../../server/http/views.ts'

// The form partials find their own error: a page includes a field by name, and the field shows
// errors.fields[name] of the page's errors, unless the page gives the field an error itself.

const root = path.resolve(import.meta.dirname, '../..')
/** A page in views/ that includes one partial with `args` (a JavaScript object literal). */
const page = (partial: string, args: string) => `<%- include('partials/${partial}', ${args}) %>`
const render = (template: string, locals: Record<string, unknown>) =>
  ejs.render(template, locals, { ...viewOptions, filename: path.join(root, 'views/page.ejs') })

const errors = { summary: [{ text: 'Enter a surname', href: '#surname' }], fields: { surname: 'Enter a surname' } }
const fields: [partial: string, args: string][] = [
  ['textInput', "{ name: 'surname', label: 'Surname', value: '' }"],
  ['textarea', "{ name: 'surname', label: 'Surname', value: '' }"],
  ['select', "{ name: 'surname', label: 'Surname', value: '', options: [{ value: 'a', text: 'A' }] }"],
  ['radios', "{ name: 'surname', legend: 'Surname', value: '', options: [{ value: 'a', text: 'A' }] }"],
  ['checkboxes', "{ name: 'surname', legend: 'Surname', values: [], options: [{ value: 'a', text: 'A' }] }"],
  ['dateInput', "{ name: 'surname', legend: 'Surname', value: {} }"],
]
const withError = (args: string, error: string) => args.replace(/ }$/, `, error: ${error} }`)

describe.each(fields)('%s', (partial, args) => {
  it("shows the page's error for its field, linked from the error summary's #name", () => {
    const html = render(page(partial, args), { errors })
    expect(html).toContain('govuk-form-group--error')
    expect(html).toContain(
      '<p id="surname-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Enter a surname</p>',
    )
    expect(html).toMatch(/aria-describedby="[^"]*surname-error/)
  })

  it('shows no error when the page has none, or none for its field', () => {
    for (const locals of [{}, { errors: { summary: [], fields: { forenames: 'Enter forenames' } } }]) {
      const html = render(page(partial, args), locals)
      expect(html).not.toContain('govuk-form-group--error')
      expect(html).not.toContain('govuk-error-message')
    }
  })

  it('shows the error it is given instead, even an empty one (one of several forms with the same field)', () => {
    expect(render(page(partial, withError(args, "'Enter it here'")), { errors })).toContain('</span> Enter it here</p>')
    expect(render(page(partial, withError(args, 'undefined')), { errors })).not.toContain('govuk-error-message')
  })

  it('escapes the error', () => {
    const html = render(page(partial, args), { errors: { summary: [], fields: { surname: '<b>bold</b>' } } })
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;')
    expect(html).not.toContain('<b>')
  })
})
