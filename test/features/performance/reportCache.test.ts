import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPerson, dateFields, uniqueTag } from '../../helpers/factories.ts'
import { tableCaptioned } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { buildPerformanceWorld, period, type PerformanceWorld } from './performanceDataset.ts'

// With REPORT_CACHE_MINUTES set (2 by default; the other tests use 0), the figures for a scope
// are kept in report_cache: within the minutes a new row does not change them, the page says how
// old they are, the CSV is the same figures, and past the minutes they are worked out again.

let t: TestApp
let world: PerformanceWorld
let supervisor: { agent: Agent; csrf: string }

beforeAll(async () => {
  t = await createTestApp({ REPORT_CACHE_MINUTES: '10' })
  world = await buildPerformanceWorld(t.db)
  supervisor = await signInAs(t.app, world.username)
})
afterAll(async () => {
  await t.close()
})

const query = new URLSearchParams({ ...dateFields('from', period.from), ...dateFields('to', period.to) }).toString()
const caption = 'Drug tests by month, with positivity'

async function mayTests(): Promise<string | undefined> {
  const page = await supervisor.agent.get(`/performance?${query}`).expect(200)
  return tableCaptioned(page.text, caption).rows.find((r) => r[0] === '2025-05')?.[1]
}

async function addTestInMay(): Promise<void> {
  const person = await createPerson(t.db, { areaCode: await boroughCode() })
  const dip = await t.db.selectFrom('app_user').select('id').where('username', '=', 'dip').executeTakeFirstOrThrow()
  await t.db
    .insertInto('drug_test')
    .values({
      person_id: person.id,
      custody_suite_code: 'ROMFORD',
      custody_number: `PF/${uniqueTag()}/25`,
      condition: 'arrest',
      trigger_offence_code: 'THEFT',
      sample_taken_at: new Date('2025-05-20T12:00:00Z'),
      opiates: 'negative',
      cocaine: 'negative',
      recorded_by: dip.id,
    })
    .execute()
}

async function boroughCode(): Promise<string> {
  return (await t.db.selectFrom('area').select('code').where('id', '=', world.boroughId).executeTakeFirstOrThrow()).code
}

describe('the performance report’s figures, kept for a few minutes', () => {
  it('are served from the cache within the minutes, say how old they are, and the CSV is the same figures', async () => {
    expect(await mayTests()).toBe('4')
    await addTestInMay()
    const page = await supervisor.agent.get(`/performance?${query}`).expect(200)
    expect(
      tableCaptioned(page.text, caption).rows.find((r) => r[0] === '2025-05')?.[1],
      'the new test is not counted yet',
    ).toBe('4')
    expect(page.text).toMatch(
      /Figures as at [^<]+\. They are worked out again when they are more than 10 minutes old\./,
    )
    const csv = await supervisor.agent.get(`/performance/drug-tests.csv?${query}`).expect(200)
    const rows: string[][] = parse(csv.text, { from_line: 2 })
    expect(rows.find((r) => r[0] === '2025-05')?.[1]).toBe('4')
    expect(await t.db.selectFrom('report_cache').select('key').execute()).toHaveLength(1)
  })

  it('are worked out again once older than the minutes', async () => {
    await t.db
      .updateTable('report_cache')
      .set({ computed_at: new Date(Date.now() - 11 * 60_000) })
      .execute()
    expect(await mayTests()).toBe('5')
  })
})
