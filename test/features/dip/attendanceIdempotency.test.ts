import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { deleteExpiredIdempotencyKeys } from '../../../server/features/idempotency/writeOnce.ts'
import {
  createPerson,
  dateFields,
  imposedFields,
  inputValue,
  postForm,
  sealed,
  uniqueTag,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// Recording attendance is done once per form: the key minted with the form makes a second send
// (a double click, or a retry after the answer was lost) write nothing and end on the same page.

type Session = { agent: Agent; csrf: string }

let t: TestApp
let dip: Session
let supervisor: Session

beforeAll(async () => {
  t = await createTestApp()
  dip = await signInAs(t.app, 'dip')
  supervisor = await signInAs(t.app, 'supervisor')
})
afterAll(async () => {
  await t.close()
})

const daysAgo = (n: number) => addDays(todayInLondon(), -n)

/** An initial appointment two days ago, arranged through the real forms, with no attendance yet. */
async function dueAppointment(): Promise<string> {
  const person = await createPerson(t.db, { date_of_birth: '1984-06-12' })
  const test = await postForm(dip, `/people/${person.id}/drug-tests`, {
    custodySuiteCode: 'ROMFORD',
    custodyNumber: `KD/${uniqueTag()}/26`,
    condition: 'arrest',
    triggerOffenceCode: 'THEFT',
    authorisedBy: '',
    ...dateFields('sampleDate', daysAgo(5)),
    sampleTime: '09:00',
    opiates: 'positive',
    cocaine: 'negative',
    refused: 'no',
    disputed: 'no',
  }).expect(303)
  await postForm(dip, `${String(test.headers.location)}/assessment`, {
    ...imposedFields(daysAgo(2), '10:00'),
    ...dateFields('appointmentDate', daysAgo(2)),
    appointmentTime: '10:00',
    place: 'CJIT office, Romford',
    assessor: 'Sam Okafor',
  }).expect(303)
  const row = await t.db
    .selectFrom('appointment')
    .select('id')
    .where('person_id', '=', person.id)
    .executeTakeFirstOrThrow()
  return row.id
}

/** The key the attendance form carries, as a browser would send it back. */
async function attendanceFormKey(session: Session, appointmentId: string): Promise<string> {
  const page = await session.agent.get(`/appointments/${appointmentId}`).expect(200)
  const form = /<form method="post" action="[^"]*\/attendance"[\s\S]*?<\/form>/.exec(page.text)?.[0] ?? ''
  const key = inputValue(form, '_idempotencyKey')
  expect(key).toMatch(/^[0-9a-f-]{36}$/)
  return key ?? ''
}

async function written(appointmentId: string) {
  const count = async (query: Promise<{ n: number | string }>) => Number((await query).n)
  return {
    attendance: await count(
      t.db
        .selectFrom('attendance')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('appointment_id', '=', appointmentId)
        .executeTakeFirstOrThrow(),
    ),
    failures: await count(
      t.db
        .selectFrom('dip_failure')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('appointment_id', '=', appointmentId)
        .executeTakeFirstOrThrow(),
    ),
    audit: await count(
      (await sealed(t.db))
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('event', '=', 'attendance.recorded')
        .where('entity_id', '=', appointmentId)
        .executeTakeFirstOrThrow(),
    ),
  }
}

const didNotAttend = { outcome: 'did_not_attend', goodCause: 'no' }

describe('recording attendance with an idempotency key', () => {
  it('every form on a page carries its own fresh key beside the CSRF token', async () => {
    const appointmentId = await dueAppointment()
    const page = await dip.agent.get(`/appointments/${appointmentId}`).expect(200)
    const keys = [...page.text.matchAll(/name="_idempotencyKey" value="([^"]+)"/g)].map((m) => m[1])
    expect(keys).toHaveLength(2) // attendance and reschedule
    expect(new Set(keys).size).toBe(2)
  })

  it('when the same form is sent twice, one attendance, one failure and one audit row are written and both answers are the same redirect', async () => {
    const appointmentId = await dueAppointment()
    const key = await attendanceFormKey(dip, appointmentId)
    const first = await postForm(dip, `/appointments/${appointmentId}/attendance`, {
      ...didNotAttend,
      _idempotencyKey: key,
    })
    const second = await postForm(dip, `/appointments/${appointmentId}/attendance`, {
      ...didNotAttend,
      _idempotencyKey: key,
    })
    expect(first.status).toBe(303)
    expect(first.headers.location).toMatch(/^\/failures\/[0-9a-f-]{36}$/)
    expect(second.status).toBe(303)
    expect(second.headers.location).toBe(first.headers.location)
    expect(await written(appointmentId)).toEqual({ attendance: 1, failures: 1, audit: 1 })
  })

  it('when the same form is sent twice at once, one is written and both end on the same page', async () => {
    const appointmentId = await dueAppointment()
    const key = await attendanceFormKey(dip, appointmentId)
    const form = { outcome: 'attended', followUp: 'ra5', _idempotencyKey: key }
    const [a, b] = await Promise.all([
      postForm(dip, `/appointments/${appointmentId}/attendance`, form),
      postForm(dip, `/appointments/${appointmentId}/attendance`, form),
    ])
    expect([a.status, b.status]).toEqual([303, 303])
    expect(a.headers.location).toBe(b.headers.location)
    expect(await written(appointmentId)).toEqual({ attendance: 1, failures: 0, audit: 1 })
  })

  it('a key already used by another user is refused with a 400 and writes nothing', async () => {
    const used = await dueAppointment()
    const key = await attendanceFormKey(dip, used)
    await postForm(dip, `/appointments/${used}/attendance`, { ...didNotAttend, _idempotencyKey: key }).expect(303)

    const other = await dueAppointment()
    const response = await postForm(supervisor, `/appointments/${other}/attendance`, {
      ...didNotAttend,
      _idempotencyKey: key,
    })
    expect(response.status).toBe(400)
    expect(await written(other)).toEqual({ attendance: 0, failures: 0, audit: 0 })
  })

  it('a key already used for another form by the same user is refused too', async () => {
    const used = await dueAppointment()
    const key = await attendanceFormKey(dip, used)
    await postForm(dip, `/appointments/${used}/attendance`, { ...didNotAttend, _idempotencyKey: key }).expect(303)
    const other = await dueAppointment()
    expect(
      (await postForm(dip, `/appointments/${other}/attendance`, { ...didNotAttend, _idempotencyKey: key })).status,
    ).toBe(400)
    expect(await written(other)).toEqual({ attendance: 0, failures: 0, audit: 0 })
  })

  it('a refused form releases its key, so the corrected form can be sent with it', async () => {
    const appointmentId = await dueAppointment()
    const key = await attendanceFormKey(dip, appointmentId)
    // Attended an initial assessment without settling the follow-up: the service refuses it.
    const refused = await postForm(dip, `/appointments/${appointmentId}/attendance`, {
      outcome: 'attended',
      _idempotencyKey: key,
    })
    expect(refused.status).toBe(400)
    const corrected = await postForm(dip, `/appointments/${appointmentId}/attendance`, {
      outcome: 'attended',
      followUp: 'ra5',
      _idempotencyKey: key,
    })
    expect(corrected.status).toBe(303)
    expect(await written(appointmentId)).toEqual({ attendance: 1, failures: 0, audit: 1 })
  })

  it('a form without a key (opened before keys existed) is still saved', async () => {
    const appointmentId = await dueAppointment()
    const response = await postForm(dip, `/appointments/${appointmentId}/attendance`, didNotAttend)
    expect(response.status).toBe(303)
    expect(await written(appointmentId)).toEqual({ attendance: 1, failures: 1, audit: 1 })
  })

  it.each([['not-a-key'], ['00000000-0000-0000-0000-00000000000g']])(
    'a malformed key (%s) is a 400 and writes nothing',
    async (key) => {
      const appointmentId = await dueAppointment()
      const response = await postForm(dip, `/appointments/${appointmentId}/attendance`, {
        ...didNotAttend,
        _idempotencyKey: key,
      })
      expect(response.status).toBe(400)
      expect(await written(appointmentId)).toEqual({ attendance: 0, failures: 0, audit: 0 })
    },
  )

  it('keys are forgotten after a day', async () => {
    const appointmentId = await dueAppointment()
    const key = await attendanceFormKey(dip, appointmentId)
    await postForm(dip, `/appointments/${appointmentId}/attendance`, { ...didNotAttend, _idempotencyKey: key }).expect(
      303,
    )
    const fresh = await dueAppointment()
    const freshKey = await attendanceFormKey(dip, fresh)
    await postForm(dip, `/appointments/${fresh}/attendance`, { ...didNotAttend, _idempotencyKey: freshKey }).expect(303)
    await t.db
      .updateTable('idempotency_key')
      .set({ created_at: sql<Date>`now() - interval '25 hours'` })
      .where('key', '=', key)
      .execute()

    expect(await deleteExpiredIdempotencyKeys(t.db)).toBeGreaterThanOrEqual(1)
    const left = await t.db.selectFrom('idempotency_key').select('key').where('key', 'in', [key, freshKey]).execute()
    expect(left.map((r) => r.key)).toEqual([freshKey])
  })
})
