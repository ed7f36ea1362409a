import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword } from '../helpers/constants.ts'
import { anonymousAgent, signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'
import { sealed } from '../helpers/factories.ts'

let t: TestApp
let areaId: string
let counter = 0

beforeAll(async () => {
  t = await createTestApp()
  areaId = (await t.db.selectFrom('area').select('id').where('code', '=', 'HV').executeTakeFirstOrThrow()).id
})
afterAll(async () => {
  await t.close()
})

/** A complete, valid new-user form: only its CSRF token decides whether it is accepted. */
function newUserForm(csrf: string | undefined) {
  counter += 1
  const username = `csrf-probe-${counter}`
  const form: Record<string, string> = {
    username,
    displayName: 'Probe User',
    role: 'iom_officer',
    agency: '',
    areaIds: areaId,
    password: 'a long enough pass phrase',
  }
  if (csrf !== undefined) form._csrf = csrf
  return { username, form }
}

async function userCount(): Promise<number> {
  const row = await t.db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

async function userExists(username: string): Promise<boolean> {
  return (await t.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirst()) !== undefined
}

async function userCreatedAuditCount(): Promise<number> {
  const row = await (await sealed(t.db))
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event', '=', 'user.created')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function expectRefusedAndNothingCreated(agent: Agent, csrf: string | undefined) {
  const before = await userCount()
  const auditBefore = await userCreatedAuditCount()
  const { username, form } = newUserForm(csrf)
  const response = await agent.post('/admin/users').type('form').send(form)
  expect(response.status).toBe(403)
  expect(response.text).toContain('Your form could not be sent')
  expect(await userExists(username)).toBe(false)
  expect(await userCount()).toBe(before)
  expect(await userCreatedAuditCount()).toBe(auditBefore)
}

describe('CSRF protection on state-changing requests', () => {
  it('with the session’s own token, the same form creates the user (so the refusals below are about the token)', async () => {
    const { agent, csrf } = await signInAs(t.app, 'admin')
    const { username, form } = newUserForm(csrf)
    const response = await agent.post('/admin/users').type('form').send(form)
    expect(response.status).toBe(303)
    expect(await userExists(username)).toBe(true)
  })

  it('a POST with no token is refused with 403 and creates nothing', async () => {
    const { agent } = await signInAs(t.app, 'admin')
    await expectRefusedAndNothingCreated(agent, undefined)
  })

  it('a POST with an empty token is refused with 403 and creates nothing', async () => {
    const { agent } = await signInAs(t.app, 'admin')
    await expectRefusedAndNothingCreated(agent, '')
  })

  it('a POST carrying the token of another administrator session is refused with 403 and creates nothing', async () => {
    const mine = await signInAs(t.app, 'admin')
    const theirs = await signInAs(t.app, 'admin')
    expect(theirs.csrf).not.toBe(mine.csrf)
    await expectRefusedAndNothingCreated(mine.agent, theirs.csrf)
  })

  it('a POST carrying the token of an anonymous session is refused with 403 and creates nothing', async () => {
    const mine = await signInAs(t.app, 'admin')
    const stranger = await anonymousAgent(t.app)
    await expectRefusedAndNothingCreated(mine.agent, stranger.csrf)
  })

  it('the token issued before sign-in dies at sign-in: reusing it afterwards is refused with 403 and creates nothing', async () => {
    const { agent, csrf: beforeSignIn } = await anonymousAgent(t.app)
    const signIn = await agent.post('/sign-in').type('form').send({ _csrf: beforeSignIn, username: 'admin', password: demoPassword })
    expect(signIn.status).toBe(303)
    const home = await agent.get('/').expect(200)
    expect(home.text).toContain('Sign out')
    await expectRefusedAndNothingCreated(agent, beforeSignIn)
  })

  it('signing out without a token is refused with 403 and the session stays signed in', async () => {
    const { agent } = await signInAs(t.app, 'iom')
    const response = await agent.post('/sign-out').type('form').send({})
    expect(response.status).toBe(403)
    await agent.get('/').expect(200)
  })
})
