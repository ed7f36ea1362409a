import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { demoUsernames } from '../../db/seed/demo.ts'
import { roleCan } from '../../server/auth/permissions.ts'
import { agencyLabels, roleLabels } from '../../server/auth/roles.ts'
import type { SessionUser } from '../../server/auth/sessionUser.ts'
import { findActiveSessionUser, findUserByUsername } from '../../server/features/users/usersRepository.ts'
import { navigationFor } from '../../server/http/navigation.ts'
import { demoPassword } from '../helpers/constants.ts'
import { expectNoAccessibilityViolations } from './support/accessibility.ts'
import type { PageWatch } from './support/browser.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// Every demo account is seeded into the same basic command unit.
const running = useAppAndBrowser()
const demoArea = 'East Area BCU'

/** The demo user exactly as the app loads them for each request once they are signed in. */
async function demoUser(username: string): Promise<SessionUser> {
  const account = await findUserByUsername(running.app.db, username)
  const user = account && (await findActiveSessionUser(running.app.db, account.id))
  if (!user) throw new Error(`Demo user ${username} is not in the seeded database`)
  return user
}

function pathOf(page: Page): string {
  const url = new URL(page.url())
  return `${url.pathname}${url.search}`
}

async function headingOf(page: Page): Promise<string> {
  return ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim()
}

async function signInWithKeyboard(page: Page, username: string): Promise<void> {
  await page.getByLabel('Username').click()
  await page.keyboard.type(username)
  await page.keyboard.press('Tab')
  expect(await page.locator(':focus').getAttribute('id'), 'Tab moves from Username to Password').toBe('password')
  await page.keyboard.type(demoPassword)
  const signedIn = page.waitForURL((url) => url.pathname === '/')
  await page.keyboard.press('Enter')
  await signedIn
}

async function navigationTexts(page: Page): Promise<string[]> {
  const links = page.getByRole('navigation', { name: 'Menu' }).getByRole('link')
  return (await links.allInnerTexts()).map((text) => text.trim())
}

/** The administrator's pages: the list, the blank form, and the form sent back with errors. */
async function manageUsers(page: Page, watch: PageWatch): Promise<void> {
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Users' }).click()
  await page.waitForURL((url) => url.pathname === '/admin/users')
  expect(await headingOf(page)).toBe('Users')
  expect(
    await page.getByRole('table').getByRole('row').count(),
    'a header row and a row for each demo account',
  ).toBeGreaterThan(demoUsernames.length)
  await expectNoAccessibilityViolations(page, 'the Users list')

  await page.getByRole('button', { name: 'Add a user' }).click()
  await page.waitForURL((url) => url.pathname === '/admin/users/new')
  expect(await headingOf(page)).toBe('Add a user')
  await expectNoAccessibilityViolations(page, 'Add a user')

  watch.expectStatus(400, '/admin/users')
  const refused = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/admin/users',
  )
  await page.getByRole('button', { name: 'Create user' }).click()
  expect((await refused).status()).toBe(400)
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor()
  expect(await page.title()).toMatch(/^Error: /)
  expect(await page.locator('.govuk-error-summary__list li').count()).toBeGreaterThan(0)
  await expectNoAccessibilityViolations(page, 'Add a user with errors')
}

describe('signing in and out as each demo role', () => {
  it.each(demoUsernames)(
    'when %s signs in through the form, they see who they are and only the navigation their role allows, and can sign out',
    async (username) => {
      const user = await demoUser(username)
      const expectedNavigation = navigationFor(user, '/').map((item) => item.text)
      expect(expectedNavigation[0], 'everyone who can sign in has a home page').toBe('Home')

      const { context, page, watch } = await running.openPage()
      try {
        await page.goto('/')
        expect(pathOf(page)).toBe('/sign-in?returnTo=%2F')
        expect(await headingOf(page)).toBe('Sign in to Cohort')
        await expectNoAccessibilityViolations(page, 'the sign-in page')

        await signInWithKeyboard(page, username)
        const banner = page.getByRole('banner')
        expect(await banner.locator('.cohort-header__user-name').innerText()).toBe(user.displayName)
        const role = user.agency ? `${roleLabels[user.role]} – ${agencyLabels[user.agency]}` : roleLabels[user.role]
        expect(await banner.locator('.cohort-header__user-role').innerText()).toBe(role)
        expect(await banner.locator('.cohort-header__user-area').innerText()).toBe(demoArea)
        expect(await navigationTexts(page)).toEqual(expectedNavigation)
        await expectNoAccessibilityViolations(page, 'the home page')

        if (roleCan(user.role, 'users.manage')) await manageUsers(page, watch)

        watch.expectStatus(404, '/no-such-page')
        const missing = await page.goto('/no-such-page')
        expect(missing?.status()).toBe(404)
        expect(await headingOf(page)).toBe('Page not found')
        await expectNoAccessibilityViolations(page, 'the page-not-found page')

        await page.getByRole('button', { name: 'Sign out' }).click()
        await page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('signedOut') === '1')
        expect(await page.getByText('You have signed out.').isVisible()).toBe(true)
        expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0)
        await expectNoAccessibilityViolations(page, 'the sign-in page after signing out')

        await page.goto('/')
        expect(pathOf(page), 'the session ended: home asks for sign-in again').toBe('/sign-in?returnTo=%2F')

        expect(watch.problems()).toEqual([])
      } finally {
        await context.close()
      }
    },
  )

  it('the demo accounts include someone who manages users, so the user administration pages are walked and checked', async () => {
    const users = await Promise.all(demoUsernames.map(demoUser))
    expect(users.some((user) => roleCan(user.role, 'users.manage'))).toBe(true)
  })
})
