import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionCookieName } from '../../server/http/session.ts'
import { demoPassword } from '../helpers/constants.ts'
import { anonymousAgent, csrfFrom, sessionIdFrom, signInAs, type Agent } from '../helpers/signIn.ts'
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
  const row = await t.db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function userExists(username: string): Promise<boolean> {
  return (
    (await t.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirst()) !== undefined
  )
}

async function userCreatedAuditCount(): Promise<number> {
  const row = await (
    await sealed(t.db)
  )
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
    const signIn = await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: beforeSignIn, username: 'admin', password: demoPassword })
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

async function sessionRowCount(): Promise<number> {
  const row = await t.db
    .selectFrom('session')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function signInAuditCount(): Promise<number> {
  const row = await (
    await sealed(t.db)
  )
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event', 'like', 'sign_in.%')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Sends the sign-in form with the right password and the given token; expects a refusal that stores nothing. */
async function expectSignInRefused(agent: Agent, csrf: string | undefined) {
  const sessionsBefore = await sessionRowCount()
  const auditBefore = await signInAuditCount()
  const form: Record<string, string> = { username: 'admin', password: demoPassword }
  if (csrf !== undefined) form._csrf = csrf
  const response = await agent.post('/sign-in').type('form').send(form)
  expect(response.status).toBe(403)
  expect(response.text).toContain('Your form could not be sent')
  expect(sessionIdFrom(response)).toBeUndefined()
  expect(await sessionRowCount()).toBe(sessionsBefore)
  // Refused before the password was looked at: no sign-in event either way.
  expect(await signInAuditCount()).toBe(auditBefore)
  expect((await agent.get('/')).status).toBe(303)
}

describe('CSRF protection of the sign-in form, which has no stored session behind it', () => {
  it('with its own token, the sign-in form signs in (so the refusals below are about the token)', async () => {
    const { agent, csrf } = await anonymousAgent(t.app)
    const response = await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrf, username: 'admin', password: demoPassword })
    expect(response.status).toBe(303)
    await agent.get('/').expect(200)
  })

  it('a sign-in with no token is refused with 403 and stores no session', async () => {
    const { agent } = await anonymousAgent(t.app)
    await expectSignInRefused(agent, undefined)
  })

  it('a sign-in with a made-up token is refused with 403 and stores no session', async () => {
    const { agent, csrf } = await anonymousAgent(t.app)
    await expectSignInRefused(agent, `${csrf.slice(0, -2)}xx`)
    await expectSignInRefused(agent, '')
  })

  it('a sign-in carrying the token another browser was given is refused with 403 and stores no session', async () => {
    const mine = await anonymousAgent(t.app)
    const theirs = await anonymousAgent(t.app)
    expect(theirs.csrf).not.toBe(mine.csrf)
    await expectSignInRefused(mine.agent, theirs.csrf)
  })

  it('a sign-in from a browser with no session cookie, or a cookie whose signature is wrong, is refused with 403', async () => {
    const page = await request(t.app).get('/sign-in').expect(200)
    const csrf = csrfFrom(page.text)
    const cookie = sessionIdFrom(page)!
    await expectSignInRefused(request.agent(t.app), csrf)
    const sent = await request(t.app)
      .post('/sign-in')
      .set('Cookie', `${sessionCookieName}=${cookie.replace(/.{4}$/, 'AAAA')}`)
      .type('form')
      .send({ _csrf: csrf, username: 'admin', password: demoPassword })
    expect(sent.status).toBe(403)
    expect(sessionIdFrom(sent)).toBeUndefined()
    // The untouched cookie with the same token is accepted: the refusal above was the signature.
    const genuine = await request(t.app)
      .post('/sign-in')
      .set('Cookie', `${sessionCookieName}=${cookie}`)
      .type('form')
      .send({ _csrf: csrf, username: 'admin', password: demoPassword })
    expect(genuine.status).toBe(303)
  })
})
