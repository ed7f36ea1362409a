import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword } from '../../helpers/constants.ts'
import { anonymousAgent, signInAs } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { sealed } from '../../helpers/factories.ts'

const failureMessage = 'Enter a correct username and password'

function errorSummaryOf(html: string): string | undefined {
  return /<ul class="govuk-list govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1]?.trim()
}

async function attempt(t: TestApp, username: string, password: string) {
  const { agent, csrf } = await anonymousAgent(t.app)
  const response = await agent.post('/sign-in').type('form').send({ _csrf: csrf, username, password })
  return { agent, response }
}

/** Several wrong passwords from one browser, as someone guessing would send them. */
async function wrongPasswords(t: TestApp, username: string, count: number) {
  const { agent, csrf } = await anonymousAgent(t.app)
  const responses = []
  for (let i = 0; i < count; i += 1) {
    responses.push(
      await agent
        .post('/sign-in')
        .type('form')
        .send({ _csrf: csrf, username, password: `wrong-password-${i}` }),
    )
  }
  return responses
}

async function accountOf(t: TestApp, username: string) {
  return t.db
    .selectFrom('app_user')
    .select(['id', 'version', 'failed_sign_ins', 'locked_until'])
    .where('username', '=', username)
    .executeTakeFirstOrThrow()
}

async function auditEventsFor(t: TestApp, userId: string, event: string) {
  return (await sealed(t.db))
    .selectFrom('audit_event')
    .select(['id', 'detail', 'entity_id'])
    .where('actor_user_id', '=', userId)
    .where('event', '=', event)
    .orderBy('id')
    .execute()
}

describe('account lockout', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(async () => {
    await t.close()
  })

  it('nine wrong passwords then the right one signs in, and the count starts again', async () => {
    for (const response of await wrongPasswords(t, 'supervisor', 9)) expect(response.status).toBe(401)
    expect((await accountOf(t, 'supervisor')).failed_sign_ins).toBe(9)
    expect((await attempt(t, 'supervisor', demoPassword)).response.status).toBe(303)
    const account = await accountOf(t, 'supervisor')
    expect(account.failed_sign_ins).toBe(0)
    expect(account.locked_until).toBeNull()
  })

  it('ten consecutive wrong passwords lock the account: then even the right password fails, with the same answer', async () => {
    const wrong = await wrongPasswords(t, 'dip', 10)
    expect(wrong.map((response) => response.status)).toEqual(Array(10).fill(401))
    const wrongAnswer = errorSummaryOf(wrong[0]!.text)
    expect(wrongAnswer).toContain(failureMessage)
    expect(new Set(wrong.map((response) => errorSummaryOf(response.text)))).toEqual(new Set([wrongAnswer]))

    const account = await accountOf(t, 'dip')
    expect(account.failed_sign_ins).toBe(10)
    expect(account.locked_until).not.toBeNull()
    expect(account.locked_until!.getTime()).toBeGreaterThan(Date.now())

    const { agent, response } = await attempt(t, 'dip', demoPassword)
    expect(response.status).toBe(401)
    expect(errorSummaryOf(response.text)).toBe(wrongAnswer)
    // Not signed in: the home page still sends them to sign in.
    const home = await agent.get('/')
    expect(home.status).toBe(303)
    expect(String(home.headers.location)).toMatch(/^\/sign-in/)
  })

  it('the failures and the lock are in the audit log: sign_in.failed for each attempt and one account.locked', async () => {
    const { id } = await accountOf(t, 'dip')
    const failed = await auditEventsFor(t, id, 'sign_in.failed')
    // Ten wrong passwords and one right password refused because of the lock.
    expect(failed).toHaveLength(11)
    const reasons = failed.map((row) => (row.detail as { reason?: string } | null)?.reason)
    expect(reasons.filter((r) => r === 'wrong_password')).toHaveLength(10)
    expect(reasons.at(-1)).toBe('locked')
    const locked = await auditEventsFor(t, id, 'account.locked')
    expect(locked).toHaveLength(1)
    expect(locked[0]?.entity_id).toBe(id)
  })

  it('when an administrator unlocks the account, the user can sign in again', async () => {
    const before = await accountOf(t, 'dip')
    const admin = await signInAs(t.app, 'admin')
    const page = await admin.agent.get(`/admin/users/${before.id}`).expect(200)
    expect(page.text).toContain('Unlock account')
    const response = await admin.agent
      .post(`/admin/users/${before.id}/unlock`)
      .type('form')
      .send({ _csrf: admin.csrf, version: String(before.version) })
    expect(response.status).toBe(303)

    const after = await accountOf(t, 'dip')
    expect(after.locked_until).toBeNull()
    expect(after.failed_sign_ins).toBe(0)
    const { agent, response: signIn } = await attempt(t, 'dip', demoPassword)
    expect(signIn.status).toBe(303)
    await agent.get('/').expect(200)
  })

  it('the right password on a locked account and any password for an unknown user get the same status and message', async () => {
    await wrongPasswords(t, 'cid', 10)
    expect((await accountOf(t, 'cid')).locked_until).not.toBeNull()
    const locked = (await attempt(t, 'cid', demoPassword)).response
    const unknown = (await attempt(t, 'nobody-at-all', demoPassword)).response
    expect(locked.status).toBe(unknown.status)
    expect(errorSummaryOf(locked.text)).toBe(errorSummaryOf(unknown.text))
  })
})
