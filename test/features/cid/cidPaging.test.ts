import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageSize } from '../../../server/http/paging.ts'
import { tablesOf, textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { daysFromToday, onTheList } from './cidSupport.ts'
import { sealed } from '../../helpers/factories.ts'

// CID's list comes fifty to a page, soonest time bar first across the pages; the disclosure
// logged for a page names only the people on it, while the CSV export is still the whole list.

let t: TestApp
let cid: { agent: Agent; csrf: string }

beforeAll(async () => {
  t = await createTestApp()
  cid = await signInAs(t.app, 'cid')
  for (let i = 0; i < pageSize + 3; i++) await onTheList(t.db, { timeBarDate: daysFromToday(20 + i) })
})
afterAll(async () => {
  await t.close()
})

const tableOf = (html: string) => tablesOf(html).find((table) => /^\d+ (people|person)/.test(table.caption))

describe('the CID list, a page at a time', () => {
  it('pages in time-bar order, says how many in all, and logs only the people shown', async () => {
    const first = await cid.agent.get('/cid').expect(200)
    const total = Number(/^(\d+) people/.exec(tableOf(first.text)?.caption ?? '')?.[1])
    expect(total).toBeGreaterThan(pageSize)
    expect(textOf(first.text)).toContain(`Showing 1 to ${pageSize} of ${total}`)
    expect(textOf(first.text)).toContain(`Page 1 of ${Math.ceil(total / pageSize)}`)
    expect(tableOf(first.text)?.rows).toHaveLength(pageSize)
    const firstAudit = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['event', 'detail'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow()
    expect(firstAudit.event).toBe('cid_list.viewed')
    expect((firstAudit.detail as { personIds: string[] }).personIds).toHaveLength(pageSize)

    const second = await cid.agent.get('/cid?page=2').expect(200)
    const rows = tableOf(second.text)?.rows ?? []
    expect(rows).toHaveLength(Math.min(pageSize, total - pageSize))
    // The time bar column: the second page starts no sooner than the first page ended.
    const bar = (row: string[] | undefined) => Date.parse((row?.[3] ?? '').replace(/ \d+ days left$/, ''))
    expect(bar(rows[0])).toBeGreaterThanOrEqual(bar(tableOf(first.text)?.rows.at(-1)))
  })

  it('keeps the filters on the page links, and the CSV is the whole list', async () => {
    const filtered = await cid.agent.get('/cid?days=200').expect(200)
    expect(filtered.text).toContain('href="/cid?days=200&amp;page=2"')
    const csv = await cid.agent.get('/cid/export.csv').expect(200)
    const total = Number(
      /^(\d+) people/.exec(tableOf((await cid.agent.get('/cid').expect(200)).text)?.caption ?? '')?.[1],
    )
    expect(parse(csv.text, { from_line: 2 })).toHaveLength(total)
  })

  it('refuses a page that is not a whole number from 1 with the filter form’s 400', async () => {
    for (const page of ['0', 'x']) await cid.agent.get(`/cid?page=${page}`).expect(400)
  })

  it('answers a page past the last with page not found, not an empty list', async () => {
    await cid.agent.get('/cid?page=999').expect(404)
  })
})
