import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword } from '../../helpers/constants.ts'
import { lastAuditId, sealed } from '../../helpers/factories.ts'
import { anonymousAgent, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

const windowMinutes = 60
const longTest = 180_000

/** The counts are fixed windows: do not start just before one rolls over. */
async function clearOfWindowEdge() {
  const windowMs = windowMinutes * 60_000
  const untilNextWindow = windowMs - (Date.now() % windowMs)
  if (untilNextWindow < 20_000) await new Promise((resolve) => setTimeout(resolve, untilNextWindow + 200))
}

async function accountOf(t: TestApp, username: string) {
  return t.db
    .selectFrom('app_user')
    .select(['id', 'failed_sign_ins', 'locked_until'])
    .where('username', '=', username)
    .executeTakeFirstOrThrow()
}

/** Sign-in events since `afterId`, by event and reason. */
async function signInEvents(t: TestApp, afterId: number, userId: string | null) {
  const rows = await (
    await sealed(t.db)
  )
    .selectFrom('audit_event')
    .select(['event', sql<string | null>`detail ->> 'reason'`.as('reason')])
    .where('id', '>', afterId)
    .where((eb) => (userId === null ? eb('actor_user_id', 'is', null) : eb('actor_user_id', '=', userId)))
    .where('event', 'in', ['sign_in.failed', 'sign_in.succeeded', 'account.locked'])
    .execute()
  const count = (event: string, reason?: string) =>
    rows.filter((r) => r.event === event && (reason === undefined || r.reason === reason)).length
  return { count }
}

async function sessionsOf(t: TestApp, userId: string): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from session where (sess::jsonb -> 'passport' ->> 'user') = ${userId}`.execute(t.db)
  return result.rows[0]?.n ?? -1
}

function send(session: { agent: Agent; csrf: string }, username: string, password: string) {
  return session.agent.post('/sign-in').type('form').send({ _csrf: session.csrf, username, password })
}

/** Officers with the demo password, as many as a station's shift. */
async function createOfficers(t: TestApp, count: number): Promise<string[]> {
  const { password_hash } = await t.db
    .selectFrom('app_user')
    .select('password_hash')
    .where('username', '=', 'iom')
    .executeTakeFirstOrThrow()
  const usernames = Array.from({ length: count }, (_, i) => `officer-${i + 1}`)
  await t.db
    .insertInto('app_user')
    .values(
      usernames.map((username) => ({
        username,
        display_name: 'Station Officer',
        role: 'iom_officer' as const,
        agency: null,
        password_hash,
      })),
    )
    .execute()
  return usernames
}

describe('guesses sent at once at one account', () => {
  let t: TestApp
  beforeAll(async () => {
    // The per-address and per-username counts are set out of the way: this is about the account's own count.
    t = await createTestApp({ SIGN_IN_FAILURES_PER_ADDRESS: '1000', SIGN_IN_FAILURES_PER_USERNAME: '1000' })
  })
  afterAll(async () => {
    await t.close()
  })

  it(
    'when 50 wrong passwords arrive together, only the lockout threshold of them are checked, and the right password sent in the burst once the account locked does not sign in',
    async () => {
      const threshold = t.config.signIn.lockoutThreshold
      const { id } = await accountOf(t, 'iom')
      const since = await lastAuditId(t.db)
      const guesser = await anonymousAgent(t.app)
      const burst = Array.from({ length: 50 }, (_, i) => (async () => send(guesser, 'iom', `wrong-guess-${i}`))())

      // Wait until the threshold's attempts are taken (the account is then locked), while the burst is still arriving.
      const deadline = Date.now() + 60_000
      while ((await accountOf(t, 'iom')).failed_sign_ins < threshold) {
        if (Date.now() > deadline) throw new Error('The burst never reached the lockout threshold')
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      const owner = await anonymousAgent(t.app)
      const rightPassword = await send(owner, 'iom', demoPassword)
      const answers = await Promise.all(burst)

      expect(answers.map((r) => r.status)).toEqual(Array(50).fill(401))
      expect(rightPassword.status).toBe(401)
      expect((await owner.agent.get('/')).status).toBe(303)
      expect(await sessionsOf(t, id)).toBe(0)

      const events = await signInEvents(t, since, id)
      expect(events.count('sign_in.failed', 'wrong_password'), 'passwords checked against the hash').toBe(threshold)
      expect(events.count('sign_in.failed', 'locked')).toBe(51 - threshold)
      expect(events.count('sign_in.succeeded')).toBe(0)
      expect(events.count('account.locked')).toBe(1)
      const account = await accountOf(t, 'iom')
      expect(account.failed_sign_ins).toBe(threshold)
      expect(account.locked_until!.getTime()).toBeGreaterThan(Date.now())
    },
    longTest,
  )
})

describe('failures counted per username from one address', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({
      SIGN_IN_FAILURES_PER_ADDRESS: '1000',
      SIGN_IN_FAILURES_PER_USERNAME: '3',
      SIGN_IN_RATE_WINDOW_MINUTES: String(windowMinutes),
    })
  })
  afterAll(async () => {
    await t.close()
  })

  it(
    'when 20 wrong passwords for one username arrive together, 3 are checked and the rest get 429 with Retry-After; then even the right password gets 429, while a colleague at the same address signs in',
    async () => {
      await clearOfWindowEdge()
      const { id } = await accountOf(t, 'dip')
      const since = await lastAuditId(t.db)
      const guesser = await anonymousAgent(t.app)
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (async () => send(guesser, 'dip', `wrong-guess-${i}`))()),
      )

      const statuses = answers.map((r) => r.status).sort()
      expect(statuses).toEqual([...Array(3).fill(401), ...Array(17).fill(429)])
      for (const refused of answers.filter((r) => r.status === 429)) {
        const seconds = Number(refused.headers['retry-after'])
        expect(Number.isInteger(seconds)).toBe(true)
        expect(seconds).toBeGreaterThan(0)
        expect(seconds).toBeLessThanOrEqual(windowMinutes * 60)
      }
      expect((await signInEvents(t, since, id)).count('sign_in.failed', 'wrong_password')).toBe(3)
      expect((await accountOf(t, 'dip')).failed_sign_ins).toBe(3)

      const owner = await anonymousAgent(t.app)
      expect((await send(owner, 'dip', demoPassword)).status).toBe(429)
      expect((await owner.agent.get('/')).status).toBe(303)
      expect(await sessionsOf(t, id)).toBe(0)

      const colleague = await anonymousAgent(t.app)
      expect((await send(colleague, 'cid', demoPassword)).status).toBe(303)
      await colleague.agent.get('/').expect(200)
    },
    longTest,
  )

  it('an unknown username is counted the same way, so the answers do not tell which usernames exist', async () => {
    await clearOfWindowEdge()
    const guesser = await anonymousAgent(t.app)
    const statuses = []
    for (let i = 0; i < 4; i += 1) statuses.push((await send(guesser, 'nobody-by-this-name', `guess-${i}`)).status)
    expect(statuses).toEqual([401, 401, 401, 429])
  })
})

describe('failures counted per address', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({
      SIGN_IN_FAILURES_PER_ADDRESS: '5',
      SIGN_IN_FAILURES_PER_USERNAME: '1000',
      SIGN_IN_RATE_WINDOW_MINUTES: String(windowMinutes),
    })
  })
  afterAll(async () => {
    await t.close()
  })

  it(
    'eight officers behind one address all sign in though the address allows five failures; the failures alone fill it, and then the page says when to try again',
    async () => {
      await clearOfWindowEdge()
      const officers = await createOfficers(t, 8)
      const station = await anonymousAgent(t.app)
      // Four mistakes among the shift's sign-ins: below the ceiling.
      for (let i = 0; i < 4; i += 1) expect((await send(station, officers[i]!, `mistyped-${i}`)).status).toBe(401)
      for (const username of officers) {
        const browser = await anonymousAgent(t.app)
        const response = await send(browser, username, demoPassword)
        expect(response.status, `${username} signs in`).toBe(303)
        await browser.agent.get('/').expect(200)
      }
      // The fifth failure fills the ceiling; the next attempt is refused before any password is looked at.
      expect((await send(station, 'supervisor', 'mistyped-again')).status).toBe(401)
      const latecomer = await anonymousAgent(t.app)
      const before = await accountOf(t, 'partner')
      const since = await lastAuditId(t.db)
      const refused = await send(latecomer, 'partner', demoPassword)
      expect(refused.status).toBe(429)
      const seconds = Number(refused.headers['retry-after'])
      expect(seconds).toBeGreaterThan(0)
      expect(seconds).toBeLessThanOrEqual(windowMinutes * 60)
      expect(refused.text).toMatch(/Try again after \d{2}:\d{2} \(in \d+ minutes?\)/)
      expect(refused.text).not.toContain('partner')
      expect((await latecomer.agent.get('/')).status).toBe(303)
      expect(await sessionsOf(t, before.id)).toBe(0)
      expect(await accountOf(t, 'partner')).toEqual(before)
      expect((await signInEvents(t, since, before.id)).count('sign_in.failed')).toBe(0)
    },
    longTest,
  )
})

describe('the sign-in page itself', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({})
  })
  afterAll(async () => {
    await t.close()
  })

  it('a form with a missing password is a 400 that counts nothing against the address', async () => {
    const before = await t.db.selectFrom('rate_limit_hit').selectAll().execute()
    const { agent, csrf } = await anonymousAgent(t.app)
    const response = await agent.post('/sign-in').type('form').send({ _csrf: csrf, username: 'iom', password: '' })
    expect(response.status).toBe(400)
    expect(response.text).toContain('Enter your password')
    expect(await t.db.selectFrom('rate_limit_hit').selectAll().execute()).toEqual(before)
  })
})
