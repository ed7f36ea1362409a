import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { todayInLondon } from '../../server/domain/time.ts'
import { expectNoAccessibilityViolations } from './support/accessibility.ts'
import type { PageWatch } from './support/browser.ts'
import {
  arriveAt,
  displayed,
  expectErrorSummary,
  expectSuccessBanner,
  followNavigation,
  headingOf,
  isoFromDisplayed,
  pathOf,
  signIn,
  signedInName,
  typeDate,
  typeInto,
} from './support/journey.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// The demo seed's one Smith: an active IOM Fixed member led by the iom user, with the alias Jon Smyth.
const running = useAppAndBrowser()
const john = { name: 'SMITH, John', alias: 'Jon Smyth', pncId: '2009/0417263H', born: '14 June 1987' }
const contactNote = 'Home visit at Victoria Road: tenancy holding, rent paid up to date.'
const actionDescription = 'Phone the housing officer about the Victoria Road tenancy renewal'

/** Runs a journey in a fresh, watched browser page and fails on anything a console would show. */
async function journey(steps: (page: Page, watch: PageWatch) => Promise<void>): Promise<void> {
  const { context, page, watch } = await running.openPage()
  try {
    await steps(page, watch)
    expect(watch.problems()).toEqual([])
  } finally {
    await context.close()
  }
}

/** Submits a form the app should refuse, telling the page watch that the 400 is intended. */
async function submitExpectingRefusal(page: Page, watch: PageWatch, button: string, path: string): Promise<void> {
  watch.expectStatus(400, path)
  const refused = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path)
  await page.getByRole('button', { name: button, exact: true }).click()
  expect((await refused).status(), `${button} with nothing filled in is refused`).toBe(400)
  await page.waitForLoadState('load')
}

async function findJohnByAlias(page: Page): Promise<string> {
  await followNavigation(page, 'Search')
  await arriveAt(page, '/people/search', 'Search for a person', 'the search page')
  await typeInto(page.getByLabel('Name, PNC ID, CRO number or date of birth'), 'Smyth')
  await page.keyboard.press('Enter')
  await page.waitForURL((url) => url.pathname === '/people/search' && url.searchParams.get('q') === 'Smyth')
  await expectNoAccessibilityViolations(page, 'the search results')

  const results = page.getByRole('table', { name: 'Search results, best match first' })
  const johnRow = results.getByRole('row').filter({ has: page.getByRole('link', { name: john.name, exact: true }) })
  expect(await johnRow.count(), 'a misspelt name still finds John Smith').toBe(1)
  expect(await johnRow.innerText()).toContain(`Matched alias: ${john.alias}`)
  expect(await johnRow.innerText()).toContain(john.pncId)
  expect(await johnRow.innerText()).toContain(john.born)

  await johnRow.getByRole('link', { name: john.name, exact: true }).click()
  await arriveAt(page, /^\/people\/[0-9a-f-]{36}$/, john.name, "John Smith's record")
  return pathOf(page)
}

async function checkJohnsRecord(page: Page, officer: string): Promise<void> {
  const identifier = (key: string) =>
    page.locator('.govuk-summary-list__row', { has: page.getByText(key, { exact: true }) }).locator('dd')
  expect((await identifier('PNC ID').innerText()).trim()).toBe(john.pncId)
  expect(await identifier('Date of birth').innerText()).toContain(john.born)
  expect(await identifier('Aliases').innerText()).toContain(john.alias)
  const programmes = page.getByRole('table', { name: 'Cohort memberships' })
  const iomRow = programmes.getByRole('row').filter({ hasText: 'IOM Fixed' })
  expect(await iomRow.count(), 'John is on IOM Fixed').toBe(1)
  const cells = (await iomRow.getByRole('cell').allInnerTexts()).map((c) => c.trim())
  expect(cells.slice(0, 2)).toEqual(['IOM Fixed', 'Active'])
  expect(cells[3], 'the signed-in officer leads his membership').toBe(officer)
}

async function recordContact(page: Page, watch: PageWatch, personPath: string, today: string): Promise<void> {
  await page.getByRole('link', { name: 'Record a contact' }).click()
  await arriveAt(page, `${personPath}/contacts/new`, 'Record a contact', 'Record a contact')

  // The form opens with today's date filled in; clear it too, so nothing at all is sent.
  await typeDate(page, 'Date of contact', '')
  await submitExpectingRefusal(page, watch, 'Save contact', `${personPath}/contacts`)
  await expectErrorSummary(page, 'Record a contact', [
    { field: 'contactDate', message: 'Enter contact date' },
    { field: 'contactType', message: 'Enter a contact type' },
    { field: 'pathway', message: 'Select a pathway' },
    { field: 'note', message: 'Enter a note of the contact' },
    { field: 'outcome', message: 'Select the outcome of the contact' },
  ])

  await typeDate(page, 'Date of contact', today)
  await page.getByLabel('Type of contact').selectOption({ label: 'Home visit' })
  await page.getByLabel('Pathway').selectOption({ label: 'Accommodation' })
  await typeInto(page.getByLabel('Note'), contactNote)
  await page.getByLabel('Engaged', { exact: true }).check()
  await page.getByRole('button', { name: 'Save contact' }).click()
  await arriveAt(page, personPath, john.name, "John Smith's record after recording a contact")

  await expectSuccessBanner(page, 'Contact recorded')
  const contacts = page.locator('.govuk-grid-column-one-half', {
    has: page.getByRole('heading', { name: 'Recent contacts' }),
  })
  const recorded = contacts.getByRole('listitem').filter({ hasText: contactNote })
  expect(await recorded.count()).toBe(1)
  expect(await recorded.innerText()).toContain(`${displayed(today)}, Home visit (Accommodation)`)
}

async function setAction(page: Page, personPath: string, officer: string, today: string): Promise<void> {
  await page.getByRole('link', { name: 'Set an action' }).click()
  await arriveAt(page, `${personPath}/actions/new`, 'Set an action', 'Set an action')
  await typeInto(page.getByLabel('What needs doing'), actionDescription)
  await page.getByLabel('Owner').selectOption({ label: officer })
  await typeDate(page, 'Due date', today)
  await page.getByLabel('Pathway').selectOption({ label: 'Accommodation' })
  await page.getByRole('button', { name: 'Save action' }).click()
  await arriveAt(page, personPath, john.name, "John Smith's record after setting an action")

  await expectSuccessBanner(page, 'Action set')
  const actions = page.locator('.govuk-grid-column-one-half', {
    has: page.getByRole('heading', { name: 'Open actions' }),
  })
  const set = actions.getByRole('listitem').filter({ hasText: actionDescription })
  expect(await set.count()).toBe(1)
  expect(await set.innerText()).toContain(`Due today ${displayed(today)}`)
}

async function clearActionFromMyActions(page: Page, today: string): Promise<void> {
  await followNavigation(page, 'My actions')
  await arriveAt(page, '/actions', 'My actions', 'My actions')
  const table = page.getByRole('table', { name: 'Open actions you own, overdue first' })
  const rows = table.locator('tbody').getByRole('row')
  const dueCells = (await rows.locator('td:first-child').allInnerTexts()).map((t) => t.trim())
  const dueDays = dueCells.map(isoFromDisplayed)
  expect(dueDays, 'earliest due first, so overdue actions lead').toEqual([...dueDays].sort())
  const overdue = dueCells.map((cell) => cell.startsWith('Overdue'))
  expect(overdue[0], 'the demo caseload has overdue actions, and they come first').toBe(true)
  expect(
    overdue.indexOf(false) === -1 || overdue.lastIndexOf(true) < overdue.indexOf(false),
    'no overdue action after one that is not',
  ).toBe(true)
  expect(
    dueDays.filter((day, k) => overdue[k] !== day < today),
    'an action is marked overdue exactly when its day has passed',
  ).toEqual([])

  const mine = rows.filter({ hasText: actionDescription })
  expect(await mine.count()).toBe(1)
  expect((await mine.locator('td').first().innerText()).trim()).toBe(`Due today\n${displayed(today)}`)
  expect(await mine.getByRole('link', { name: john.name }).count()).toBe(1)

  const reloaded = page.waitForResponse(
    (r) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/actions',
  )
  const completed = page.waitForResponse(
    (r) => r.request().method() === 'POST' && /^\/actions\/[0-9a-f-]{36}\/complete$/.test(new URL(r.url()).pathname),
  )
  // The button's hidden words name the action, so a screen reader hears which one it completes.
  await mine.getByRole('button', { name: new RegExp(`^Done\\s*: ${actionDescription}$`) }).click()
  expect((await completed).status(), 'marking done redirects back to the list').toBe(303)
  await reloaded
  await page.waitForLoadState('load')
  await expectSuccessBanner(page, 'Action marked as done')
  expect(await page.getByText(actionDescription).count(), 'a done action leaves the list').toBe(0)
  expect(await rows.count()).toBe(dueCells.length - 1)
  await expectNoAccessibilityViolations(page, 'My actions after marking one done')
}

async function lookOverCaseloadAndCohorts(page: Page): Promise<void> {
  await followNavigation(page, 'My caseload')
  await arriveAt(page, '/caseload', 'My caseload', 'My caseload')
  const caseload = page.getByRole('table', { name: 'People you are lead officer for' })
  const johnRow = caseload.getByRole('row').filter({ has: page.getByRole('link', { name: john.name, exact: true }) })
  expect(await johnRow.count()).toBe(1)
  expect(await johnRow.innerText()).toContain('IOM Fixed')

  await followNavigation(page, 'Cohorts')
  await arriveAt(page, '/cohorts', 'Cohorts', 'Cohorts')
  await page.getByLabel('Programme').selectOption({ label: 'IOM Fixed' })
  await page.getByRole('button', { name: 'Apply filters' }).click()
  await page.waitForURL((url) => url.pathname === '/cohorts' && url.searchParams.get('programme') === 'iom_fixed')
  expect(await headingOf(page)).toBe('Cohorts')
  await expectNoAccessibilityViolations(page, 'Cohorts filtered to IOM Fixed')
  expect(await page.getByLabel('Programme').inputValue(), 'the filter stays chosen').toBe('iom_fixed')
  const rows = page.getByRole('table', { name: 'Open cohort memberships' }).locator('tbody').getByRole('row')
  expect(await rows.count(), 'IOM Fixed has members').toBeGreaterThan(0)
  const programmes = await rows.locator('td:nth-child(2)').allInnerTexts()
  expect(new Set(programmes.map((p) => p.trim()))).toEqual(new Set(['IOM Fixed']))
  expect(await rows.filter({ has: page.getByRole('link', { name: john.name, exact: true }) }).count()).toBe(1)
}

describe("an IOM officer's round", () => {
  it('when the IOM officer finds John Smith by a misspelt alias, records a contact and an action, and clears the action from My actions, every page is accessible', async () => {
    const today = todayInLondon()
    await journey(async (page, watch) => {
      await signIn(page, 'iom')
      const officer = await signedInName(page)
      const personPath = await findJohnByAlias(page)
      await checkJohnsRecord(page, officer)
      await recordContact(page, watch, personPath, today)
      await setAction(page, personPath, officer, today)
      await clearActionFromMyActions(page, today)
      await lookOverCaseloadAndCohorts(page)
    })
  })
})

describe("the supervisor's panel", () => {
  it('when the supervisor accepts a pending referral, the form first refuses empty answers, then the person is adopted at the tier chosen', async () => {
    const today = todayInLondon()
    await journey(async (page, watch) => {
      await signIn(page, 'supervisor')
      const supervisor = await signedInName(page)
      await followNavigation(page, 'Referrals')
      await arriveAt(page, '/referrals', 'Referrals awaiting the panel', 'Referrals')

      const first = page
        .getByRole('table', { name: 'Pending referrals, oldest first' })
        .locator('tbody')
        .getByRole('row')
        .first()
      const programme = (await first.locator('td').nth(2).innerText()).trim()
      const link = first.getByRole('link')
      const name = (await link.innerText()).trim()
      await link.click()
      await arriveAt(page, /^\/referrals\/[0-9a-f-]{36}$/, name, 'the panel decision page')
      const referralPath = pathOf(page)

      await submitExpectingRefusal(page, watch, 'Accept referral', `${referralPath}/accept`)
      expect(await headingOf(page)).toBe(name)
      await expectErrorSummary(page, 'the panel decision page', [
        { field: 'tier', message: 'Select a tier' },
        { field: 'score', message: 'Enter the selection score' },
        { field: 'leadOfficerId', message: 'Select a lead officer' },
      ])

      await page.getByRole('group', { name: 'Tier' }).getByLabel('Amber', { exact: true }).check()
      await typeInto(page.getByLabel('Selection score'), '62')
      await page.getByLabel('Scoring method').selectOption({ label: 'Recency, frequency, gravity' })
      await typeDate(page, 'Date of the score', today)
      await page.getByLabel('Lead officer').selectOption({ label: supervisor })
      await page.getByRole('button', { name: 'Accept referral' }).click()
      await arriveAt(page, /^\/people\/[0-9a-f-]{36}$/, name, "the adopted person's record")

      await expectSuccessBanner(page, 'Referral accepted: the person is adopted')
      const membership = page
        .getByRole('table', { name: 'Cohort memberships' })
        .getByRole('row')
        .filter({ hasText: programme })
      expect(await membership.count()).toBe(1)
      const cells = (await membership.getByRole('cell').allInnerTexts()).map((c) => c.trim())
      expect(cells.slice(0, 6)).toEqual([programme, 'Active', 'Amber', supervisor, displayed(today), '62 (rfg)'])
    })
  })
})
