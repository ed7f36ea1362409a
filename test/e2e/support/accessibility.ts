import { AxeBuilder } from '@axe-core/playwright'
import type { Result } from 'axe-core'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'

// WCAG 2.2 AA, the standard public-sector services are held to, and everything it inherits; and
// axe's best practices (every piece of content inside a landmark, one main, one banner …), whose
// breaches are faults a screen-reader user meets even where no success criterion names them.
const ruleTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']

function describeViolations(violations: Result[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes
        .map(
          (node) =>
            `    at ${node.target.join(' ')}\n      ${node.html}\n      ${node.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`,
        )
        .join('\n')
      return `  [${violation.impact ?? 'unknown'}] ${violation.id}: ${violation.help}\n    ${violation.helpUrl}\n${nodes}`
    })
    .join('\n')
}

/** Runs axe over the page as it stands and fails, whatever their impact, with a readable list of whatever it finds. */
export async function expectNoAccessibilityViolations(page: Page, pageName: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(ruleTags).analyze()
  const report = `${results.violations.length} accessibility violation(s) on ${pageName} (${page.url()}):\n${describeViolations(results.violations)}`
  expect(results.violations.length, report).toBe(0)
}
