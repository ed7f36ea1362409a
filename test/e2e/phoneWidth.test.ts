import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { roleCan } from '../../server/auth/permissions.ts'
import { demoAccounts } from '../helpers/constants.ts'
import { findRouteParams } from '../helpers/routeCrawl.ts'
import { signInAs } from '../helpers/signIn.ts'
import { expectNoAccessibilityViolations } from './support/accessibility.ts'
import { launchBrowser, openWatchedPage } from './support/browser.ts'
import { signIn } from './support/journey.ts'
import { startApp, type RunningApp } from './support/runningApp.ts'

// Pages that fit a phone (WCAG 2.2, 1.4.10 Reflow): at 320 CSS pixels wide no page scrolls
// sideways, so nothing (a table's last column, a row's action) is off-screen. Each demo role signs
// in and opens every page of its navigation, and the pages met most on the move: the person
// page, Today's appointments, the CID list and the caseload, where the role may see them.

const phone = { width: 320, height: 640 }

let app: RunningApp
let browser: Browser
/** The richest person each role may see, by username: the person page with the most to show. */
const personOf = new Map<string, string>()
/** Every page checked, by any role. */
const visited = new Set<string>()

beforeAll(async () => {
  app = await startApp()
  browser = await launchBrowser()
  const { agent } = await signInAs(app.app, 'supervisor')
  const found = await findRouteParams(app.db, agent)
  for (const { username, role } of demoAccounts) {
    const id = found.params[username]?.personId?.[0]
    if (id && roleCan(role, 'people.view')) personOf.set(username, `/people/${id}`)
  }
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
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

describe('pages fit a 320 px wide screen', () => {
  for (const { username } of demoAccounts) {
    it(`as ${username}: every page of the navigation, and the person page where it may be seen, without sideways scrolling`, async () => {
      const { context, page, watch } = await openWatchedPage(browser, app.baseUrl)
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
        for (const path of paths) {
          visited.add(path.startsWith('/people/') ? '/people/:personId' : path)
          const response = await page.goto(path)
          expect(response?.status(), `${path} as ${username}`).toBe(200)
          const { scrollWidth, clientWidth, widest } = await overflowOf(page)
          if (scrollWidth > clientWidth) tooWide.push(`${path}: ${scrollWidth} px wide (${widest})`)
          await expectNoAccessibilityViolations(page, `${path} at 320 px as ${username}`)
        }
        expect(tooWide, `pages wider than ${phone.width} px as ${username}`).toEqual([])
        expect(watch.problems()).toEqual([])
      } finally {
        await context.close()
      }
    })
  }

  it('the pages measured too wide on a phone were among those checked', () => {
    // They are reached through the roles' navigation: a role losing its link would quietly drop the check.
    expect([...visited]).toEqual(expect.arrayContaining(['/people/:personId', '/appointments', '/cid', '/caseload']))
  })
})
