import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageSize } from '../../../server/http/paging.ts'
import { tablesOf, textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { appointment, person, today } from '../cid/cidSupport.ts'
import { areaIdsByCode, sealed } from '../../helpers/factories.ts'
import { appointmentsBetween } from '../../../server/features/dip/dipRepository.ts'
import { londonInstant } from '../../../server/features/dip/dipRules.ts'
import { addDays } from '../../../server/domain/time.ts'

// Today's appointments come fifty to a page, in time order, with Previous and Next (not counted:
// see appointmentsBetween); the consultation logged names only the people on the page shown.

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

const rowsOf = (html: string) =>
  tablesOf(html).find((table) => table.caption.startsWith('Required assessment appointments'))?.rows ?? []

async function lastAudit() {
  return (await sealed(t.db))
    .selectFrom('audit_event')
    .select(['event', 'detail'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()
}

describe('today’s appointments, a page at a time', () => {
  it('shows the first fifty and a link to the next page; logs the people shown', async () => {
    const page = await dip.agent.get('/appointments').expect(200)
    expect(textOf(page.text)).toMatch(new RegExp(`Showing 1 to ${pageSize} Page 1 Next`))
    expect(rowsOf(page.text)).toHaveLength(pageSize)
    expect(page.text).toContain('href="/appointments?page=2"')
    const audit = await lastAudit()
    expect(audit.event).toBe('appointments.listed')
    const shown = [
      ...new Set(
        [
          ...page.text.matchAll(
            /<td class="govuk-table__cell"[^>]*><a class="govuk-link" href="\/people\/([0-9a-f-]{36})"/g,
          ),
        ].map((m) => m[1]),
      ),
    ]
    expect(new Set((audit.detail as { personIds: string[] }).personIds)).toEqual(new Set(shown))
  })

  it('following Next reaches every appointment of the day once, in time order, and the last page has no Next', async () => {
    const total = Number(
      (
        await sql<{ n: number }>`select count(*)::int as n from appointment a join person p on p.id = a.person_id
      where (a.scheduled_at at time zone 'Europe/London')::date = ${today()}::date and p.area_id in (select area_id from user_area ua join app_user u on u.id = ua.user_id where u.username = 'dip'
        union select c.id from area c join user_area ua on ua.area_id = c.parent_id join app_user u on u.id = ua.user_id where u.username = 'dip')`.execute(
          t.db,
        )
      ).rows[0]?.n,
    )
    const seen: string[][] = []
    let url: string | undefined = '/appointments'
    let pages = 0
    while (url) {
      const html: string = (await dip.agent.get(url).expect(200)).text
      seen.push(...rowsOf(html))
      pages++
      url = /href="(\/appointments\?page=\d+)" rel="next"/.exec(html)?.[1]
    }
    expect(seen).toHaveLength(total)
    expect(pages).toBe(Math.ceil(total / pageSize))
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

  it('answers a page past the last with page not found, not an empty day', async () => {
    await dip.agent.get('/appointments?page=999').expect(404)
  })
})

describe('appointments of several boroughs, merged a page at a time', () => {
  it('gives every open appointment of the range once, in time order, across the boroughs', async () => {
    const areas = await areaIdsByCode(t.db)
    const day = addDays(today(), 40)
    // Interleaved times in two boroughs, some at the same minute (the id then decides), one closed.
    const made: string[] = []
    for (let i = 0; i < 14; i++) {
      const who = await person(t.db, { areaCode: i % 2 === 0 ? 'HV' : 'BD' })
      const { id } = await appointment(t.db, who.id, { scheduledOn: day })
      await t.db
        .updateTable('appointment')
        .set({
          scheduled_at: londonInstant(day, `${String(9 + (i % 5)).padStart(2, '0')}:${i % 3 === 0 ? '00' : '30'}`),
        })
        .where('id', '=', id)
        .execute()
      made.push(id)
    }
    await t.db.updateTable('appointment').set({ closed_on: today() }).where('id', '=', made[3]!).execute()
    const from = londonInstant(day, '00:00')
    const to = londonInstant(addDays(day, 1), '00:00')
    const expected = (
      await t.db
        .selectFrom('appointment as a')
        .innerJoin('person as p', 'p.id', 'a.person_id')
        .select('a.id')
        .where('a.scheduled_at', '>=', from)
        .where('a.scheduled_at', '<', to)
        .where('a.closed_on', 'is', null)
        .where('p.area_id', 'in', [areas.HV!, areas.BD!])
        .orderBy('a.scheduled_at')
        .orderBy('a.id')
        .execute()
    ).map((r) => r.id)
    expect(expected).toHaveLength(13)

    const paged: string[] = []
    for (let offset = 0; ; offset += 4) {
      const page = await appointmentsBetween(t.db, [areas.HV!, areas.BD!], from, to, { limit: 4, offset })
      paged.push(...page.rows.map((r) => r.id))
      if (!page.hasNext) break
    }
    expect(paged).toEqual(expected)
  })
})
