import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { todayInLondon } from '../../server/domain/time.ts'
import { dateFields } from '../helpers/factories.ts'
import { startAppProcess, type AppProcess } from './support/appProcess.ts'
import { arrangeDueAppointments, createDatabase, query } from './support/arrange.ts'
import { Browser, formKey, send } from './support/http.ts'
import { startPrivatePostgres, type PrivatePostgres } from './support/privatePostgres.ts'

// Two app processes over one database, as behind a load balancer: whatever one instance knows,
// the other knows, because the app keeps no state of its own (sessions, CSRF tokens, rate-limit
// counts, idempotency keys and versions all live in PostgreSQL).

let cluster: PrivatePostgres
let a: AppProcess
let b: AppProcess
let databaseUrl: string

beforeAll(async () => {
  cluster = await startPrivatePostgres()
  await createDatabase(cluster.url('postgres'), 'cohort')
  databaseUrl = cluster.url('cohort')
  // One at a time: the first migrates and seeds, the second finds it done.
  a = await startAppProcess(databaseUrl, { SEED_DEMO: 'true' })
  b = await startAppProcess(databaseUrl, { SEED_DEMO: 'true' })
})

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  await cluster?.destroy()
})

/** The same browser, sent to the other instance (as a load balancer might). */
function onInstance(browser: Browser, app: AppProcess): Browser {
  const moved = new Browser(app.baseUrl)
  moved.cookie = browser.cookie
  moved.csrf = browser.csrf
  return moved
}

describe('two app instances on one database', () => {
  it('a session started on one instance works on the other, forms and all', async () => {
    const onA = await Browser.signIn(a.baseUrl, 'dip')
    const onB = onInstance(onA, b)
    const home = await onB.get('/')
    expect(home.status).toBe(200)
    expect(home.body).toContain('Sign out')

    // A form rendered by A, with A's CSRF token and key, is accepted by B.
    const [appointmentId] = await arrangeDueAppointments(databaseUrl, 1)
    const page = await onA.get(`/appointments/${appointmentId}`)
    const key = formKey(page.body, `/appointments/${appointmentId}/attendance`)
    expect(key).toBeDefined()
    const saved = await onB.post(`/appointments/${appointmentId}/attendance`, {
      outcome: 'attended',
      _idempotencyKey: key ?? '',
    })
    expect(saved.status).toBe(303)
    // The same form sent again, this time to A: the key is known there too, so nothing more is written.
    const again = await onA.post(`/appointments/${appointmentId}/attendance`, {
      outcome: 'attended',
      _idempotencyKey: key ?? '',
    })
    expect(again.status).toBe(303)
    expect(again.location).toBe(saved.location)
    expect(
      await query(databaseUrl, 'select 1 from attendance where appointment_id = $1', [appointmentId]),
    ).toHaveLength(1)

    // Signing out on B ends the session on A.
    const signOut = await onB.post('/sign-out', {})
    expect(signOut.status).toBe(303)
    const afterSignOut = await send(a.baseUrl, { method: 'GET', path: '/', cookie: onA.cookie })
    expect(afterSignOut.status).toBe(303)
    expect(afterSignOut.location).toMatch(/^\/sign-in/)
  })

  it('the same record edited on both at once: one success and one 409', async () => {
    const [appointmentId] = await arrangeDueAppointments(databaseUrl, 1)
    const dipOnA = await Browser.signIn(a.baseUrl, 'dip')
    const supervisorOnB = await Browser.signIn(b.baseUrl, 'supervisor')
    const path = `/appointments/${appointmentId}`
    const [pageA, pageB] = await Promise.all([dipOnA.get(path), supervisorOnB.get(path)])
    const version = (html: string) => /action="[^"]*\/reschedule"[\s\S]*?name="version" value="(\d+)"/.exec(html)?.[1]
    expect(version(pageA.body)).toBe('1')
    expect(version(pageB.body)).toBe('1')

    const change = (browser: Browser, html: string, place: string) =>
      browser.post(`${path}/reschedule`, {
        _idempotencyKey: formKey(html, `${path}/reschedule`) ?? '',
        version: '1',
        ...dateFields('appointmentDate', todayInLondon()),
        appointmentTime: '23:30',
        place,
        reason: 'Room change',
      })
    const replies = await Promise.all([
      change(dipOnA, pageA.body, 'Room 1, Romford'),
      change(supervisorOnB, pageB.body, 'Room 2, Ilford'),
    ])
    expect(replies.map((r) => r.status).sort()).toEqual([303, 409])
    const rows = await query<{ version: number; changes: number }>(
      databaseUrl,
      'select a.version, (select count(*)::int from appointment_change c where c.appointment_id = a.id) as changes from appointment a where a.id = $1',
      [appointmentId],
    )
    expect(rows).toEqual([{ version: 2, changes: 1 }])
  })
})
