import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInAs } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// The demo roles open their task lists. The demo data has work of some kinds for the supervisor,
// the IOM officer and the DIP worker; none yet for the administrator (no agreement ends within 30
// days) or for CID (no one on the list within 30 days of the time bar).

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
})

/** The kinds of the items shown, from each row's action link. */
export const kindsShown = (html: string) => [...html.matchAll(/data-task-kind="([a-z]+)"/g)].map((m) => m[1])

describe('the task list with the demo data', () => {
  it.each(['supervisor', 'iom', 'dip'])('%s has work waiting', async (username) => {
    const { agent } = await signInAs(t.app, username)
    const page = await agent.get('/tasks').expect(200)
    expect(kindsShown(page.text).length).toBeGreaterThan(0)
  })

  it.each(['admin', 'cid'])('%s opens the list', async (username) => {
    const { agent } = await signInAs(t.app, username)
    await agent.get('/tasks').expect(200)
  })

  it('is not offered to a partner, who has no tracked work', async () => {
    const { agent } = await signInAs(t.app, 'partner')
    await agent.get('/tasks').expect(403)
    const home = await agent.get('/').expect(200)
    expect(home.text).not.toContain('href="/tasks"')
  })

  it('refuses a kind that does not exist', async () => {
    const { agent } = await signInAs(t.app, 'supervisor')
    await agent.get('/tasks?kind=nonsense').expect(400)
  })

  it('links Tasks first after Home in the navigation', async () => {
    const { agent } = await signInAs(t.app, 'dip')
    const home = await agent.get('/').expect(200)
    const links = [...home.text.matchAll(/class="govuk-service-navigation__link" href="([^"]+)"/g)].map((m) => m[1])
    if (links.length) expect(links.slice(0, 2)).toEqual(['/', '/tasks'])
    expect(home.text.indexOf('href="/tasks"')).toBeGreaterThan(-1)
  })
})
