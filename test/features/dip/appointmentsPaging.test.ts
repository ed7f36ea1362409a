import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageSize } from '../../../server/http/paging.ts'
import { tablesOf, textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { appointment, person, today } from '../cid/cidSupport.ts'

// Today's appointments come fifty to a page, in time order, with how many there are in all; the
// consultation logged names only the people on the page shown.

let t: TestApp
let dip: { agent: Agent; csrf: string }

beforeAll(async () => {
  t = await createTestApp()
  dip = await signInAs(t.app, 'dip')
  for (let i = 0; i < pageSize + 5; i++) await appointment(t.db, (await person(t.db)).id, { scheduledOn: today() })
})
afterAll(async () => {
  await t.close()
})

const rowsOf = (html: string) => tablesOf(html).find((table) => table.caption.startsWith('Required assessment appointments'))?.rows ?? []

async function lastAudit() {
  return t.db.selectFrom('audit_event').select(['event', 'detail']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
}

describe('today’s appointments, a page at a time', () => {
  it('shows the first fifty, how many there are, and a link to the next page; logs the people shown', async () => {
    const page = await dip.agent.get('/appointments').expect(200)
    const total = Number(/Showing 1 to 50 of (\d+)/.exec(textOf(page.text))?.[1])
    expect(total).toBeGreaterThanOrEqual(pageSize + 5)
    expect(rowsOf(page.text)).toHaveLength(pageSize)
    expect(page.text).toContain('href="/appointments?page=2"')
    const audit = await lastAudit()
    expect(audit.event).toBe('appointments.listed')
    const shown = [...new Set([...page.text.matchAll(/<td class="govuk-table__cell"><a class="govuk-link" href="\/people\/([0-9a-f-]{36})"/g)].map((m) => m[1]))]
    expect(new Set((audit.detail as { personIds: string[] }).personIds)).toEqual(new Set(shown))
  })

  it('the last page holds the rest, and a previous link', async () => {
    const first = await dip.agent.get('/appointments').expect(200)
    const total = Number(/of (\d+)/.exec(textOf(first.text))?.[1])
    const pages = Math.ceil(total / pageSize)
    const last = await dip.agent.get(`/appointments?page=${pages}`).expect(200)
    expect(rowsOf(last.text)).toHaveLength(total - (pages - 1) * pageSize)
    expect(last.text).toContain(`href="/appointments?page=${pages - 1}"`)
    expect(last.text).not.toContain('rel="next"')
  })

  it('keeps the seven-day range on its page links', async () => {
    const week = await dip.agent.get('/appointments?range=week').expect(200)
    expect(week.text).toContain('href="/appointments?range=week&amp;page=2"')
  })

  it('refuses a page that is not a whole number from 1, and logs nothing', async () => {
    const before = await lastAudit()
    for (const page of ['0', 'abc', '-1', '1.5']) await dip.agent.get(`/appointments?page=${page}`).expect(400)
    expect(await lastAudit()).toEqual(before)
  })
})
