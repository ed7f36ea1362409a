import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { todayInLondon } from '../../server/domain/time.ts'
import { daysFromToday, failure, marker, person, shownName } from '../features/cid/cidSupport.ts'
import { expectNoAccessibilityViolations } from './support/accessibility.ts'
import type { PageWatch } from './support/browser.ts'
import {
  arriveAt,
  expectErrorSummary,
  expectSuccessBanner,
  followNavigation,
  headingOf,
  signIn,
  typeDate,
  typeInto,
} from './support/journey.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// The hand-off to CID: the system proposes a violent person wanted for a DIP failure, the
// supervisor countersigns with a rationale, and a CID officer works the list, prints the
// briefing sheet and records the arrest, after which the person leaves the list.

const running = useAppAndBrowser()
let wanted: { name: string; personId: string }
const rationale = 'Assaulted a custody detention officer last month; arrest before the time bar.'
const custodyNumber = 'KD/04417/26'

beforeAll(async () => {
  const who = await person(running.app.db, { forenames: 'Dale' })
  await marker(running.app.db, who.id, 'violent', { startDate: daysFromToday(-90) })
  await failure(running.app.db, who.id, { failureDate: daysFromToday(-12) })
  // The scheduled sweep makes the system's proposal (pages only read): run once here in its place.
  await running.app.services.dipService.sweep()
  wanted = { name: shownName(who), personId: who.id }
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

async function navigationTexts(page: Page): Promise<string[]> {
  return (await page.getByRole('navigation', { name: 'Menu' }).getByRole('link').allInnerTexts()).map((text) =>
    text.trim(),
  )
}

/** Presses a form's button where the app should refuse the form, telling the page watch the 400 is meant. */
async function submitExpectingRefusal(
  page: Page,
  watch: PageWatch,
  button: RegExp | string,
  path: string,
): Promise<void> {
  watch.expectStatus(400, path)
  const refused = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path)
  await page.getByRole('button', { name: button }).click()
  expect((await refused).status()).toBe(400)
  await page.waitForLoadState('load')
}

async function entryIdOf(personId: string): Promise<string> {
  const row = await running.app.db
    .selectFrom('cid_entry')
    .select('id')
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow()
  return row.id
}

describe('the hand-off of a violent wanted person to CID', () => {
  it('the supervisor countersigns the proposal with a rationale, after the empty form is refused', async () => {
    await journey(async (page, watch) => {
      await signIn(page, 'supervisor')
      await followNavigation(page, 'CID proposals')
      await arriveAt(page, '/cid/proposals', 'CID hand-offs awaiting a decision', 'CID proposals')

      const card = page.locator('.govuk-summary-card', {
        has: page.getByRole('heading', { name: wanted.name, exact: true }),
      })
      expect(await card.count(), 'the system proposed the violent wanted person').toBe(1)
      expect(await card.innerText()).toContain('By the system')
      const entryId = await entryIdOf(wanted.personId)
      const countersign = new RegExp(`^Countersign\\s+${wanted.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)

      await submitExpectingRefusal(page, watch, countersign, `/cid/${entryId}/countersign`)
      expect(await headingOf(page)).toBe('CID hand-offs awaiting a decision')
      await expectErrorSummary(page, 'CID proposals', [
        { field: `countersign-${entryId}`, message: 'Enter your rationale' },
      ])

      await typeInto(page.locator(`#countersign-${entryId}`), rationale)
      await page.getByRole('button', { name: countersign }).click()
      await arriveAt(page, '/cid/proposals', 'CID hand-offs awaiting a decision', 'CID proposals after countersigning')
      await expectSuccessBanner(page, 'Countersigned: the entry is now on the CID list')
      expect(
        await page.getByRole('heading', { name: wanted.name, exact: true }).count(),
        'a decided proposal leaves the queue',
      ).toBe(0)
    })
  })

  it('the CID officer sees only the list, prints the briefing sheet and records the arrest, and the person leaves the list', async () => {
    const today = todayInLondon()
    await journey(async (page, watch) => {
      await signIn(page, 'cid')
      expect(await navigationTexts(page)).toEqual(['Home', 'Tasks', 'Wanted for DIP failure'])

      await followNavigation(page, 'Wanted for DIP failure')
      await arriveAt(page, '/cid', 'Wanted for DIP failure — violent', 'the CID list')
      const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: wanted.name, exact: true }) })
      expect(await row.count(), 'the countersigned person is on the list').toBe(1)
      expect(await row.innerText()).toContain('Violent')

      await row.getByRole('link', { name: wanted.name, exact: true }).click()
      await arriveAt(page, /^\/cid\/[0-9a-f-]{36}\/briefing$/, wanted.name, 'the briefing sheet')
      const briefingPath = new URL(page.url()).pathname
      expect(await page.locator('body.cohort-printable').count(), 'the print layout').toBe(1)
      expect(await page.getByRole('navigation').count(), 'no service navigation on the sheet').toBe(0)
      // The sheet's marking sits in a <header> landmark of its own; the service's header is not there.
      expect(await page.locator('.govuk-header').count(), 'no service header on the sheet').toBe(0)
      expect(await page.getByText('CID briefing sheet').count()).toBe(1)
      const countersigned = page.locator('.govuk-summary-list__row', {
        has: page.getByText('Countersigned', { exact: true }),
      })
      expect(
        (await countersigned.innerText()).trim(),
        'the supervisor’s rationale is on the sheet, with who countersigned',
      ).toMatch(new RegExp(`, \\d.*: ${rationale.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))

      const outcomePath = briefingPath.replace(/briefing$/, 'outcome')
      await page.getByLabel('Arrested', { exact: true }).check()
      await submitExpectingRefusal(page, watch, 'Save outcome', outcomePath)
      await expectErrorSummary(page, 'the briefing sheet', [
        { field: 'reference', message: 'Enter the custody number of the arrest' },
      ])

      expect(await page.getByLabel('Arrested', { exact: true }).isChecked(), 'the choice is kept').toBe(true)
      await typeDate(page, 'Date', today)
      await typeInto(page.getByLabel('Custody number (for an arrest) or other reference'), custodyNumber)
      await page.getByRole('button', { name: 'Save outcome' }).click()
      await arriveAt(page, '/cid', 'Wanted for DIP failure — violent', 'the CID list after the arrest')
      await expectSuccessBanner(page, 'Outcome recorded')
      expect(
        await page.getByRole('link', { name: wanted.name, exact: true }).count(),
        'the arrested person leaves the list',
      ).toBe(0)
      await expectNoAccessibilityViolations(page, 'the CID list after the arrest')
    })

    const failed = await running.app.db
      .selectFrom('dip_failure')
      .select('status')
      .where('person_id', '=', wanted.personId)
      .executeTakeFirstOrThrow()
    expect(failed.status).toBe('arrested')
    const events = await running.app.db
      .selectFrom('dip_failure_event')
      .select(['kind', 'reference'])
      .where(
        'failure_id',
        'in',
        running.app.db.selectFrom('dip_failure').select('id').where('person_id', '=', wanted.personId),
      )
      .execute()
    expect(events).toEqual([{ kind: 'arrested', reference: custodyNumber }])
  })
})
