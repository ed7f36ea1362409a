import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../server/domain/time.ts'
import { entry, failure, marker, person } from '../features/cid/cidSupport.ts'
import { expectNoAccessibilityViolations } from './support/accessibility.ts'
import { arriveAt, followNavigation, signIn } from './support/journey.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// Each role that has a task list opens it from the navigation, sees its own items, and follows
// the first one's link to the page where the work is done. CID's item is arranged here (the demo
// data has no one on the list within 30 days of the time bar); the others come from the demo data.

const running = useAppAndBrowser()

beforeAll(async () => {
  const wanted = await person(running.app.db, { surname: 'Tasklisted' })
  await marker(running.app.db, wanted.id, 'violent')
  const today = todayInLondon()
  await entry(
    running.app.db,
    await failure(running.app.db, wanted.id, { failureDate: addDays(today, -175), timeBarDate: addDays(today, 5) }),
  )
})

async function openTasksAndAct(page: Page, username: string) {
  await signIn(page, username)
  await followNavigation(page, 'Tasks')
  await arriveAt(page, '/tasks', 'Tasks', `${username}'s task list`)
  const actions = page.getByRole('table', { name: 'Tasks waiting for you, oldest first' }).locator('a[data-task-kind]')
  expect(await actions.count(), `${username} has tasks`).toBeGreaterThan(0)
  const first = actions.first()
  const kind = (await first.getAttribute('data-task-kind')) ?? ''
  const href = (await first.getAttribute('href')) ?? ''
  // The filter narrows the list to the first item's kind, and its link is still there.
  await page.getByRole('navigation', { name: 'Kinds of task' }).locator(`a[href="/tasks?kind=${kind}"]`).click()
  await page.waitForURL((url) => url.search === `?kind=${kind}`)
  await expectNoAccessibilityViolations(page, `${username}'s ${kind} tasks`)
  await page.locator(`a[data-task-kind="${kind}"][href="${href}"]`).first().click()
  await page.waitForURL((url) => url.pathname === new URL(href, running.app.baseUrl).pathname)
  await page.waitForLoadState('load')
  await expectNoAccessibilityViolations(page, `the page of a ${kind} task`)
}

describe('the task list journey', () => {
  it.each(['supervisor', 'iom', 'dip', 'cid'])(
    '%s opens Tasks, sees their items and follows one to act',
    async (username) => {
      const { context, page, watch } = await running.openPage()
      try {
        await openTasksAndAct(page, username)
        if (username === 'cid') expect(await page.locator('main').innerText()).toContain('TASKLISTED')
        expect(watch.problems()).toEqual([])
      } finally {
        await context.close()
      }
    },
  )
})
