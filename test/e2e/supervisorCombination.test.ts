import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { PageWatch } from './support/browser.ts'
import { arriveAt, expectErrorSummary, expectSuccessBanner, signIn, typeInto } from './support/journey.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// A supervisor combines the demo data's duplicate pair (one man recorded twice) and then
// reverses it. Every page passes axe.

const running = useAppAndBrowser()
let keep: { id: string; name: string }
let duplicate: { id: string; name: string }

beforeAll(async () => {
  const pair = await running.app.db
    .selectFrom('person')
    .select(['id', 'forenames', 'pnc_id'])
    .where('surname', '=', 'Brackenbury')
    .execute()
  const kept = pair.find((p) => p.pnc_id !== null)
  const other = pair.find((p) => p.pnc_id === null)
  if (!kept || !other) throw new Error('The demo data has no duplicate pair to combine')
  keep = { id: kept.id, name: `BRACKENBURY, ${kept.forenames}` }
  duplicate = { id: other.id, name: `BRACKENBURY, ${other.forenames}` }
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

describe('a supervisor combines a duplicate record', () => {
  it('finds the duplicate, checks both side by side, is refused without a reason, combines, then reverses', async () => {
    await journey(async (page, watch) => {
      await signIn(page, 'supervisor')
      await page.goto(`/people/${keep.id}`)
      await arriveAt(page, `/people/${keep.id}`, keep.name, 'the person page')
      await page.getByRole('link', { name: 'Combine with a duplicate record' }).click()
      await arriveAt(
        page,
        `/people/${keep.id}/combine`,
        'Combine with a duplicate record',
        'the first step of combining',
      )

      await page.getByRole('link', { name: `Check and combine ${duplicate.name}` }).click()
      await arriveAt(page, `/people/${keep.id}/combine`, 'Check before combining these records', 'the check page')
      const pair = page.getByRole('table', { name: 'The two records' })
      expect(await pair.getByRole('row', { name: /^Name/ }).innerText()).toContain(`alias ${duplicate.name}`)

      const url = new URL(`/people/${keep.id}/combine`, running.app.baseUrl).toString()
      watch.expectStatus(400, `/people/${keep.id}/combine`)
      const refused = page.waitForResponse((r) => r.url() === url && r.request().method() === 'POST')
      await page.getByRole('button', { name: 'Combine records', exact: true }).click()
      expect((await refused).status()).toBe(400)
      await page.waitForLoadState('load')
      await expectErrorSummary(page, 'the check page', [
        { field: 'reason', message: 'Enter why these records are the same person' },
        { field: 'confirmSamePerson', message: 'Confirm that both records are about the same person' },
      ])

      await typeInto(
        page.getByLabel('Why are these records the same person?'),
        'Custody photographs and date of birth match; PNC confirms one man',
      )
      await page.getByLabel('I have checked that both records are about the same person').check()
      await page.getByRole('button', { name: 'Combine records', exact: true }).click()
      await arriveAt(page, `/people/${keep.id}`, keep.name, 'the combined record')
      await expectSuccessBanner(page, 'The records have been combined.')

      await page.goto(`/people/${duplicate.id}`)
      await arriveAt(
        page,
        `/people/${duplicate.id}`,
        'This record has been combined with another',
        'the merged record’s old address',
      )
      await page.getByRole('link', { name: 'Open the combined record' }).click()
      await arriveAt(page, `/people/${keep.id}`, keep.name, 'the combined record again')

      await page.getByRole('link', { name: 'Combined records' }).click()
      await arriveAt(page, `/people/${keep.id}/combinations`, 'Combined records', 'the combined records page')
      await typeInto(page.getByLabel('Why are you reversing it?'), 'Combined by mistake while checking the journey')
      await page.getByRole('button', { name: 'Reverse the combination', exact: true }).click()
      await arriveAt(page, `/people/${duplicate.id}`, duplicate.name, 'the separated record')
      await expectSuccessBanner(page, 'The combination has been reversed')
    })
  })
})
