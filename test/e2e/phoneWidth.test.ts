import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { roleCan } from '../../server/auth/permissions.ts'
import { demoAccounts } from '../helpers/constants.ts'
import { findRouteParams } from '../helpers/routeCrawl.ts'
import { signInAs } from '../helpers/signIn.ts'
import { expectNoAccessibilityViolations } from './support/accessibility.ts'
import { signIn } from './support/journey.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// Pages that fit a phone (WCAG 2.2, 1.4.10 Reflow): at 320 CSS pixels wide no page scrolls
// sideways, so nothing (a table's last column, a row's action) is off-screen. Each demo role signs
// in and opens every page of its navigation, and the pages met most on the move: the person
// page, Today's appointments, the CID list and the caseload, where the role may see them.
// The wide lists go further: their tables are stacked (a block per row, a line per cell labelled
// with its column's heading), so a row's action is on the screen without scrolling the table, and
// they stay tables to a screen reader.

const running = useAppAndBrowser()
const phone = { width: 320, height: 640 }

/** The richest person each role may see, by username: the person page with the most to show. */
const personOf = new Map<string, string>()
/** Every page checked, by any role. */
const visited = new Set<string>()
/** Every page whose stacked tables were checked with rows in them, by any role. */
const stackedSeen = new Set<string>()
/** The pages whose wide tables are stacked on a phone. */
const stackedPages = [
  '/people/:personId',
  '/appointments',
  '/cid',
  '/caseload',
  '/cohorts',
  '/failures',
  '/referrals',
  '/tasks',
  '/actions',
]

beforeAll(async () => {
  const { agent } = await signInAs(running.app.app, 'supervisor')
  const found = await findRouteParams(running.app.db, agent)
  for (const { username, role } of demoAccounts) {
    const id = found.params[username]?.personId?.[0]
    if (id && roleCan(role, 'people.view')) personOf.set(username, `/people/${id}`)
  }
})

/** How far the page reaches past the viewport's width, in CSS pixels (0: it fits). */
async function overflowOf(page: Page): Promise<{ scrollWidth: number; clientWidth: number; widest: string }> {
  // A string, not a function: this runs in the page, and the project's TypeScript has no DOM types.
  return page.evaluate(`(() => {
    const root = document.documentElement
    const width = root.clientWidth
    const widest = [...document.querySelectorAll('body *')]
      .map((el) => ({ el, right: el.getBoundingClientRect().right }))
      .filter((x) => x.right > width + 0.5)
      .sort((a, b) => b.right - a.right)
      .slice(0, 3)
      .map((x) => x.el.tagName.toLowerCase() + (x.el.className ? '.' + String(x.el.className).trim().split(/\\s+/).join('.') : '') + ' to ' + Math.round(x.right) + 'px')
      .join(', ')
    return { scrollWidth: root.scrollWidth, clientWidth: width, widest }
  })()`)
}

type StackedTable = { name: string; rows: number; problems: string[] }

/**
 * Each stacked table of the page as laid out: whether it fits the viewport with nothing in it
 * scrolling or spilling sideways, whether each row's cells stand one under another, each labelled
 * with its column's heading, and whether the first row's last cell's links and buttons are on the screen.
 */
async function stackedTablesOf(page: Page): Promise<StackedTable[]> {
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth
    const text = (el) => el.textContent.replace(/\\s+/g, ' ').trim()
    const where = (el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '')
    return [...document.querySelectorAll('table.cohort-stacked-table')].map((table, index) => {
      const problems = []
      const name = table.caption ? text(table.caption) : 'table ' + (index + 1)
      const headings = table.tHead ? [...table.tHead.rows[0].cells].map(text) : []
      const rows = [...table.tBodies].flatMap((body) => [...body.rows])
      if (table.getBoundingClientRect().right > width + 0.5) problems.push('the table reaches ' + Math.round(table.getBoundingClientRect().right) + ' px')
      for (const el of [table, ...table.querySelectorAll('*')]) {
        const overflowX = getComputedStyle(el).overflowX
        if ((overflowX === 'auto' || overflowX === 'scroll') && el.scrollWidth > el.clientWidth) problems.push(where(el) + ' scrolls sideways')
      }
      rows.forEach((row, r) => {
        const cells = [...row.cells]
        cells.forEach((cell, c) => {
          const box = cell.getBoundingClientRect()
          if (box.left < -0.5 || box.right > width + 0.5) problems.push('row ' + (r + 1) + ' cell ' + (c + 1) + ' spans ' + Math.round(box.left) + ' to ' + Math.round(box.right) + ' px')
          if (cell.scrollWidth > cell.clientWidth + 1) problems.push('row ' + (r + 1) + ' cell ' + (c + 1) + ' spills ' + (cell.scrollWidth - cell.clientWidth) + ' px')
          const label = cell.getAttribute('data-label')
          if (label !== headings[c]) problems.push('row ' + (r + 1) + ' cell ' + (c + 1) + ' is labelled ' + JSON.stringify(label) + ', its column ' + JSON.stringify(headings[c]))
          const shown = getComputedStyle(cell, '::before').content
          if (!shown.startsWith(JSON.stringify(headings[c]))) problems.push('row ' + (r + 1) + ' cell ' + (c + 1) + ' shows the label ' + shown)
          const next = cells[c + 1]
          if (next && next.getBoundingClientRect().top < box.bottom - 0.5) problems.push('row ' + (r + 1) + ' cell ' + (c + 2) + ' is beside cell ' + (c + 1) + ', not under it')
        })
      })
      const last = rows[0] && rows[0].cells[rows[0].cells.length - 1]
      for (const control of last ? last.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea') : []) {
        const box = control.getBoundingClientRect()
        if (box.width === 0 || box.left < -0.5 || box.right > width + 0.5) problems.push('the first row\\'s ' + where(control) + ' (' + text(control) + ') spans ' + Math.round(box.left) + ' to ' + Math.round(box.right) + ' px')
      }
      return { name, rows: rows.length, problems }
    })
  })()`)
}

/**
 * The problems Chromium's accessibility tree shows with the page's stacked tables: each must still
 * be a table of rows, column headers and cells, one for each element, to a screen reader.
 */
async function stackedSemanticsOf(page: Page): Promise<string[]> {
  // What the elements say each table holds: one table, its rows, its column headings, its body's cells.
  const tables = await page.evaluate<
    Record<string, number>[]
  >(`[...document.querySelectorAll('table.cohort-stacked-table')].map((table) => ({
    table: 1,
    row: table.rows.length,
    columnheader: table.tHead ? table.tHead.rows[0].cells.length : 0,
    cell: table.querySelectorAll('tbody td').length,
  }))`)
  if (!tables.length) return []
  const cdp = await page.context().newCDPSession(page)
  try {
    const problems: string[] = []
    for (const [index, elements] of tables.entries()) {
      const { result } = (await cdp.send('Runtime.evaluate', {
        expression: `document.querySelectorAll('table.cohort-stacked-table')[${index}]`,
      })) as { result: { objectId?: string } }
      for (const [role, expected] of Object.entries(elements)) {
        const { nodes } = (await cdp.send('Accessibility.queryAXTree', { objectId: result.objectId, role })) as {
          nodes: unknown[]
        }
        if (nodes.length !== expected)
          problems.push(
            `table ${index + 1}: ${nodes.length} ${role} node(s) in the accessibility tree for ${expected} element(s)`,
          )
      }
    }
    return problems
  } finally {
    await cdp.detach()
  }
}

describe('pages fit a 320 px wide screen', () => {
  for (const { username } of demoAccounts) {
    it(`as ${username}: every page of the navigation, and the person page where it may be seen, without sideways scrolling`, async () => {
      const { context, page, watch } = await running.openPage()
      try {
        await page.setViewportSize(phone)
        await signIn(page, username)
        // On a phone the navigation folds behind its Menu button, so its links are read, not looked for by role.
        const navigation = page.locator('nav[aria-label="Menu"] a')
        const hrefs = (await Promise.all((await navigation.all()).map((link) => link.getAttribute('href')))).filter(
          (href): href is string => Boolean(href),
        )
        expect(hrefs.length, `${username} has a navigation`).toBeGreaterThan(0)
        const person = personOf.get(username)
        const paths = [...new Set([...hrefs, ...(person ? [person] : [])])]

        const tooWide: string[] = []
        const badlyStacked: string[] = []
        for (const path of paths) {
          // Each person page counts as the one page it is, whoever's it is.
          const pageName = path.startsWith('/people/') ? '/people/:personId' : path
          visited.add(pageName)
          const response = await page.goto(path)
          expect(response?.status(), `${path} as ${username}`).toBe(200)
          const { scrollWidth, clientWidth, widest } = await overflowOf(page)
          if (scrollWidth > clientWidth) tooWide.push(`${path}: ${scrollWidth} px wide (${widest})`)
          for (const table of await stackedTablesOf(page)) {
            if (table.rows > 0) stackedSeen.add(pageName)
            badlyStacked.push(...table.problems.map((problem) => `${path}, ${table.name}: ${problem}`))
          }
          badlyStacked.push(...(await stackedSemanticsOf(page)).map((problem) => `${path}, ${problem}`))
          await expectNoAccessibilityViolations(page, `${path} at 320 px as ${username}`)
        }
        expect(tooWide, `pages wider than ${phone.width} px as ${username}`).toEqual([])
        expect(badlyStacked, `stacked tables at ${phone.width} px as ${username}`).toEqual([])
        expect(watch.problems()).toEqual([])
      } finally {
        await context.close()
      }
      // A role opens up to twenty pages here, each checked by axe: longer than one journey's allowance.
    }, 300_000)
  }

  it('the pages measured too wide on a phone were among those checked', () => {
    // They are reached through the roles' navigation: a role losing its link would quietly drop the check.
    expect([...visited]).toEqual(expect.arrayContaining(['/people/:personId', '/appointments', '/cid', '/caseload']))
  })

  it('every page with a stacked table was checked with demo rows in it', () => {
    // An empty list shows a sentence, not a table: a page whose demo data ran dry would check nothing.
    expect([...stackedSeen].sort()).toEqual([...stackedPages].sort())
  })
})
