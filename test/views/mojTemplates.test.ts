import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import ejs from 'ejs'
import nunjucks from 'nunjucks'
import { describe, expect, it } from 'vitest'
import { normalise } from './normaliseHtml.ts'
import { viewOptions } from '../../server/http/views.ts'

// Each partial in views/partials/moj/ takes the arguments of the MoJ Frontend macro of its name,
// as `params`. MoJ Frontend publishes no fixtures, so its own templates are the oracle: every case
// below is rendered through the package's template.njk (with its date filters) and through the
// partial, and the HTML must be the same up to white space.

// The timeline's dates are written in UK time by the partial; moment.js, behind the package's
// filters, uses the process's zone.
process.env.TZ = 'Europe/London'

const root = path.resolve(import.meta.dirname, '../..')
const mojRoot = path.join(root, 'node_modules/@ministryofjustice/frontend')
const partialsDir = path.join(root, 'views/partials/moj')

const env = new nunjucks.Environment(
  new nunjucks.FileSystemLoader([mojRoot, path.join(root, 'node_modules/govuk-frontend/dist')]),
  { autoescape: true },
)
const mojFilters = createRequire(import.meta.url)(path.join(mojRoot, 'moj/filters/all.js')) as () => Record<
  string,
  (...args: unknown[]) => unknown
>
for (const [name, filter] of Object.entries(mojFilters())) env.addFilter(name, filter)

type Params = Record<string, unknown>

/**
 * Beyond white space, two spellings of the same HTML: Nunjucks escapes a double quote as &quot;
 * and EJS as &#34;, and MoJ Frontend's button menu leaves a space before a tag's closing bracket.
 */
function canonical(html: string): string {
  return normalise(html)
    .replaceAll('&#34;', '&quot;')
    .replace(/<[^>]*>/g, (tag) => tag.replace(/\s+>$/, '>'))
}

function viaMoj(component: string, params: Params): string {
  return canonical(env.render(`moj/components/${component}/template.njk`, { params }))
}

function viaPartial(partial: string, params: Params): string {
  const filename = path.join(partialsDir, `${partial}.ejs`)
  return canonical(ejs.render(readFileSync(filename, 'utf8'), { params }, { ...viewOptions, filename }))
}

const hostile = `<script>alert("x")</script> & 'quotes'`

/** MoJ Frontend's component folder → Cohort's partial, and the cases each is checked with. */
const cases: Record<string, { partial: string; cases: Record<string, Params> }> = {
  badge: {
    partial: 'badge',
    cases: {
      text: { text: 'Urgent' },
      'text with classes': { text: 'Violent', classes: 'moj-badge--red moj-badge--large' },
      'html, written as it is': { html: '<span class="govuk-visually-hidden">Marker: </span>Weapons' },
      'text, escaped': { text: hostile },
      'html wins over text': { text: 'ignored', html: '<b>shown</b>' },
      'label (an empty aria-label, as MoJ Frontend writes it)': { text: '3', label: 'Three new' },
      attributes: { text: 'New', attributes: { 'data-count': '3', id: 'badge-1', title: hostile } },
    },
  },
  'sub-navigation': {
    partial: 'subNavigation',
    cases: {
      'items, one active': {
        label: 'Person record',
        items: [
          { text: 'Overview', href: '/people/1', active: true },
          { text: 'Contacts', href: '/people/1/contacts' },
          { html: 'Audit <span class="moj-badge">3</span>', href: '/people/1/audit' },
        ],
      },
      'default label, classes and attributes': {
        classes: 'cohort-sub-nav',
        attributes: { 'data-module': 'tabs' },
        items: [
          { text: hostile, href: '/x?a=1&b=2', classes: 'extra', attributes: { 'data-item': 'one' } },
          { text: 'Two', href: '#two', active: false },
        ],
      },
      'no items': { label: 'Empty' },
    },
  },
  timeline: {
    partial: 'timeline',
    cases: {
      'days, by type': {
        headingLevel: 3,
        items: [
          {
            label: { text: 'IOM (fixed): adopted' },
            byline: { text: 'PC Jones, 5 Jan 2026, 10:00' },
            datetime: { timestamp: '2026-01-05', type: 'date' },
            text: 'Tier Red. Lead officer PC Jones',
          },
          {
            label: { html: '<a href="/x">Tier changed</a>' },
            datetime: { timestamp: '2025-09-30', type: 'shortdate' },
            html: '<p class="govuk-body">Reviewed <strong>at panel</strong></p>',
          },
        ],
      },
      'instants in UK time, winter and summer': {
        classes: 'cohort-timeline',
        attributes: { id: 'history' },
        items: [
          { label: { text: 'Winter' }, datetime: { timestamp: '2026-01-05T14:30:00Z', type: 'datetime' }, text: 'a' },
          {
            label: { text: 'Summer' },
            datetime: { timestamp: '2026-07-05T14:00:00Z', type: 'shortdatetime' },
            text: 'b',
          },
          { label: { text: 'Midnight' }, datetime: { timestamp: '2026-07-04T23:05:00Z', type: 'time' }, text: 'c' },
          { label: { text: 'Local' }, datetime: { timestamp: '2026-03-30T09:15:00', type: 'datetime' }, text: 'd' },
          { label: { text: 'Noon' }, datetime: { timestamp: '2026-12-01T12:00:00Z', type: 'time' }, text: 'e' },
        ],
      },
      'an unknown type writes the timestamp': {
        items: [{ label: { text: 'As given' }, datetime: { timestamp: '2026-01-05', type: 'other' }, text: 'x' }],
      },
      'escaping, item classes and attributes': {
        items: [
          {
            label: { text: hostile },
            byline: { html: '<a href="/u/1">PC Jones</a>' },
            datetime: { timestamp: '2026-02-01', type: 'date' },
            text: hostile,
            classes: 'cohort-item',
            attributes: { 'data-id': hostile },
          },
        ],
      },
      'no items': {},
    },
  },
  'identity-bar': {
    partial: 'identityBar',
    cases: {
      'title text': { title: { text: 'SMITH, John' } },
      'title html, classes and attributes': {
        title: { html: '<strong>SMITH, John</strong> <span>Born 1 January 1980</span>' },
        classes: 'cohort-identity-bar',
        attributes: { 'aria-label': 'Person', id: 'banner' },
      },
      'title text escaped': { title: { text: hostile } },
      'no title': {},
      menus: {
        title: { text: 'SMITH, John' },
        menus: [
          {
            items: [
              { text: 'Edit details', href: '/people/1/edit' },
              { text: 'Record a contact', href: '/people/1/contacts/new', classes: 'cohort-x' },
            ],
          },
          {
            button: { text: 'More actions', classes: 'govuk-button--secondary' },
            alignMenu: 'right',
            classes: 'cohort-menu',
            attributes: { 'data-test': 'menu' },
            items: [
              { text: 'Restrict', type: 'submit', name: 'act', value: 'restrict' },
              { html: 'End <span class="govuk-visually-hidden">marker</span>', disabled: true },
            ],
          },
        ],
      },
    },
  },
}

for (const [component, { partial, cases: byName }] of Object.entries(cases)) {
  describe(`${partial} against MoJ Frontend's ${component} template`, () => {
    for (const [name, params] of Object.entries(byName)) {
      it(name, () => {
        const expected = viaMoj(component, params)
        expect(expected.length, 'the template renders something').toBeGreaterThan(20)
        expect(viaPartial(partial, params)).toBe(expected)
      })
    }
  })
}

describe('what the partials refuse', () => {
  it("a timeline item dated by a moment.js format, which only MoJ Frontend's filter can write", () => {
    const params = { items: [{ label: { text: 'x' }, datetime: { timestamp: '2026-01-05', format: 'DD/MM/YYYY' } }] }
    expect(viaMoj('timeline', params)).toContain('05/01/2026')
    expect(() => viaPartial('timeline', params)).toThrow(/datetime\.type/)
  })
})
