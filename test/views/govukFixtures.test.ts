import { readFileSync } from 'node:fs'
import path from 'node:path'
import ejs from 'ejs'
import { describe, expect, it } from 'vitest'
import { normalise } from './normaliseHtml.ts'
import { viewOptions } from '../../server/http/views.ts'

// Each partial in views/partials/govuk/ takes the options of the GOV.UK Frontend macro of its
// name, as `params`. GOV.UK Frontend publishes, for each component, the options of its examples
// and the HTML its macro makes of them: every example must come out of the partial the same, up to
// white space, or be listed below with the reason it cannot.

const root = path.resolve(import.meta.dirname, '../..')
const componentsDir = path.join(root, 'node_modules/govuk-frontend/dist/govuk/components')
const partialsDir = path.join(root, 'views/partials/govuk')

/** GOV.UK Frontend's component folder → Cohort's partial. */
const partials: Record<string, string> = {
  'back-link': 'backLink',
  button: 'button',
  details: 'details',
  'error-summary': 'errorSummary',
  'inset-text': 'insetText',
  'notification-banner': 'notificationBanner',
  'summary-list': 'summaryList',
  table: 'table',
  tag: 'tag',
  'warning-text': 'warningText',
}

/** Component → fixture → why the partial does not make it. */
const unsupported: Record<string, Record<string, string>> = {}

type Fixture = { name: string; options: Record<string, unknown>; html: string }

function fixturesOf(component: string): Fixture[] {
  return (
    JSON.parse(readFileSync(path.join(componentsDir, component, 'fixtures.json'), 'utf8')) as { fixtures: Fixture[] }
  ).fixtures
}

function render(partial: string, options: Record<string, unknown>): string {
  const filename = path.join(partialsDir, `${partial}.ejs`)
  return ejs.render(readFileSync(filename, 'utf8'), { params: options }, { ...viewOptions, filename })
}

/** What the partial makes of the fixture's options, or why it could not. */
function attempt(partial: string, fixture: Fixture): string {
  try {
    return normalise(render(partial, fixture.options))
  } catch (error) {
    return `threw: ${(error as Error).message}`
  }
}

for (const [component, partial] of Object.entries(partials)) {
  describe(`${partial} against GOV.UK Frontend's ${component} fixtures`, () => {
    const fixtures = fixturesOf(component)
    const listed = unsupported[component] ?? {}

    for (const fixture of fixtures) {
      const why = listed[fixture.name]
      if (why === undefined) {
        it(fixture.name, () => {
          expect(attempt(partial, fixture)).toBe(normalise(fixture.html))
        })
      } else {
        it(`${fixture.name} (listed as unsupported: ${why})`, () => {
          expect(
            attempt(partial, fixture),
            'the partial now makes this fixture: take it off the unsupported list',
          ).not.toBe(normalise(fixture.html))
        })
      }
    }

    it('lists as unsupported only fixtures that exist', () => {
      const names = new Set(fixtures.map((f) => f.name))
      expect(Object.keys(listed).filter((name) => !names.has(name))).toEqual([])
    })
  })
}

it('lists unsupported fixtures only of components that have a partial', () => {
  expect(Object.keys(unsupported).filter((component) => !(component in partials))).toEqual([])
})
