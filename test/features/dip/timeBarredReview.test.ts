import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/http/dates.ts'
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
  it('a wanted failure past its time bar is closed automatically and listed for review on the Failures page', async () => {
    const who = await person(t.db, { surname: 'Timebarreview' })
    const failed = await failure(t.db, who.id, { status: 'wanted', timeBarDate: addDays(todayInLondon(), -3) })
    const dip = await signInAs(t.app, 'dip')
    const page = await dip.agent.get('/failures').expect(200)
    const review = page.text.slice(page.text.indexOf('Time-barred in the last 90 days'))
    expect(review).toContain('TIMEBARREVIEW')
    const row = await t.db.selectFrom('dip_failure').select('status').where('id', '=', failed.id).executeTakeFirstOrThrow()
    expect(row.status).toBe('time_barred')
  })
})
