import { writeFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAppProcess, type AppProcess } from './support/appProcess.ts'
import { arrangeDueAppointments, checkAuditLogAsTheApp, createDatabase, query } from './support/arrange.ts'
import { Browser, formKey, send, type Reply } from './support/http.ts'
import { startPrivatePostgres, type PrivatePostgres } from './support/privatePostgres.ts'

// SIGTERM while requests are running (a deployment, a scale-in): the app stops taking new
// connections, finishes every request it has, closes the database and exits with 0.

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
  appointments = await arrangeDueAppointments(databaseUrl, 10)
})

afterAll(async () => {
  await app?.stop()
  await cluster?.destroy()
})

describe('when the app is sent SIGTERM under load', () => {
  it('finishes the requests in flight, refuses new connections, and exits with 0 within a few seconds', async () => {
    const browsers = await Promise.all([Browser.signIn(app.baseUrl, 'dip'), Browser.signIn(app.baseUrl, 'supervisor')])
    const dip = browsers[0]
    const forms = await Promise.all(
      appointments.map(async (id) => ({
        id,
        key: formKey((await dip.get(`/appointments/${id}`)).body, `/appointments/${id}/attendance`) ?? '',
      })),
    )
    // Browsers hold their connections open between requests. Each request below goes on a
    // connection the app has already accepted and answered once, so that it is in flight the
    // moment it is sent (a connection still queued in the kernel when the listener closes is reset).
    const connections = 26
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: connections })
    const warm = await Promise.all(
      Array.from({ length: connections }, () =>
        send(app.baseUrl, { method: 'GET', path: '/health', agent: keepAlive }),
      ),
    )
    expect(warm.every((r) => r.status === 200)).toBe(true)

    let sent = 0
    const onSent = () => (sent += 1)
    const reads = ['/', '/appointments', '/failures', '/people/search?q=Faultline']
    const inFlight: Promise<Reply>[] = [
      ...forms.map(({ id, key }) =>
        send(app.baseUrl, {
          method: 'POST',
          path: `/appointments/${id}/attendance`,
          cookie: dip.cookie,
          form: { _csrf: dip.csrf, outcome: 'attended', _idempotencyKey: key },
          agent: keepAlive,
          onSent,
          label: 'attendance',
        }),
      ),
      ...Array.from({ length: connections - forms.length }, (_, i) => {
        const browser = browsers[i % 2]!
        return send(app.baseUrl, {
          method: 'GET',
          path: reads[i % reads.length] ?? '/',
          cookie: browser.cookie,
          agent: keepAlive,
          onSent,
          label: 'read',
        })
      }),
    ]
    while (sent < inFlight.length) await pause(5)
    await pause(50)
    const signalledAt = Date.now()
    app.child.kill('SIGTERM')

    await pause(150)
    const late = await send(app.baseUrl, { method: 'GET', path: '/health', timeoutMs: 3_000 })
    const replies = await Promise.all(inFlight)
    const exitCode = await Promise.race([app.exited, pause(10_000).then(() => 'still running after 10 s')])
    const exitMs = Date.now() - signalledAt
    keepAlive.destroy()
    console.log(
      'SIGTERM under load:',
      JSON.stringify({
        inFlight: replies.length,
        answeredAfterSignal: replies.filter((r) => r.startedAt + r.ms > signalledAt).length,
        exitMs,
      }),
    )

    if (process.env.FAULTS_LOG) writeFileSync(process.env.FAULTS_LOG, app.output())
    expect(
      replies
        .filter((r) => r.error || (r.status ?? 0) >= 400)
        .map(
          (r) =>
            `${r.label} ${r.status ?? r.error} after ${r.ms} ms, ${r.startedAt + r.ms - signalledAt} ms after the signal`,
        ),
    ).toEqual([])
    expect(replies.filter((r) => r.label === 'attendance').every((r) => r.status === 303)).toBe(true)
    // Some of them were still being answered when the signal came, so the test means something.
    expect(replies.filter((r) => r.startedAt + r.ms > signalledAt).length).toBeGreaterThan(0)
    expect(late.error).toMatch(/ECONNREFUSED/)
    expect(exitCode).toBe(0)
    expect(exitMs).toBeLessThan(5_000)

    const recorded = await query<{ n: number }>(
      databaseUrl,
      'select count(*)::int as n from attendance where appointment_id = any($1::uuid[])',
      [appointments],
    )
    expect(recorded[0]?.n).toBe(appointments.length)
    // Every audit row the requests wrote was sealed into the chain before the process exited.
    const waiting = await query<{ n: number }>(databaseUrl, 'select count(*)::int as n from audit_pending')
    expect(waiting[0]?.n).toBe(0)
    const audited = await query<{ n: number }>(
      databaseUrl,
      "select count(*)::int as n from audit_event where event = 'attendance.recorded' and entity_id = any($1::text[])",
      [appointments],
    )
    expect(audited[0]?.n).toBe(appointments.length)
    // …under the app's key, and its last row is the one the checkpoint written at exit signed.
    const check = await checkAuditLogAsTheApp(databaseUrl, path.join(app.dataDir, 'audit-checkpoints.log'))
    expect(check.message).toMatch(/^audit chain intact/)
    expect(check).toMatchObject({ outcome: 'intact', checkpoint: { lastId: check.chain.lastId } })
  })
})
