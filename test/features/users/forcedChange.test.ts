import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { accountRow, arrangeUser, auditEventsFor, changePageToken, errorSummary, signInWith } from './accountHelpers.ts'

let t: TestApp
let admin: { agent: Agent; csrf: string }
const firstPassword = 'a long enough pass phrase'
const resetPassword = 'another rather long phrase'
const ownPassword = 'trombone kettle orchard'

// Pages of every kind a user might ask for first, for an officer of the user's role.
const pages = [
  '/',
  '/people/search',
  '/caseload',
  '/cohorts',
  '/health',
  '/admin/users',
  '/no-such-page',
  '/account/password/',
  '/sign-in',
]

beforeAll(async () => {
  t = await createTestApp()
  admin = await signInAs(t.app, 'admin')
})
afterAll(async () => {
  await t.close()
})

async function resetByAdministrator(userId: string) {
  const { version } = await accountRow(t, userId)
  const response = await admin.agent
    .post(`/admin/users/${userId}/password`)
    .type('form')
    .send({ _csrf: admin.csrf, password: resetPassword, version })
  expect(response.status).toBe(303)
}

describe('choosing your own password after an administrator’s reset', () => {
  it('demo accounts and new accounts are not made to change their password', async () => {
    const demo = await t.db
      .selectFrom('app_user')
      .select(['username', 'must_change_password'])
      .orderBy('username')
      .execute()
    expect(demo.filter((u) => u.must_change_password)).toEqual([])
    const user = await arrangeUser(t, { password: firstPassword })
    const { agent } = await signInWith(t, user.username, firstPassword)
    await agent.get('/').expect(200)
  })

  it('after a reset, every page sends the user to the change page until they choose a password; then all is normal', async () => {
    const user = await arrangeUser(t, { password: firstPassword })
    await resetByAdministrator(user.id)
    expect((await accountRow(t, user.id)).must_change_password).toBe(true)
    const resetAudit = (await auditEventsFor(t, user.id)).find((e) => e.event === 'user.password_reset')
    expect(resetAudit).toMatchObject({ category: 'administration', detail: { mustChangePassword: true } })

    const { agent, response } = await signInWith(t, user.username, resetPassword)
    expect(response.status).toBe(303)
    for (const page of pages) {
      const answer = await agent.get(page)
      expect({ page, status: answer.status, location: answer.headers.location }).toEqual({
        page,
        status: 303,
        location: '/account/password',
      })
    }
    // A form posted elsewhere is refused the same way, and changes nothing.
    const csrf = await changePageToken(agent)
    const before = await accountRow(t, user.id)
    const post = await agent
      .post(`/admin/users/${user.id}/unlock`)
      .type('form')
      .send({ _csrf: csrf, version: String(before.version) })
    expect({ status: post.status, location: post.headers.location }).toEqual({
      status: 303,
      location: '/account/password',
    })
    expect(await accountRow(t, user.id)).toEqual(before)

    const page = await agent.get('/account/password').expect(200)
    expect(page.text).toContain('An administrator has reset your password')
    expect(page.text).not.toContain('govuk-service-navigation__list')

    // A refusal keeps the user on the change page, still held there.
    const refused = await agent.post('/account/password').type('form').send({
      _csrf: csrf,
      currentPassword: resetPassword,
      newPassword: ownPassword,
      confirmPassword: 'something else',
    })
    expect(refused.status).toBe(400)
    expect(errorSummary(refused.text)).toContain('The new passwords do not match')
    expect((await agent.get('/')).status).toBe(303)

    const changed = await agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: csrf, currentPassword: resetPassword, newPassword: ownPassword, confirmPassword: ownPassword })
    expect(changed.status).toBe(303)
    expect(changed.headers.location).toBe('/')
    expect((await accountRow(t, user.id)).must_change_password).toBe(false)
    for (const path of ['/', '/people/search']) await agent.get(path).expect(200)

    const events = await auditEventsFor(t, user.id)
    expect(events.filter((e) => e.event === 'password.changed')).toEqual([
      expect.objectContaining({
        category: 'security',
        actor_user_id: user.id,
        detail: { forced: true, sessionsEnded: 1 },
      }),
    ])
  })

  it('a user held at the change page may still sign out', async () => {
    const user = await arrangeUser(t, { password: firstPassword })
    await resetByAdministrator(user.id)
    const { agent } = await signInWith(t, user.username, resetPassword)
    const csrf = await changePageToken(agent)
    const response = await agent.post('/sign-out').type('form').send({ _csrf: csrf })
    expect(response.status).toBe(303)
    expect(response.headers.location).toBe('/sign-in?signedOut=1')
    expect((await accountRow(t, user.id)).must_change_password).toBe(true)
  })
})
