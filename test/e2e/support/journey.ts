import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { demoPassword } from '../../helpers/constants.ts'
import { expectNoAccessibilityViolations } from './accessibility.ts'

/** Steps a person takes through the service, shared by the role journeys. */

export function pathOf(page: Page): string {
  const url = new URL(page.url())
  return `${url.pathname}${url.search}`
}

export async function headingOf(page: Page): Promise<string> {
  return ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim()
}

/** Waits for the page a click or a submitted form leads to, then checks it is whole and accessible. */
export async function arriveAt(
  page: Page,
  pathname: string | RegExp,
  heading: string,
  pageName: string,
): Promise<void> {
  await page.waitForURL((url) =>
    typeof pathname === 'string' ? url.pathname === pathname : pathname.test(url.pathname),
  )
  await page.waitForLoadState('load')
  expect(await headingOf(page), `the heading of ${pageName}`).toBe(heading)
  await expectNoAccessibilityViolations(page, pageName)
}

/** Types into the sign-in form and presses Enter, as someone at a keyboard would. */
export async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/')
  await arriveAt(page, '/sign-in', 'Sign in to Cohort', 'the sign-in page')
  await page.getByLabel('Username').click()
  await page.keyboard.type(username)
  await page.keyboard.press('Tab')
  expect(await page.locator(':focus').getAttribute('id'), 'Tab moves from Username to Password').toBe('password')
  await page.keyboard.type(demoPassword)
  await page.keyboard.press('Enter')
  await page.waitForURL((url) => url.pathname === '/')
  await expectNoAccessibilityViolations(page, 'the home page')
}

export async function signedInName(page: Page): Promise<string> {
  return (await page.getByRole('banner').locator('.cohort-header__user-name').innerText()).trim()
}

export async function followNavigation(page: Page, text: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: text, exact: true }).click()
}

/** Clicks into a field and types, so the page's own scripts see a person's key presses. */
export async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click()
  await field.press('ControlOrMeta+a')
  await field.press('Backspace')
  await field.pressSequentially(text)
}

/** Fills the GOV.UK day, month and year inputs under a date's legend with an ISO day ('' clears them). */
export async function typeDate(page: Page, legend: string, isoDay: string): Promise<void> {
  const group = page.getByRole('group', { name: legend })
  const [year = '', month = '', day = ''] = isoDay ? isoDay.split('-') : []
  await typeInto(group.getByLabel('Day', { exact: true }), day ? String(Number(day)) : '')
  await typeInto(group.getByLabel('Month', { exact: true }), month ? String(Number(month)) : '')
  await typeInto(group.getByLabel('Year', { exact: true }), year)
}

const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** "14 June 1987" as the app shows a day, back to '1987-06-14'; throws if the text holds no such day. */
export function isoFromDisplayed(text: string): string {
  const match = /(\d{1,2}) ([A-Z][a-z]+) (\d{4})/.exec(text)
  const month = match ? months.indexOf(match[2]!) + 1 : 0
  if (!match || month === 0) throw new Error(`No date in "${text}"`)
  return `${match[3]}-${String(month).padStart(2, '0')}-${match[1]!.padStart(2, '0')}`
}

/** The way the app shows an ISO day, to look for it on a page. */
export function displayed(isoDay: string): string {
  const [year, month, day] = isoDay.split('-')
  return `${Number(day)} ${months[Number(month) - 1]} ${year}`
}

/**
 * A form sent back with errors, checked the way a keyboard or screen-reader user meets it: the
 * page title says there is an error, the GOV.UK error summary lists exactly the expected
 * messages and takes focus, each message sits beside its field, and each summary link moves
 * focus into the field it names.
 */
export async function expectErrorSummary(
  page: Page,
  pageName: string,
  expected: { field: string; message: string }[],
): Promise<void> {
  const summary = page.locator('.govuk-error-summary')
  await summary.getByRole('heading', { name: 'There is a problem' }).waitFor()
  expect(await page.title()).toMatch(/^Error: /)
  const links = summary.getByRole('link')
  expect(
    (await links.allInnerTexts()).map((t) => t.trim()),
    `the error summary on ${pageName}`,
  ).toEqual(expected.map((e) => e.message))
  await page.locator('.govuk-error-summary:focus').waitFor({ timeout: 5000 })
  await expectNoAccessibilityViolations(page, `${pageName} with errors`)

  for (const [index, { field, message }] of expected.entries()) {
    const fieldError = page.locator(`#${field}-error`)
    const besideField = ((await fieldError.textContent()) ?? '').replace(/\s+/g, ' ').trim()
    expect(besideField, `the message beside ${field}, with its hidden prefix for screen readers`).toBe(
      `Error: ${message}`,
    )
    await links.nth(index).click()
    const group = page.locator('.govuk-form-group--error', { has: fieldError })
    const focusedControl = group.locator('input:focus, select:focus, textarea:focus')
    const focusedId = await page
      .locator(':focus')
      .getAttribute('id', { timeout: 1000 })
      .catch(() => null)
    expect(
      await focusedControl.count(),
      `the summary link "${message}" moves focus into the ${field} field (focus is on #${focusedId})`,
    ).toBe(1)
  }
}

/**
 * The green banner a POST → redirect → GET leaves behind. The page has already loaded, so a
 * missing banner fails at once with a hint, rather than after a long wait.
 */
export async function expectSuccessBanner(page: Page, text: string): Promise<void> {
  const banner = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Success', exact: true }) })
  await banner.waitFor({ timeout: 5000 }).catch(() => {
    throw new Error(
      `No success banner on ${page.url()}: the one-time message "${text}" was not in the session when the redirected page loaded`,
    )
  })
  expect((await banner.innerText()).trim()).toContain(text)
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The value beside a key in the page's summary list. */
export async function summaryValue(page: Page, key: string): Promise<string> {
  const row = page.locator('.govuk-summary-list__row', {
    has: page.locator('dt', { hasText: new RegExp(`^${escapeRegExp(key)}$`) }),
  })
  return (await row.locator('dd').innerText()).trim()
}
