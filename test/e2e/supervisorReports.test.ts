import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { addDays, addMonths, todayInLondon } from '../../server/domain/time.ts'
import { createPerson } from '../helpers/factories.ts'
import type { PageWatch } from './support/browser.ts'
import {
  arriveAt,
  displayed,
  expectErrorSummary,
  expectSuccessBanner,
  followNavigation,
  headingOf,
  signIn,
  typeDate,
  typeInto,
} from './support/journey.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// The supervisor's oversight pages: the performance report, who has looked at a record, a
// user's activity, retention reviews and the subject access pack. Every page passes axe.

const running = useAppAndBrowser()
let viewed: { id: string; name: string }
let due: { id: string; name: string }

beforeAll(async () => {
  const person = await createPerson(running.app.db, { forenames: 'Robin' })
  viewed = { id: person.id, name: `${person.surname.toUpperCase()}, Robin` }
  // Never adopted and untouched for four years: due for review under the 3-year rule.
  const longAgo = new Date(`${addMonths(todayInLondon(), -48)}T10:00:00Z`)
  const old = await createPerson(running.app.db, { forenames: 'Morgan', created_at: longAgo, updated_at: longAgo })
  due = { id: old.id, name: `${old.surname.toUpperCase()}, Morgan` }
})

async function journey(steps: (page: Page, watch: PageWatch) => Promise<void>): Promise<void> {
  const { context, page, watch } = await running.openPage()
  try {
    await steps(page, watch)
    expect(watch.problems()).toEqual([])
  } finally {
    await context.close()
  }
}

/** Presses a button where the app should refuse the request with a 400, telling the page watch that it is meant. */
async function pressExpectingRefusal(page: Page, watch: PageWatch, button: string, url: string): Promise<void> {
  watch.expectStatus(400, url)
  const refused = page.waitForResponse((r) => r.url() === new URL(url, running.app.baseUrl).toString())
  await page.getByRole('button', { name: button, exact: true }).click()
  expect((await refused).status()).toBe(400)
  await page.waitForLoadState('load')
}

describe('a supervisor’s reports and reviews', () => {
  it('the performance report, its charts and a refused period', async () => {
    await journey(async (page, watch) => {
      await signIn(page, 'supervisor')
      await followNavigation(page, 'Performance')
      await arriveAt(page, '/performance', 'Performance', 'the performance report')
      const charts = page.getByRole('img')
      expect(await charts.count(), 'two charts, each an image with a name').toBe(2)
      expect(await charts.first().getAttribute('aria-labelledby')).toBe('chart-cohort-title chart-cohort-desc')
      expect(await page.getByRole('table').count(), 'six tables and each chart’s figures').toBe(10)

      const from = addMonths(todayInLondon(), -1)
      const to = addMonths(todayInLondon(), -3)
      await typeDate(page, 'From', from)
      await typeDate(page, 'To', to)
      const part = (iso: string) => ({
        d: String(Number(iso.slice(8, 10))),
        m: String(Number(iso.slice(5, 7))),
        y: iso.slice(0, 4),
      })
      const [f, t] = [part(from), part(to)]
      await pressExpectingRefusal(
        page,
        watch,
        'Show figures',
        `/performance?from-day=${f.d}&from-month=${f.m}&from-year=${f.y}&to-day=${t.d}&to-month=${t.m}&to-year=${t.y}&areaId=&wardId=`,
      )
      expect(await headingOf(page)).toBe('Performance')
      await expectErrorSummary(page, 'the performance report', [
        { field: 'to', message: 'The to date must be on or after the from date' },
      ])
    })
  })

  it('the monthly intelligence meeting pack, chosen from the report and printed without navigation', async () => {
    await journey(async (page) => {
      await signIn(page, 'supervisor')
      await followNavigation(page, 'Performance')
      await page.getByRole('link', { name: 'Monthly intelligence meeting pack' }).click()
      await arriveAt(page, '/performance/pack', 'Monthly intelligence meeting pack', 'the choice of month')
      const lastMonth = addMonths(`${todayInLondon().slice(0, 7)}-01`, -1)
      const monthName = new Date(`${lastMonth}T00:00:00Z`).toLocaleDateString('en-GB', {
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      })
      expect(await page.getByLabel('Month').inputValue(), 'last month is offered first').toBe(lastMonth.slice(0, 7))
      await page.getByRole('button', { name: 'Produce the pack' }).click()
      await page.waitForURL((url) => url.searchParams.get('month') === lastMonth.slice(0, 7))
      await arriveAt(page, '/performance/pack', monthName, 'the meeting pack')
      expect(await page.getByRole('navigation').count(), 'printed without the service navigation').toBe(0)
      expect(await page.getByRole('heading', { name: 'Decisions needed' }).count()).toBe(1)
      // The demo caseload has referrals waiting and failures awaiting a statement in East Area.
      expect(await page.getByRole('table', { name: /^Referrals awaiting the panel \([1-9]/ }).count()).toBe(1)
      expect(await page.getByRole('table').count(), 'ten tables and each chart’s figures').toBe(14)
    })
  })

  it('who has looked at a record, and what one user did', async () => {
    await journey(async (page) => {
      await signIn(page, 'supervisor')
      await page.goto(`/people/${viewed.id}`)
      await arriveAt(page, `/people/${viewed.id}`, viewed.name, 'the person page')
      await page.getByRole('link', { name: 'Who has looked at this record' }).click()
      await arriveAt(
        page,
        `/people/${viewed.id}/audit`,
        'Who has looked at this record',
        'who has looked at this record',
      )
      const entries = page.getByRole('table', { name: 'Audit entries, newest first' })
      expect(
        await entries.getByRole('row').filter({ hasText: 'person viewed' }).count(),
        'the supervisor’s own look at the person',
      ).toBeGreaterThan(0)

      await followNavigation(page, 'User activity')
      await arriveAt(page, '/audit/users', 'User activity', 'the list of users')
      // The supervisor's own activity: this journey has just made some.
      await page.getByRole('link', { name: /\(supervisor\)$/ }).click()
      await arriveAt(page, /^\/audit\/users\/[0-9a-f-]{36}$/, 'User activity', 'one user’s activity')
      expect(await page.getByRole('table', { name: 'By day' }).count()).toBe(1)
      const activity = page.getByRole('table', { name: 'Audit entries, newest first' })
      expect(
        await activity.getByRole('link', { name: viewed.name, exact: true }).count(),
        'the entries name the person looked at',
      ).toBeGreaterThan(0)
    })
  })

  it('a retention review: the pack of everything held, a refused disposal, then the record retained', async () => {
    await journey(async (page, watch) => {
      await signIn(page, 'supervisor')
      await followNavigation(page, 'Retention reviews')
      await arriveAt(page, '/retention', 'Retention reviews', 'the retention queue')
      await page.getByRole('link', { name: due.name, exact: true }).click()
      await arriveAt(page, `/people/${due.id}/retention`, 'Retention review', 'a retention review')

      await page.getByRole('link', { name: 'Everything held (subject access pack)' }).click()
      await arriveAt(
        page,
        `/people/${due.id}/subject-access`,
        `Subject access pack: ${due.name}`,
        'the subject access pack',
      )
      expect(await page.getByRole('navigation').count(), 'a printable page: no service navigation').toBe(0)
      await page.goBack()
      await arriveAt(page, `/people/${due.id}/retention`, 'Retention review', 'the retention review again')

      await page.getByLabel('Dispose', { exact: true }).check()
      await typeInto(page.getByLabel('Reason', { exact: true }), 'No contact for four years')
      await pressExpectingRefusal(page, watch, 'Record decision', `/people/${due.id}/retention`)
      await expectErrorSummary(page, 'the retention review', [
        { field: 'confirmDisposal', message: 'Confirm that the record is to be erased: this cannot be undone' },
      ])

      const next = addDays(addMonths(todayInLondon(), 12), 1)
      await page.getByLabel('Retain', { exact: true }).check()
      await typeInto(page.getByLabel('Reason', { exact: true }), 'Named in an open investigation: keep for a year')
      await typeDate(page, 'Next review date (if retained)', next)
      await page.getByRole('button', { name: 'Record decision', exact: true }).click()
      await arriveAt(page, '/retention', 'Retention reviews', 'the retention queue after the decision')
      await expectSuccessBanner(page, `Record retained until the next review on ${displayed(next)}`)
      expect(
        await page.getByRole('link', { name: due.name, exact: true }).count(),
        'a retained record leaves the queue',
      ).toBe(0)
    })
  })
})
