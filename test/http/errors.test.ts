import net from 'node:net'
import type { Express } from 'express'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type DbHandle } from '../../db/index.ts'
import { createApp } from '../../server/app.ts'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { sessionCookieName } from '../../server/http/session.ts'
import { createLogger } from '../../server/logger.ts'
import { createServices } from '../../server/services.ts'
import { demoPassword, testSessionSecret } from '../helpers/constants.ts'
import { anonymousAgent, sessionIdFrom, signInAs } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

const connectTimeoutMs = 250
/** Far longer than any answer should take: a request that reaches it has hung. */
const hangMs = 8_000

type DownApp = { app: Express; database: DbHandle }

let t: TestApp
let signedInCookie: string
let csrf: string
let blackHole: net.Server
const blackHoleSockets = new Set<net.Socket>()
const down: Record<'refusing' | 'silent', DownApp> = {} as Record<'refusing' | 'silent', DownApp>

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as net.AddressInfo).port
}

/** A port nothing listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  const port = await listen(server)
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The real app, built as main.ts builds it, over a pool that points at a database that is not there. */
async function appOverDatabaseAt(port: number): Promise<DownApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SESSION_SECRET: testSessionSecret })
  const database = await createDb({
    databaseUrl: `postgres://postgres@127.0.0.1:${port}/cohort`,
    dataDir: '',
    poolMax: 2,
    connectTimeoutMs,
    statementTimeoutMs: 1_000,
    onPoolError: () => {},
  })
  const app = createApp({
    config,
    db: database.db,
    pool: database.pool,
    databaseKind: 'postgres',
    services: createServices(database.db, config),
    logger: createLogger('silent'),
    sessionSecret: testSessionSecret,
  })
  return { app, database }
}

beforeAll(async () => {
  t = await createTestApp()
  // A real signed-in session (same secret), to present to the apps whose database is gone.
  const anonymous = await anonymousAgent(t.app)
  const signIn = await anonymous.agent
    .post('/sign-in')
    .type('form')
    .send({ _csrf: anonymous.csrf, username: 'admin', password: demoPassword })
  signedInCookie = `${sessionCookieName}=${sessionIdFrom(signIn)}`
  csrf = anonymous.csrf

  down.refusing = await appOverDatabaseAt(await closedPort())
  // Accepts the connection and never says a word: the pool's connection timeout must end the wait.
  blackHole = net.createServer((socket) => {
    blackHoleSockets.add(socket)
    socket.on('close', () => blackHoleSockets.delete(socket))
  })
  down.silent = await appOverDatabaseAt(await listen(blackHole))
})

afterAll(async () => {
  await down.refusing?.database.close()
  await down.silent?.database.close()
  for (const socket of blackHoleSockets) socket.destroy()
  await new Promise((resolve) => blackHole?.close(resolve))
  await t.close()
})

function h1(html: string): string | undefined {
  return /<h1 class="govuk-heading-l">([^<]*)<\/h1>/.exec(html)?.[1]
}

describe('error pages', () => {
  it('an unknown page gets the GOV.UK 404 page, signed in or not', async () => {
    const anonymous = await request(t.app).get('/no-such-page').expect(404)
    expect(h1(anonymous.text)).toBe('Page not found')
    expect(anonymous.text).toContain('govuk-template')
    expect(anonymous.text).toContain('Reference:')

    const { agent } = await signInAs(t.app, 'iom')
    const signedIn = await agent.get('/people-that-do-not-exist/123').expect(404)
    expect(h1(signedIn.text)).toBe('Page not found')
    expect(signedIn.text).toContain('Sign out')
  })

  it('/health answers JSON status ok when the database is up', async () => {
    const response = await request(t.app).get('/health').expect(200)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect(response.body).toEqual({ status: 'ok', database: { status: 'up', kind: t.database.kind } })
  })
})

describe.each([
  ['refuses connections', 'refusing'],
  ['accepts connections but never answers', 'silent'],
] as const)('when the database %s', (_description, which) => {
  async function timed(send: () => request.Test) {
    const started = Date.now()
    const response = await send().timeout(hangMs)
    return { response, ms: Date.now() - started }
  }

  function expectUnavailablePage(response: request.Response) {
    expect(response.status).toBe(503)
    expect(h1(response.text)).toBe('Sorry, the service is unavailable')
    expect(response.headers['retry-after']).toBe('5')
  }

  it('a signed-in user’s pages answer 503 with the GOV.UK page, promptly', async () => {
    const { app } = down[which]
    for (const path of ['/', '/admin/users', '/no-such-page']) {
      const { response, ms } = await timed(() => request(app).get(path).set('Cookie', signedInCookie))
      expectUnavailablePage(response)
      expect(ms).toBeLessThan(5_000)
    }
  })

  it('the sign-in page and signing in answer 503, not a form that cannot work', async () => {
    const { app } = down[which]
    expectUnavailablePage((await timed(() => request(app).get('/sign-in'))).response)
    const signIn = await timed(() =>
      request(app)
        .post('/sign-in')
        .set('Cookie', signedInCookie)
        .type('form')
        .send({ _csrf: csrf, username: 'admin', password: demoPassword }),
    )
    expectUnavailablePage(signIn.response)
  })

  it('/health answers 503 and says the database is down', async () => {
    const { response, ms } = await timed(() => request(down[which].app).get('/health'))
    expect(response.status).toBe(503)
    expect(response.body).toEqual({ status: 'unavailable', database: { status: 'down', kind: 'postgres' } })
    expect(ms).toBeLessThan(5_000)
  })
})

describe('configuration', () => {
  it('an empty environment gives the documented defaults', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.session).toEqual({ idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 })
    expect(config.signIn.lockoutThreshold).toBe(10)
  })

  function configErrorFor(env: Record<string, string>): ConfigError {
    try {
      loadConfig(env)
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      return error as ConfigError
    }
    throw new Error('loadConfig accepted the environment')
  }

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://db.example/cohort'],
    ['SESSION_SECRET', 'too-short'],
    ['SESSION_IDLE_MINUTES', '0'],
    ['NODE_ENV', 'staging'],
    ['SECURE_COOKIES', 'maybe'],
    ['DB_POOL_MAX', '-3'],
  ])('a bad %s (%s) stops the app with a ConfigError that names the variable', (variable, value) => {
    expect(configErrorFor({ [variable]: value }).message).toMatch(new RegExp(`^\\s+${variable}: `, 'm'))
  })

  it('every bad variable is named at once, and good ones are not', () => {
    const message = configErrorFor({ PORT: 'abc', LOG_LEVEL: 'loud', HOST: 'localhost' }).message
    expect(message).toMatch(/^\s+PORT: /m)
    expect(message).toMatch(/^\s+LOG_LEVEL: /m)
    expect(message).not.toContain('HOST')
  })
})
