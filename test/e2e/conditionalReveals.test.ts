import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { appointment, person } from '../features/cid/cidSupport.ts'
import { demoPassword } from '../helpers/constants.ts'
import { createMembership, demoUserIds } from '../helpers/factories.ts'
import { expectNoAccessibilityViolations } from './support/accessibility.ts'
import { signIn, typeInto } from './support/journey.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// GOV.UK conditional reveals (decision 0117): with JavaScript, choosing a radio shows the fields
// that belong to it and hides the others'; without JavaScript every field is shown, the form
// still works, and the server ignores what the answers hide.

const running = useAppAndBrowser()

/** An initial assessment due yesterday, not yet attended, for a new person the DIP worker may see. */
async function dueAppointment() {
  const who = await person(running.app.db)
  const due = await appointment(running.app.db, who.id)
  return { personId: who.id, path: `/appointments/${due.id}`, id: due.id }
}

const whatHappened = (page: Page) => page.getByRole('group', { name: 'What happened?' })
const goodCause = (page: Page) =>
  page.getByRole('group', { name: 'If they did not attend or left early: was there good cause?' })

async function visible(page: Page, selectors: string[]): Promise<Record<string, boolean>> {
  const seen: Record<string, boolean> = {}
  for (const selector of selectors) seen[selector] = await page.locator(selector).isVisible()
  return seen
}

const followUpFields = ['#followUp', '#followUpDate', '#followUpTime', '#followUpPlace', '#followUpAssessor']

describe('with JavaScript', () => {
  it('the attendance form shows the follow-up under "Attended", RA4 details under RA4, the note under good cause', async () => {
    const due = await dueAppointment()
    const { context, page, watch } = await running.openPage()
    try {
      await signIn(page, 'dip')
      await page.goto(due.path)
      const all = [...followUpFields, '#goodCauseNote']
      expect(await visible(page, all), 'nothing chosen: no follow-up field shows').toEqual(
        Object.fromEntries(all.map((s) => [s, false])),
      )

      await whatHappened(page).getByLabel('Attended and remained', { exact: true }).check()
      expect(await visible(page, followUpFields)).toEqual({
        '#followUp': true,
        '#followUpDate': false,
        '#followUpTime': false,
        '#followUpPlace': false,
        '#followUpAssessor': false,
      })
      // The radio names what it reveals; aria-expanded, which ARIA does not allow on a radio, is not set.
      expect(await page.locator('#outcome').getAttribute('aria-controls')).toBe('conditional-outcome')
      expect(await page.locator('#outcome').getAttribute('aria-expanded')).toBeNull()
      await page.getByLabel('Confirm a follow-up assessment (RA4)').check()
      expect(Object.values(await visible(page, followUpFields))).toEqual([true, true, true, true, true])
      await expectNoAccessibilityViolations(page, 'the attendance form with RA4 revealed')

      await whatHappened(page).getByLabel('Did not attend', { exact: true }).check()
      expect(Object.values(await visible(page, followUpFields)), 'another answer hides them').toEqual([
        false,
        false,
        false,
        false,
        false,
      ])

      await goodCause(page).getByLabel('Yes', { exact: true }).check()
      expect(await page.locator('#goodCauseNote').isVisible()).toBe(true)
      await goodCause(page).getByLabel('No', { exact: true }).check()
      expect(await page.locator('#goodCauseNote').isVisible()).toBe(false)
      expect(watch.problems()).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('a change to a membership shows only the chosen kind’s detail', async () => {
    const users = await demoUserIds(running.app.db)
    const who = await person(running.app.db)
    const membership = await createMembership(running.app.db, { personId: who.id, leadOfficerId: users.iom })
    const { context, page, watch } = await running.openPage()
    try {
      await signIn(page, 'iom')
      await page.goto(`/memberships/${membership.id}/events/new`)
      const details = ['#tier', '#leadOfficerId', '#deselectionReason']
      expect(Object.values(await visible(page, details))).toEqual([false, false, false])
      const kind = page.getByRole('group', { name: 'What happened' })
      await kind.getByLabel('Tier changed', { exact: true }).check()
      expect(Object.values(await visible(page, details))).toEqual([true, false, false])
      await kind.getByLabel('Lead officer changed', { exact: true }).check()
      expect(Object.values(await visible(page, details))).toEqual([false, true, false])
      await kind.getByLabel('De-selected', { exact: true }).check()
      expect(Object.values(await visible(page, details))).toEqual([false, false, true])
      await kind.getByLabel('In custody (paused)', { exact: true }).check()
      expect(Object.values(await visible(page, details))).toEqual([false, false, false])
      await expectNoAccessibilityViolations(page, 'the membership change form')
      expect(watch.problems()).toEqual([])
    } finally {
      await context.close()
    }
  })
})

/** Signs in through the form alone: the shared step also runs axe, which needs JavaScript. */
async function signInWithoutJavaScript(page: Page, username: string): Promise<void> {
  await page.goto('/sign-in')
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(demoPassword)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => url.pathname === '/')
}

/**
 * axe is itself a script, so it cannot run where JavaScript is off: it checks the page as a
 * browser without JavaScript drew it (its HTML, every script taken out), with the app's styles.
 */
async function expectAccessibleWithoutJavaScript(page: Page, pageName: string): Promise<void> {
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '')
  const checker: BrowserContext = await running.browser.newContext({ baseURL: running.app.baseUrl })
  try {
    const url = page.url()
    await checker.route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }))
    const copy = await checker.newPage()
    await copy.goto(url)
    expect(await copy.evaluate('document.body.className')).not.toContain('govuk-frontend-supported')
    await expectNoAccessibilityViolations(copy, pageName)
  } finally {
    await checker.close()
  }
}

describe('without JavaScript', () => {
  it('every field shows, the page is accessible, and an attendance is recorded with what was hidden ignored', async () => {
    const due = await dueAppointment()
    const context = await running.browser.newContext({ baseURL: running.app.baseUrl, javaScriptEnabled: false })
    try {
      const page = await context.newPage()
      await signInWithoutJavaScript(page, 'dip')
      await page.goto(due.path)
      expect(await page.evaluate('document.body.className')).not.toContain('govuk-frontend-supported')
      const all = [...followUpFields, '#goodCauseNote']
      expect(await visible(page, all), 'without JavaScript every conditional field shows').toEqual(
        Object.fromEntries(all.map((s) => [s, true])),
      )
      await expectAccessibleWithoutJavaScript(page, 'the attendance form without JavaScript')

      await whatHappened(page).getByLabel('Did not attend', { exact: true }).check()
      await goodCause(page).getByLabel('Yes', { exact: true }).check()
      await typeInto(page.locator('#goodCauseNote'), 'Admitted to hospital that morning')
      // Filled in under "Attended" and RA4, which were not chosen: ignored, not refused.
      await page.getByLabel('Confirm a follow-up assessment (RA4)').check()
      await typeInto(page.locator('#followUpTime'), 'noon')
      await typeInto(page.locator('#followUpPlace'), 'Somewhere')
      await page.getByRole('button', { name: 'Save attendance', exact: true }).click()
      await page.waitForURL((url) => url.pathname === `/people/${due.personId}`)
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Attendance recorded (RA3)')

      const recorded = await running.app.db
        .selectFrom('attendance')
        .select(['outcome', 'good_cause', 'good_cause_note'])
        .where('appointment_id', '=', due.id)
        .executeTakeFirstOrThrow()
      expect(recorded).toEqual({
        outcome: 'did_not_attend',
        good_cause: true,
        good_cause_note: 'Admitted to hospital that morning',
      })
      const booked = await running.app.db
        .selectFrom('appointment')
        .select('id')
        .where('person_id', '=', due.personId)
        .execute()
      expect(booked, 'no follow-up was booked').toEqual([{ id: due.id }])
    } finally {
      await context.close()
    }
  })
})
