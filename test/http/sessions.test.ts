import { sql } from 'kysely'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessionStore, sessionCookieName } from '../../server/http/session.ts'
import { demoPassword } from '../helpers/constants.ts'
import { csrfFrom, sessionIdFrom, signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
})

const minute = 60_000

/** The store's key inside the signed cookie value `s:<sid>.<signature>`. */
function storeIdOf(cookieValue: string): string {
  const decoded = decodeURIComponent(cookieValue)
  expect(decoded.startsWith('s:')).toBe(true)
  return decoded.slice(2, decoded.lastIndexOf('.'))
}

/** Signs in through the form, keeping both cookies so the test can replay them. */
async function signInKeepingCookies(username: string) {
  const agent = request.agent(t.app)
  const page = await agent.get('/sign-in').expect(200)
  // The sign-in page gives the browser a session id for its form's token, but stores no row for it.
  const anonymousCookie = sessionIdFrom(page)
  if (anonymousCookie) expect(await storedSession(storeIdOf(anonymousCookie))).toBeUndefined()
  const csrf = csrfFrom(page.text)
  const response = await agent.post('/sign-in').type('form').send({ _csrf: csrf, username, password: demoPassword })
  expect(response.status).toBe(303)
  const signedInCookie = sessionIdFrom(response)
  if (!anonymousCookie || !signedInCookie) throw new Error('The session cookie was not set')
  return { agent, anonymousCookie, signedInCookie }
}

function replay(cookieValue: string, path = '/') {
  return request(t.app).get(path).set('Cookie', `${sessionCookieName}=${cookieValue}`)
}

function expectSignInRedirect(response: request.Response) {
  expect(response.status).toBe(303)
  expect(String(response.headers.location)).toMatch(/^\/sign-in(\?|$)/)
}

async function storedSession(sid: string): Promise<Record<string, unknown> | undefined> {
  const row = await t.db.selectFrom('session').select('sess').where('sid', '=', sid).executeTakeFirst()
  if (!row) return undefined
  return (typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess) as Record<string, unknown>
}

/** Moves a stored session's clock fields into the past, as if time had passed. */
async function ageSession(sid: string, ages: { lastSeenMsAgo?: number; signedInMsAgo?: number }) {
  const now = Date.now()
  let sess = sql`sess::jsonb`
  if (ages.lastSeenMsAgo !== undefined)
    sess = sql`jsonb_set(${sess}, '{lastSeenAt}', to_jsonb(${now - ages.lastSeenMsAgo}::bigint))`
  if (ages.signedInMsAgo !== undefined)
    sess = sql`jsonb_set(${sess}, '{signedInAt}', to_jsonb(${now - ages.signedInMsAgo}::bigint))`
  const result = await sql`update session set sess = (${sess})::json where sid = ${sid}`.execute(t.db)
  expect(Number(result.numAffectedRows)).toBe(1)
}

async function userId(username: string): Promise<string> {
  return (await t.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id
}

async function sessionCountOf(id: string): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from session where (sess::jsonb -> 'passport' ->> 'user') = ${id}`.execute(t.db)
  return result.rows[0]?.n ?? -1
}

describe('sessions', () => {
  it('sessions live in the database: the signed-in session is a row in the session table naming the user', async () => {
    const { signedInCookie } = await signInKeepingCookies('iom')
    const stored = await storedSession(storeIdOf(signedInCookie))
    expect(stored).toBeDefined()
    expect((stored?.passport as { user?: string } | undefined)?.user).toBe(await userId('iom'))
    expect(typeof stored?.signedInAt).toBe('number')
  })

  it('signing in issues a new session id, and the pre-sign-in id is dead afterwards', async () => {
    const { agent, anonymousCookie, signedInCookie } = await signInKeepingCookies('supervisor')
    expect(storeIdOf(signedInCookie)).not.toBe(storeIdOf(anonymousCookie))
    expect(await storedSession(storeIdOf(anonymousCookie))).toBeUndefined()
    expectSignInRedirect(await replay(anonymousCookie))
    // The new id is the one that works.
    await agent.get('/').expect(200)
    await replay(signedInCookie).expect(200)
  })

  it('after signing out, replaying the signed-in session cookie gets the sign-in redirect', async () => {
    const { agent, signedInCookie } = await signInKeepingCookies('dip')
    const home = await agent.get('/').expect(200)
    const signOut = await agent
      .post('/sign-out')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) })
    expect(signOut.status).toBe(303)
    expect(signOut.headers.location).toBe('/sign-in?signedOut=1')
    expect(await storedSession(storeIdOf(signedInCookie))).toBeUndefined()
    expectSignInRedirect(await replay(signedInCookie))
  })

  it('a session used within the idle limit carries on', async () => {
    const { agent, signedInCookie } = await signInKeepingCookies('cid')
    await ageSession(storeIdOf(signedInCookie), { lastSeenMsAgo: 29 * minute, signedInMsAgo: 11 * 60 * minute })
    await agent.get('/').expect(200)
  })

  it('reading pages writes the session row at most once a minute: "last seen" and the row’s expiry move together', async () => {
    const { agent, signedInCookie } = await signInKeepingCookies('cid')
    const sid = storeIdOf(signedInCookie)
    const row = () =>
      t.db.selectFrom('session').select(['sess', 'expire']).where('sid', '=', sid).executeTakeFirstOrThrow()
    await agent.get('/').expect(200)
    const settled = await row()
    await agent.get('/').expect(200)
    await agent.get('/cid').expect(200)
    expect(await row(), 'pages within the minute leave the row alone').toEqual(settled)

    // Two minutes on: the row as it would be then, its expiry 28 minutes away.
    await ageSession(sid, { lastSeenMsAgo: 2 * minute })
    await t.db
      .updateTable('session')
      .set({ expire: new Date(Date.now() + 28 * minute) })
      .where('sid', '=', sid)
      .execute()
    const before = Date.now()
    await agent.get('/').expect(200)
    expect(Number((await storedSession(sid))?.lastSeenAt)).toBeGreaterThanOrEqual(before)
    expect(new Date((await row()).expire).getTime()).toBeGreaterThanOrEqual(before + 30 * minute - 1000)
  })

  it('when a session has been idle longer than 30 minutes, the next request is sent to sign in with timedOut=1 and the session is gone', async () => {
    const { agent, signedInCookie } = await signInKeepingCookies('cid')
    const sid = storeIdOf(signedInCookie)
    await ageSession(sid, { lastSeenMsAgo: 31 * minute })
    const response = await agent.get('/')
    expect(response.status).toBe(303)
    expect(response.headers.location).toBe('/sign-in?timedOut=1')
    expect(await storedSession(sid)).toBeUndefined()
    expectSignInRedirect(await agent.get('/'))
  })

  it('when a session is older than 12 hours, the next request is sent to sign in with timedOut=1 even if it was in use', async () => {
    const { agent, signedInCookie } = await signInKeepingCookies('partner')
    const sid = storeIdOf(signedInCookie)
    await ageSession(sid, { lastSeenMsAgo: 0, signedInMsAgo: 12 * 60 * minute + minute })
    const response = await agent.get('/')
    expect(response.status).toBe(303)
    expect(response.headers.location).toBe('/sign-in?timedOut=1')
    expect(await storedSession(sid)).toBeUndefined()
  })

  it('when an administrator disables a user, every session of that user ends at once', async () => {
    const first: Agent = (await signInAs(t.app, 'iom')).agent
    const second: Agent = (await signInAs(t.app, 'iom')).agent
    const iomId = await userId('iom')
    expect(await sessionCountOf(iomId)).toBeGreaterThanOrEqual(2)

    const admin = await signInAs(t.app, 'admin')
    const { version } = await t.db
      .selectFrom('app_user')
      .select('version')
      .where('id', '=', iomId)
      .executeTakeFirstOrThrow()
    const response = await admin.agent
      .post(`/admin/users/${iomId}/disable`)
      .type('form')
      .send({ _csrf: admin.csrf, version: String(version) })
    expect(response.status).toBe(303)

    expect(await sessionCountOf(iomId)).toBe(0)
    expectSignInRedirect(await first.get('/'))
    expectSignInRedirect(await second.get('/'))
    // The administrator's own session is untouched.
    await admin.agent.get('/admin/users').expect(200)
  })
})

async function sessionRowCount(): Promise<number> {
  const row = await t.db
    .selectFrom('session')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

describe('sessions are stored only when needed, and expired ones are removed', () => {
  it('twenty anonymous visits to the sign-in page write no session row, and each page still has a form token', async () => {
    const before = await sessionRowCount()
    const returning = request.agent(t.app)
    for (let i = 0; i < 10; i += 1) {
      // Ten browsers arriving for the first time, and one browser coming back ten times.
      const fresh = await request(t.app).get('/sign-in').expect(200)
      expect(csrfFrom(fresh.text)).toBeTruthy()
      expect(sessionIdFrom(fresh)).toBeTruthy()
      const again = await returning.get('/sign-in').expect(200)
      expect(csrfFrom(again.text)).toBeTruthy()
    }
    expect(await sessionRowCount()).toBe(before)
  })

  it('a browser that returns to the sign-in page keeps its form token, and signing in then stores exactly one session', async () => {
    const agent = request.agent(t.app)
    const first = csrfFrom((await agent.get('/sign-in').expect(200)).text)
    expect(csrfFrom((await agent.get('/sign-in').expect(200)).text)).toBe(first)
    const before = await sessionRowCount()
    const response = await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: first, username: 'supervisor', password: demoPassword })
    expect(response.status).toBe(303)
    expect(await sessionRowCount()).toBe(before + 1)
  })

  it('a failed sign-in writes no session row', async () => {
    const agent = request.agent(t.app)
    const csrf = csrfFrom((await agent.get('/sign-in').expect(200)).text)
    const before = await sessionRowCount()
    const response = await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrf, username: 'supervisor', password: 'not the password' })
    expect(response.status).toBe(401)
    expect(csrfFrom(response.text)).toBe(csrf)
    expect(await sessionRowCount()).toBe(before)
  })

  it('pruning removes expired session rows and keeps live ones', async () => {
    const expired = `expired-${Date.now()}`
    const live = `live-${Date.now()}`
    await t.db
      .insertInto('session')
      .values([
        { sid: expired, sess: JSON.stringify({ cookie: {} }), expire: new Date(Date.now() - minute) },
        { sid: live, sess: JSON.stringify({ cookie: {} }), expire: new Date(Date.now() + 30 * minute) },
      ])
      .execute()
    const store = createSessionStore({ pool: t.database.pool, pruneIntervalSeconds: false })
    await new Promise<void>((resolve, reject) => store.pruneSessions((error) => (error ? reject(error) : resolve())))
    const left = await t.db.selectFrom('session').select('sid').where('sid', 'in', [expired, live]).execute()
    expect(left.map((row) => row.sid)).toEqual([live])
    store.close()
  })
})
