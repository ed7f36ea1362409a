import { describe, expect, it } from 'vitest'
import { expectNoAccessibilityViolations } from './support/accessibility.ts'
import { arriveAt, expectErrorSummary, signIn, typeDate, typeInto } from './support/journey.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// An IOM officer opens John Smith's full contact history from his person page (the demo data
// gives him more contacts than a page holds), narrows it by type and by words in the notes, and
// mistypes a date. Each page is checked with axe as it arrives.

const running = useAppAndBrowser()
const john = { name: 'SMITH, John', pncId: '2009/0417263H' }

describe('the contact history journey', () => {
  it('goes from the person page to every contact, filters them, and explains a mistyped date', async () => {
    const { context, page, watch } = await running.openPage()
    try {
      const person = await running.app.db
        .selectFrom('person')
        .select('id')
        .where('pnc_id', '=', john.pncId)
        .executeTakeFirstOrThrow()
      const history = `/people/${person.id}/contacts`
      await signIn(page, 'iom')
      await page.goto(`/people/${person.id}`)
      await arriveAt(page, `/people/${person.id}`, john.name, "John Smith's record")

      const recent = page.locator('.govuk-grid-column-one-half', {
        has: page.getByRole('heading', { name: 'Recent contacts' }),
      })
      expect(await recent.getByRole('listitem').count()).toBe(5)
      expect(await recent.getByRole('listitem').first().innerText()).toMatch(/Outcome: /)
      const link = recent.getByRole('link', { name: /^View all contacts \(\d+\)$/ })
      const total = Number(/\((\d+)\)/.exec(await link.innerText())?.[1])
      expect(total, 'John has more contacts than one page of the history holds').toBeGreaterThan(50)
      await link.click()
      await arriveAt(page, history, 'Contact history', "John Smith's contact history")

      const table = page.getByRole('table', { name: new RegExp(`^${total} contacts, page 1 of 2$`) })
      expect(await table.locator('tbody tr').count()).toBe(50)
      await page.getByRole('navigation', { name: 'Pages' }).first().getByRole('link', { name: /Next/ }).click()
      await arriveAt(page, history, 'Contact history', 'the second page of the history')
      expect(await page.locator('tbody tr').count()).toBe(total - 50)

      await page.getByLabel('Type of contact').selectOption({ label: 'Office' })
      await typeInto(page.getByLabel('Words in the note'), 'course')
      await page.getByRole('button', { name: 'Apply filters' }).click()
      await arriveAt(page, history, 'Contact history', 'the history filtered')
      const rows = page.locator('tbody tr')
      expect(await rows.count()).toBeGreaterThan(0)
      for (const row of await rows.all()) {
        const cells = await row.getByRole('cell').allInnerTexts()
        expect(cells[1]).toContain('Office')
        expect(cells[4]?.toLowerCase()).toContain('course')
      }
      expect(await page.getByLabel('Words in the note').inputValue()).toBe('course')

      await typeDate(page, 'From', '2026-02-31')
      const refused = `${history}?type=office&q=course&from-day=31&from-month=2&from-year=2026&to-day=&to-month=&to-year=`
      watch.expectStatus(400, refused)
      await page.getByRole('button', { name: 'Apply filters' }).click()
      await page.waitForURL((url) => url.search.includes('from-day=31'))
      await page.waitForLoadState('load')
      await expectErrorSummary(page, 'the contact history', [
        { field: 'from', message: 'From date must be a real date' },
      ])
      expect(await page.getByLabel('Words in the note').inputValue()).toBe('course')
      await expectNoAccessibilityViolations(page, 'the contact history with a mistyped date')
      expect(watch.problems()).toEqual([])
    } finally {
      await context.close()
    }
  })
})
