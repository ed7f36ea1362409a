import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPassword } from '../../../server/auth/passwords.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { accountRow, arrangeUser, auditEventsFor, changePageToken, errorSummary, signInWith } from './accountHelpers.ts'

let t: TestApp
const firstPassword = 'a long enough pass phrase'
const newPassword = 'trombone kettle orchard'

beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
})

async function signedIn(username: string, password = firstPassword) {
  const { agent, response } = await signInWith(t, username, password)
  expect(response.status).toBe(303)
  return { agent, csrf: await changePageToken(agent) }
}

describe('changing your own password', () => {
  it('every signed-in user has a link to the change page in the header', async () => {
    const user = await arrangeUser(t, { password: firstPassword })
    const { agent } = await signedIn(user.username)
    const home = await agent.get('/').expect(200)
    expect(home.text).toContain('<a class="govuk-header__link" href="/account/password">Change your password</a>')
  })

  it('a wrong current password gets 400 with an error summary, the hash is unchanged, and the attempt is audited', async () => {
    const user = await arrangeUser(t, { password: firstPassword })
    const { agent, csrf } = await signedIn(user.username)
    const before = await accountRow(t, user.id)

    const response = await agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: csrf, currentPassword: 'not my password at all', newPassword, confirmPassword: newPassword })
    expect(response.status).toBe(400)
    expect(errorSummary(response.text)).toContain('Your current password is not correct')
    expect(response.text).not.toContain(newPassword)

    expect(await accountRow(t, user.id)).toEqual(before)
    const events = await auditEventsFor(t, user.id)
    expect(events.filter((e) => e.event === 'password.change_refused')).toEqual([
      expect.objectContaining({
        category: 'security',
        actor_user_id: user.id,
        detail: { reason: 'wrong_current_password' },
      }),
    ])
    expect(events.some((e) => e.event === 'password.changed')).toBe(false)
  })

  it.each([
    [
      'the confirmation does not match',
      { newPassword, confirmPassword: 'trombone kettle orchid' },
      'The new passwords do not match',
    ],
    [
      'the new password is the current one',
      { newPassword: firstPassword, confirmPassword: firstPassword },
      'New password must be different from your current password',
    ],
    [
      'the new password is common',
      { newPassword: 'password1234', confirmPassword: 'password1234' },
      'Password is too easy to guess because it is',
    ],
    [
      'the new password is twelve spaces',
      { newPassword: ' '.repeat(12), confirmPassword: ' '.repeat(12) },
      'Password must not be only spaces',
    ],
    ['the new password is missing', { confirmPassword: newPassword }, 'Enter a new password'],
  ])('when %s, the answer is 400 with the reason and nothing changes', async (_case, fields, message) => {
    const user = await arrangeUser(t, { password: firstPassword })
    const { agent, csrf } = await signedIn(user.username)
    const before = await accountRow(t, user.id)

    const response = await agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: csrf, currentPassword: firstPassword, ...fields })
    expect(response.status).toBe(400)
    expect(response.text).toContain('There is a problem')
    expect(errorSummary(response.text)).toContain(message)

    expect(await accountRow(t, user.id)).toEqual(before)
    expect((await auditEventsFor(t, user.id)).some((e) => e.event === 'password.changed')).toBe(false)
    await agent.get('/').expect(200)
  })

  it('on success the user’s other sessions end, this one stays signed in, and the change is audited', async () => {
    const user = await arrangeUser(t, { password: firstPassword })
    const elsewhere = await signedIn(user.username)
    const here = await signedIn(user.username)
    await elsewhere.agent.get('/').expect(200)
    const before = await accountRow(t, user.id)

    const response = await here.agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: here.csrf, currentPassword: firstPassword, newPassword, confirmPassword: newPassword })
    expect(response.status).toBe(303)
    expect(response.headers.location).toBe('/')

    const home = await here.agent.get('/').expect(200)
    expect(home.text).toContain('Your password has been changed')
    const signedOut = await elsewhere.agent.get('/')
    expect(signedOut.status).toBe(303)
    expect(String(signedOut.headers.location)).toMatch(/^\/sign-in/)

    const after = await accountRow(t, user.id)
    expect(after.password_hash).not.toBe(before.password_hash)
    expect(await verifyPassword(after.password_hash, newPassword)).toBe(true)
    expect(after.version).toBe(before.version + 1)
    expect(after.must_change_password).toBe(false)

    expect((await signInWith(t, user.username, firstPassword)).response.status).toBe(401)
    expect((await signInWith(t, user.username, newPassword)).response.status).toBe(303)

    const changed = (await auditEventsFor(t, user.id)).filter((e) => e.event === 'password.changed')
    expect(changed).toEqual([
      expect.objectContaining({
        category: 'security',
        actor_user_id: user.id,
        detail: { forced: false, sessionsEnded: 2 },
      }),
    ])
  })

  it('the page and the form need a signed-in user', async () => {
    const response = await request(t.app).get('/account/password')
    expect(response.status).toBe(303)
    expect(String(response.headers.location)).toMatch(/^\/sign-in/)
  })
})
