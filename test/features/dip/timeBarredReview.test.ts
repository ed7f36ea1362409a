import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { failure, person } from '../cid/cidSupport.ts'
import { signInAs } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
})

describe('time-barred failures', () => {
  it('a wanted failure past its time bar is listed for review on the Failures page at once, and closed by the sweep', async () => {
    const who = await person(t.db, { surname: 'Timebarreview' })
    const failed = await failure(t.db, who.id, { status: 'wanted', timeBarDate: addDays(todayInLondon(), -3) })
    const dip = await signInAs(t.app, 'dip')
    const page = await dip.agent.get('/failures').expect(200)
    const review = page.text.slice(page.text.indexOf('Time-barred in the last 90 days'))
    expect(review).toContain('TIMEBARREVIEW')
    const status = async () =>
      (await t.db.selectFrom('dip_failure').select('status').where('id', '=', failed.id).executeTakeFirstOrThrow())
        .status
    // The page worked the time bar out; the row changes only when the sweep runs.
    expect(await status()).toBe('wanted')
    await t.services.dipService.sweep()
    expect(await status()).toBe('time_barred')
    const again = await dip.agent.get('/failures').expect(200)
    expect(again.text.slice(again.text.indexOf('Time-barred in the last 90 days'))).toContain('TIMEBARREVIEW')
  })
})
