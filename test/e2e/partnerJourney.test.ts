import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../server/domain/time.ts'
import { expectNoAccessibilityViolations } from './support/accessibility.ts'
import type { PageWatch } from './support/browser.ts'
import { arriveAt, displayed, expectErrorSummary, followNavigation, signIn } from './support/journey.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// A MASH case of the journey's own, so the journey does not depend on which demo person the seed picked.
const running = useAppAndBrowser()
const person = {
  surname: 'Quenby',
  forenames: 'Morgan',
  dateOfBirth: '1993-08-21',
  address: '9 Lavender Close, Romford RM3 7QT',
}
const reference = 'MASH-31415'
const policeOnly = ['9 Lavender Close', 'Warning marker', 'PNC ID']

let linkId = ''

beforeAll(async () => {
  const db = running.app.db
  const havering = await db.selectFrom('area').select('id').where('code', '=', 'HV').executeTakeFirstOrThrow()
  const iom = await db.selectFrom('app_user').select('id').where('username', '=', 'iom').executeTakeFirstOrThrow()
  const agreement = await db
    .selectFrom('sharing_agreement')
    .select('id')
    .where('agency', '=', 'mash')
    .where('ends_on', 'is', null)
    .executeTakeFirstOrThrow()
  const row = await db
    .insertInto('person')
    .values({
      surname: person.surname,
      forenames: person.forenames,
      date_of_birth: person.dateOfBirth,
      gender: 'female',
      address: person.address,
      area_id: havering.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const today = todayInLondon()
  const link = await db
    .insertInto('partner_link')
    .values({
      person_id: row.id,
      agency: 'mash',
      reference,
      opened_on: addDays(today, -4),
      contact: 'East Area MASH duty desk',
      agreement_id: agreement.id,
      brag_rating: 'red',
      mash_decision: 'strategy_discussion',
      decision_date: addDays(today, -3),
      children_involved: 2,
      created_by: iom.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  linkId = link.id
})

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

async function navigationTexts(page: Page): Promise<string[]> {
  return (await page.getByRole('navigation', { name: 'Menu' }).getByRole('link').allInnerTexts()).map((text) =>
    text.trim(),
  )
}

describe('the MASH partner’s journey', () => {
  it('signs in, sees only their cases, is told what is wrong with an edit, then changes the BRAG rating and sees it in the history', async () => {
    await journey(async (page, watch) => {
      await signIn(page, 'partner')
      expect(await navigationTexts(page)).toEqual(['Home', 'Partner cases'])

      await followNavigation(page, 'Partner cases')
      await arriveAt(page, '/partner-cases', 'Partner cases', 'the partner cases list')
      const cases = page.getByRole('table', { name: 'Cases of your agency, open first' })
      const row = cases.getByRole('row').filter({
        has: page.getByRole('link', { name: `${person.surname.toUpperCase()}, ${person.forenames}`, exact: true }),
      })
      expect(await row.count()).toBe(1)
      expect(await row.innerText()).toContain(displayed(person.dateOfBirth))
      expect(await row.innerText()).toContain('MASH — RED rating, Strategy discussion')
      const listText = await page.locator('main').innerText()
      for (const hidden of policeOnly) expect(listText).not.toContain(hidden)

      await row.getByRole('link', { name: `${person.surname.toUpperCase()}, ${person.forenames}`, exact: true }).click()
      await arriveAt(page, `/partner-cases/${linkId}`, 'MASH — RED rating, Strategy discussion', 'the case page')
      const details = await page.locator('.govuk-summary-list').innerText()
      expect(details).toContain(reference)
      expect(details).toContain('Red: decision within 2 hours')
      const caseText = await page.locator('main').innerText()
      for (const hidden of policeOnly) expect(caseText).not.toContain(hidden)
      expect(caseText).toContain('No changes since the case was linked.')
      // A partner's form offers only what a partner may change.
      expect(await page.getByLabel('Owner or contact').count()).toBe(0)
      expect(await page.getByLabel('Decision', { exact: true }).count()).toBe(0)

      // Closing the case without saying when is refused, with the GOV.UK error summary.
      await page.getByRole('group', { name: 'Status' }).getByLabel('Closed', { exact: true }).check()
      watch.expectStatus(400, `/partner-cases/${linkId}`)
      const refused = page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/partner-cases/${linkId}`,
      )
      await page.getByRole('button', { name: 'Save changes', exact: true }).click()
      expect((await refused).status()).toBe(400)
      await page.waitForLoadState('load')
      await expectErrorSummary(page, 'the case page', [
        { field: 'closedOn', message: 'Enter the date the case was closed' },
      ])

      // Change of mind: keep it open and raise the rating to amber.
      await page.getByRole('group', { name: 'Status' }).getByLabel('Open', { exact: true }).check()
      await page.getByLabel('BRAG rating').selectOption({ label: 'Amber: decision within 6 hours' })
      await page.getByRole('button', { name: 'Save changes', exact: true }).click()
      await arriveAt(
        page,
        `/partner-cases/${linkId}`,
        'MASH — AMBER rating, Strategy discussion',
        'the case page after the change',
      )
      const success = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Success' }) })
      expect((await success.innerText()).trim()).toContain('Case updated')
      const history = page.locator('h2', { hasText: 'History of changes' }).locator('xpath=following-sibling::ul[1]')
      expect((await history.innerText()).trim()).toContain('brag rating: red → amber')
      expect(await page.locator('.govuk-summary-list').innerText()).toContain('Amber: decision within 6 hours')
      await expectNoAccessibilityViolations(page, 'the case page with its history')

      // Back to the list: the new rating is what the list shows now.
      await page.getByRole('link', { name: 'Back to partner cases' }).click()
      await arriveAt(page, '/partner-cases', 'Partner cases', 'the partner cases list again')
      expect(await row.innerText()).toContain('MASH — AMBER rating, Strategy discussion')
    })
  })
})
