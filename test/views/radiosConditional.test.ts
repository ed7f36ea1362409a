import { readFileSync } from 'node:fs'
import path from 'node:path'
import ejs from 'ejs'
import { describe, expect, it } from 'vitest'
import { normalise } from './normaliseHtml.ts'
import { viewOptions } from '../../server/http/views.ts'

// views/partials/radios.ejs reveals an option's `conditional.html` as GOV.UK's radios macro does:
// its items and conditional blocks must match GOV.UK Frontend's own conditional fixtures, up to
// white space and the partial's item ids (name, name-1, name-2 … where the macro counts name,
// name-2, name-3 …).

const root = path.resolve(import.meta.dirname, '../..')
const fixturesFile = path.join(root, 'node_modules/govuk-frontend/dist/govuk/components/radios/fixtures.json')
type Item = { value: string; text: string; checked?: boolean; conditional?: { html: string | false } }
type Fixture = {
  name: string
  options: { name: string; idPrefix?: string; value?: string; items: Item[] }
  html: string
}
const fixtures = (JSON.parse(readFileSync(fixturesFile, 'utf8')) as { fixtures: Fixture[] }).fixtures

const render = (locals: Record<string, unknown>) =>
  ejs.render(`<%- include('partials/radios', locals) %>`, locals, {
    ...viewOptions,
    filename: path.join(root, 'views/page.ejs'),
  })

/** The radios' own div (items and conditional blocks), without the fieldset around it. */
function radiosOf(html: string): string {
  const normal = normalise(html)
  const inner = normal.slice(normal.indexOf('<div class="govuk-radios" data-module="govuk-radios">'))
  return inner.endsWith('</fieldset></div>')
    ? inner.slice(0, -'</fieldset></div>'.length)
    : inner.slice(0, -'</div>'.length)
}

/** The macro's item ids as the partial numbers them. */
const renumbered = (html: string, prefix: string) =>
  html.replace(
    new RegExp(`(["-])${prefix}-(\\d+)"`, 'g'),
    (_m, before: string, n: string) => `${before}${prefix}-${Number(n) - 1}"`,
  )

const names = [
  'with conditional items',
  'with conditional item checked',
  'with conditional items and pre-checked value',
  'textarea in conditional',
  'with empty conditional',
]

describe("the radios partial against GOV.UK Frontend's conditional fixtures", () => {
  it.each(names)('%s', (name) => {
    const fixture = fixtures.find((f) => f.name === name)!
    const { options } = fixture
    // The macro takes an item's `checked` or the radios' `value`; the partial takes the value.
    const value = options.value ?? options.items.find((i) => i.checked)?.value
    const html = render({
      name: options.name,
      legend: 'Legend',
      value,
      options: options.items.map((i) => ({ value: i.value, text: i.text, conditional: i.conditional })),
    })
    expect(radiosOf(html)).toBe(renumbered(radiosOf(fixture.html), options.idPrefix ?? options.name))
  })

  it('an option without a conditional, as every existing page uses it, is unchanged', () => {
    const html = render({
      name: 'kind',
      legend: 'Kind',
      value: 'b',
      options: [
        { value: 'a', text: 'A' },
        { value: 'b', text: 'B' },
      ],
    })
    expect(html).not.toContain('conditional')
    expect(html).not.toContain('aria-controls')
    expect(normalise(html)).toContain(
      '<input class="govuk-radios__input" id="kind-1" name="kind" type="radio" value="b" checked>',
    )
  })
})
