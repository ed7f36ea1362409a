import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageSize } from '../../../server/http/paging.ts'
import { createMembership, createPerson, sealed, uniqueTag } from '../../helpers/factories.ts'
import { tablesOf, textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// My caseload comes fifty to a page, red tier first, with how many in all; the consultation
// logged names only the people on the page shown. An officer of its own, so the counts are known.

let t: TestApp
let officer: { agent: Agent; csrf: string }
let officerId: string
const red = new Set<string>()
const all = new Set<string>()
const caseloadSize = pageSize + 3

beforeAll(async () => {
  t = await createTestApp()
  const demo = await t.db
    .selectFrom('app_user')
    .select('password_hash')
    .where('username', '=', 'iom')
    .executeTakeFirstOrThrow()
  const bcu = await t.db.selectFrom('area').select('id').where('code', '=', 'EA').executeTakeFirstOrThrow()
  const username = `caseload${uniqueTag().toLowerCase()}`
  const user = await t.db
    .insertInto('app_user')
    .values({ username, display_name: 'Caseload Officer', role: 'iom_officer', password_hash: demo.password_hash })
    .returning('id')
    .executeTakeFirstOrThrow()
  officerId = user.id
  await t.db.insertInto('user_area').values({ user_id: user.id, area_id: bcu.id }).execute()
  for (let i = 0; i < caseloadSize; i++) {
    const person = await createPerson(t.db)
    const tier = i % 20 === 7 ? 'red' : 'green'
    await createMembership(t.db, { personId: person.id, leadOfficerId: user.id, tier })
    all.add(person.id)
    if (tier === 'red') red.add(person.id)
  }
  await createMembership(t.db, { personId: (await createPerson(t.db)).id, leadOfficerId: user.id, status: 'ended' })
  officer = await signInAs(t.app, username)
})
afterAll(async () => {
  await t.close()
})

const peopleOn = (html: string) =>
  [...html.matchAll(/<td class="govuk-table__cell"[^>]*><a class="govuk-link" href="\/people\/([0-9a-f-]{36})"/g)].map(
    (m) => m[1]!,
  )
const rowsOf = (html: string) =>
  tablesOf(html).find((table) => table.caption.startsWith('People you are lead officer for'))?.rows ?? []

async function lastCaseloadAudit() {
  const row = await (
    await sealed(t.db)
  )
    .selectFrom('audit_event')
    .select('detail')
    .where('event', '=', 'caseload.viewed')
    .where('actor_user_id', '=', officerId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()
  return (row.detail as { personIds: string[] }).personIds
}

describe('my caseload, a page at a time', () => {
  it('shows the first fifty, red tier first, how many in all and a link to the next page; logs the people shown', async () => {
    const page = await officer.agent.get('/caseload').expect(200)
    const text = textOf(page.text)
    expect(text).toContain(`You lead ${caseloadSize} open memberships, red tier first.`)
    expect(text).toContain(`Showing 1 to ${pageSize} of ${caseloadSize}`)
    expect(text).toContain('Page 1 of 2')
    expect(page.text).toContain('href="/caseload?page=2"')
    expect(rowsOf(page.text)).toHaveLength(pageSize)
    const shown = peopleOn(page.text)
    expect(shown).toHaveLength(pageSize)
    expect(new Set(shown.slice(0, red.size))).toEqual(red)
    expect(new Set(await lastCaseloadAudit())).toEqual(new Set(shown))
  })

  it('shows the rest on the second page, no one twice and no one left out, and logs only them', async () => {
    const first = peopleOn((await officer.agent.get('/caseload').expect(200)).text)
    const page = await officer.agent.get('/caseload?page=2').expect(200)
    const second = peopleOn(page.text)
    expect(second).toHaveLength(caseloadSize - pageSize)
    expect(textOf(page.text)).toContain(`Showing ${pageSize + 1} to ${caseloadSize} of ${caseloadSize}`)
    expect(page.text).toContain('href="/caseload?page=1"')
    expect(new Set([...first, ...second])).toEqual(all)
    expect(new Set(await lastCaseloadAudit())).toEqual(new Set(second))
  })

  it('answers a page past the last with page not found, and a page that is not a whole number from 1 with 400', async () => {
    const before = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('actor_user_id', '=', officerId)
      .where('event', '=', 'caseload.viewed')
      .executeTakeFirstOrThrow()
    await officer.agent.get('/caseload?page=3').expect(404)
    for (const bad of ['0', 'abc', '-1', '1.5', '999999']) await officer.agent.get(`/caseload?page=${bad}`).expect(400)
    const after = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('actor_user_id', '=', officerId)
      .where('event', '=', 'caseload.viewed')
      .executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
  })
})
