import { readFileSync } from 'node:fs'
import path from 'node:path'
import ejs from 'ejs'
import { describe, expect, it } from 'vitest'
import { viewOptions } from '../../server/http/views.ts'

// The table partial's own option, `stackOnPhone`, which the GOV.UK macro does not have: with it,
// each body cell carries its column's heading as data-label (shown beside it on a phone by
// cohort.css) and the table its roles; without it, the table is the macro's, to the byte.

const root = path.resolve(import.meta.dirname, '../..')
const partial = path.join(root, 'views/partials/govuk/table.ejs')
const fixturesFile = path.join(root, 'node_modules/govuk-frontend/dist/govuk/components/table/fixtures.json')

function render(params: Record<string, unknown>): string {
  return ejs.render(readFileSync(partial, 'utf8'), { params }, { ...viewOptions, filename: partial })
}

type Fixture = { name: string; options: Record<string, unknown> }
const fixtures = (JSON.parse(readFileSync(fixturesFile, 'utf8')) as { fixtures: Fixture[] }).fixtures

const actions = {
  caption: 'Open actions',
  captionClasses: 'govuk-visually-hidden',
  firstCellIsHeader: true,
  classes: 'app-table',
  attributes: { id: 'actions' },
  head: [
    { text: 'Due' },
    { html: 'Person <span class="govuk-visually-hidden">&amp; PNC</span>', colspan: 2 },
    { text: 'Amount', format: 'numeric' },
  ],
  rows: [
    [
      { text: '1 May' },
      { html: '<a class="govuk-link" href="/people/1">SMITH, Jo</a>' },
      { text: '01/2' },
      { text: '3', format: 'numeric' },
    ],
    [
      { text: '2 May' },
      { text: 'Both', colspan: 2 },
      { text: '<4>', format: 'numeric', attributes: { 'data-x': 'y' } },
    ],
  ],
}

/** The body's cells, each as its opening tag. */
function bodyCells(html: string): string[] {
  const body = /<tbody[^>]*>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? ''
  return [...body.matchAll(/<t[dh]\b[^>]*>/g)].map((m) => m[0])
}

const labelOf = (tag: string) => /\sdata-label="([^"]*)"/.exec(tag)?.[1]

describe('table partial without stackOnPhone', () => {
  it('writes what it always has, byte for byte', () => {
    // Written by the partial before the option existed: the pages that do not ask for it must not change.
    expect(render(actions)).toBe(
      '<table class="govuk-table app-table" id="actions">\n' +
        '  <caption class="govuk-table__caption govuk-visually-hidden">Open actions</caption>\n' +
        '  <thead class="govuk-table__head">\n' +
        '    <tr class="govuk-table__row">\n' +
        '      <th scope="col" class="govuk-table__header">Due</th>\n' +
        '      <th scope="col" class="govuk-table__header" colspan="2">Person <span class="govuk-visually-hidden">&amp; PNC</span></th>\n' +
        '      <th scope="col" class="govuk-table__header govuk-table__header--numeric">Amount</th>\n' +
        '    </tr>\n' +
        '  </thead>\n' +
        '  <tbody class="govuk-table__body">\n' +
        '    <tr class="govuk-table__row">\n' +
        '      <th scope="row" class="govuk-table__header">1 May</th>\n' +
        '      <td class="govuk-table__cell"><a class="govuk-link" href="/people/1">SMITH, Jo</a></td>\n' +
        '      <td class="govuk-table__cell">01/2</td>\n' +
        '      <td class="govuk-table__cell govuk-table__cell--numeric">3</td>\n' +
        '    </tr>\n' +
        '    <tr class="govuk-table__row">\n' +
        '      <th scope="row" class="govuk-table__header">2 May</th>\n' +
        '      <td class="govuk-table__cell" colspan="2">Both</td>\n' +
        '      <td class="govuk-table__cell govuk-table__cell--numeric" data-x="y">&lt;4&gt;</td>\n' +
        '    </tr>\n' +
        '  </tbody>\n' +
        '</table>\n',
    )
  })

  it.each(fixtures.map((f) => [f.name, f.options] as const))(
    'GOV.UK fixture "%s": stackOnPhone false is the same as leaving it out',
    (_name, options) => {
      expect(render({ ...options, stackOnPhone: false })).toBe(render(options))
      expect(render(options)).not.toMatch(/data-label|role=|cohort-stacked-table/)
    },
  )
})

describe('table partial with stackOnPhone', () => {
  const html = render({ ...actions, stackOnPhone: true })

  it("labels each body cell with its column's heading text, a heading that spans columns labelling each", () => {
    expect(bodyCells(html).map(labelOf)).toEqual([
      'Due',
      'Person &amp; PNC',
      'Person &amp; PNC',
      'Amount',
      'Due',
      'Person &amp; PNC',
      'Amount',
    ])
  })

  it('escapes a text heading in its label, as the heading itself is', () => {
    const quoted = render({ stackOnPhone: true, head: [{ text: 'Say "when" & <why>' }], rows: [[{ text: 'x' }]] })
    expect(bodyCells(quoted).map(labelOf)).toEqual(['Say &#34;when&#34; &amp; &lt;why&gt;'])
  })

  it('marks the table to be stacked, keeping its own classes, and says each part of it is a table part', () => {
    expect(html).toContain('<table class="govuk-table app-table cohort-stacked-table" role="table" id="actions">')
    expect(html).toContain('<thead class="govuk-table__head" role="rowgroup">')
    expect(html).toContain('<tbody class="govuk-table__body" role="rowgroup">')
    expect(html.match(/<tr class="govuk-table__row" role="row">/g)).toHaveLength(3)
    expect(html.match(/<th scope="col"[^>]* role="columnheader"/g)).toHaveLength(3)
    expect(html.match(/<th scope="row"[^>]* role="rowheader"/g)).toHaveLength(2)
    expect(html.match(/<td [^>]*role="cell"/g)).toHaveLength(5)
  })

  it('adds nothing else: without its labels, roles and class it is the table without the option', () => {
    const stripped = html
      .replace(/ role="[a-z]+"/g, '')
      .replace(/ data-label="[^"]*"/g, '')
      .replace(' cohort-stacked-table', '')
    expect(stripped).toBe(render(actions))
  })

  it.each(fixtures.map((f) => [f.name, f.options] as const))(
    'GOV.UK fixture "%s": a cell has a label exactly when its column has a heading',
    (_name, options) => {
      const stacked = render({ ...options, stackOnPhone: true })
      const head = (options.head ?? []) as { colspan?: number }[]
      const columns = head.reduce((n, item) => n + (Number(item.colspan) || 1), 0)
      const rows = ((options.rows ?? []) as ({ colspan?: number }[] | null | false)[]).filter(
        (row): row is { colspan?: number }[] => Boolean(row),
      )
      // Where each cell starts, counting the columns the cells before it span.
      const starts = rows.flatMap((row) => {
        let column = 0
        return row.map((cell) => {
          const start = column
          column += Number(cell.colspan) || 1
          return start
        })
      })
      expect(bodyCells(stacked).map((tag) => labelOf(tag) !== undefined)).toEqual(
        starts.map((start) => start < columns),
      )
    },
  )
})
