import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAppProcess, type AppProcess } from './support/appProcess.ts'
import {
  arrangeDueAppointments,
  checkAuditLogAsTheApp,
  createDatabase,
  query,
  sealAsTheApp,
} from './support/arrange.ts'
import { Browser, formKey, type Reply } from './support/http.ts'
import { startPrivatePostgres, type PrivatePostgres } from './support/privatePostgres.ts'

// PostgreSQL is stopped and started again under a steady load of page reads and attendance
// writes. While it is away every answer is the 503 page, promptly; the app stays up; signed-in
// users stay signed in; and every write the app acknowledged is there exactly once, because each
// form carries an idempotency key and the browser retries with the same key until it is answered.

const appointmentCount = 300
const warmMs = 3_000
const outageMs = 4_000
const afterMs = 6_000
/** Time for the pool to find its connections dead and open new ones, once the server is back. */
const recoveryGraceMs = 1_500
const hungMs = 5_000

let cluster: PrivatePostgres
let app: AppProcess
let databaseUrl: string
let appointments: string[]

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

beforeAll(async () => {
  cluster = await startPrivatePostgres()
  await createDatabase(cluster.url('postgres'), 'cohort')
  databaseUrl = cluster.url('cohort')
  app = await startAppProcess(databaseUrl, { SEED_DEMO: 'true' })
  appointments = await arrangeDueAppointments(databaseUrl, appointmentCount)
})

afterAll(async () => {
  await app?.stop()
  await cluster?.destroy()
})

type Write = { key: string; attempts: number; acknowledged?: string }

describe('when PostgreSQL restarts under load', () => {
  it('answers only 503 while it is down, never hangs or crashes, keeps sessions, and loses or repeats no acknowledged write', async () => {
    const browsers = await Promise.all([
      Browser.signIn(app.baseUrl, 'dip'),
      Browser.signIn(app.baseUrl, 'dip'),
      Browser.signIn(app.baseUrl, 'supervisor'),
    ])
    const queue = [...appointments]
    const writes = new Map<string, Write>()
    const marks = { stopping: 0, down: 0, starting: 0, up: 0 }
    let running = true
    const giveUpAt = Date.now() + warmMs + outageMs + afterMs + 30_000

    /** Loads the form until it is served (its key comes with it), then posts it with that key until it is acknowledged. */
    async function recordAttendance(browser: Browser, appointmentId: string) {
      let key: string | undefined
      while (!key && Date.now() < giveUpAt) {
        const page = await browser.get(`/appointments/${appointmentId}`, 'attendance form')
        key = formKey(page.body, `/appointments/${appointmentId}/attendance`)
        if (!key) await pause(200)
      }
      if (!key) return
      const write: Write = { key, attempts: 0 }
      writes.set(appointmentId, write)
      while (!write.acknowledged && Date.now() < giveUpAt) {
        write.attempts += 1
        const reply = await browser.post(
          `/appointments/${appointmentId}/attendance`,
          { outcome: 'attended', _idempotencyKey: key },
          'attendance',
        )
        if (reply.status === 303) write.acknowledged = reply.location
        else await pause(200)
      }
    }

    const reads = ['/', '/appointments', '/failures', '/people/search?q=Faultline']
    async function worker(browser: Browser, offset: number) {
      for (let i = offset; running; i++) {
        const appointmentId = i % 2 === 0 ? queue.shift() : undefined
        if (appointmentId) await recordAttendance(browser, appointmentId)
        else await browser.get(reads[i % reads.length] ?? '/', 'read')
        await pause(25)
      }
    }

    const load = Promise.all(browsers.flatMap((browser, n) => [worker(browser, n), worker(browser, n + 1)]))
    await pause(warmMs)
    marks.stopping = Date.now()
    await cluster.stop()
    marks.down = Date.now()
    await pause(outageMs)
    marks.starting = Date.now()
    await cluster.start()
    marks.up = Date.now()
    await pause(afterMs)
    running = false
    await load

    const replies: Reply[] = browsers.flatMap((b) => b.replies)
    const ended = (r: Reply) => r.startedAt + r.ms
    const describe = (r: Reply) =>
      `${r.label} ${r.status ?? r.error} after ${r.ms} ms at ${r.startedAt - marks.stopping} ms`
    const unavailable = replies.filter((r) => r.status === 503)
    const duringOutage = replies.filter((r) => r.startedAt >= marks.down && ended(r) <= marks.starting)
    const firstOkAfterUp = replies
      .filter((r) => r.startedAt >= marks.up && r.status !== 503)
      .sort((a, b) => a.startedAt - b.startedAt)[0]
    const summary = {
      requests: replies.length,
      unavailable: unavailable.length,
      servedWhileDown: duringOutage.length,
      slowestMs: Math.max(...replies.map((r) => r.ms)),
      writesAcknowledged: [...writes.values()].filter((w) => w.acknowledged).length,
      writesRetried: [...writes.values()].filter((w) => w.attempts > 1).length,
      stopMs: marks.down - marks.stopping,
      startMs: marks.up - marks.starting,
      firstAnswerAfterRestartMs: firstOkAfterUp ? ended(firstOkAfterUp) - marks.up : undefined,
    }
    console.log('PostgreSQL restart under load:', JSON.stringify(summary))
    if (process.env.FAULTS_LOG) writeFileSync(process.env.FAULTS_LOG, app.output())

    // No connection reset, refusal or hang, and nothing slow.
    expect(replies.filter((r) => r.error).map(describe)).toEqual([])
    expect(replies.filter((r) => r.ms >= hungMs).map(describe)).toEqual([])
    // Only pages, redirects and the 503 page: never a 500.
    expect(replies.filter((r) => ![200, 303, 503].includes(r.status ?? 0)).map(describe), app.output()).toEqual([])
    // While the server was away, every answer was the 503 page (with Retry-After)…
    expect(duringOutage.length).toBeGreaterThan(10)
    expect(duringOutage.filter((r) => r.status !== 503).map(describe)).toEqual([])
    expect(unavailable.every((r) => r.body.includes('Sorry, the service is unavailable'))).toBe(true)
    // …and only then: not before it stopped, nor once it had been back a moment.
    expect(
      unavailable.filter((r) => ended(r) < marks.stopping || r.startedAt > marks.up + recoveryGraceMs).map(describe),
    ).toEqual([])
    expect(app.alive()).toBe(true)

    // Still signed in: the sessions were in the database, which kept them.
    for (const browser of browsers) {
      const home = await browser.get('/')
      expect(home.status).toBe(200)
      expect(home.body).toContain('Sign out')
    }

    // Every write attempted was in the end acknowledged, and is there exactly once; nothing else was written.
    const attempted = [...writes.keys()]
    expect(attempted.length).toBeGreaterThan(20)
    expect(attempted.filter((id) => !writes.get(id)?.acknowledged)).toEqual([])
    const recorded = await query<{ appointment_id: string; n: number }>(
      databaseUrl,
      `select appointment_id, count(*)::int as n from attendance where appointment_id = any($1::uuid[]) group by appointment_id`,
      [appointments],
    )
    expect(recorded.filter((r) => r.n !== 1)).toEqual([])
    expect(recorded.map((r) => r.appointment_id).sort()).toEqual(attempted.sort())
    await sealAsTheApp(databaseUrl)
    const audited = await query<{ entity_id: string; n: number }>(
      databaseUrl,
      `select entity_id, count(*)::int as n from audit_event where event = 'attendance.recorded' and entity_id = any($1::text[]) group by entity_id`,
      [appointments],
    )
    expect(audited.filter((r) => r.n !== 1)).toEqual([])
    expect(audited.length).toBe(attempted.length)
    // The chain went on through the outage under the app's key, every row hashed and linked.
    const check = await checkAuditLogAsTheApp(databaseUrl, path.join(app.dataDir, 'audit-checkpoints.log'))
    expect(check, check.message).toMatchObject({ outcome: 'intact', chain: { firstBrokenId: null } })
  })
})
