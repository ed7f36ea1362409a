import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isChangedMeanwhile } from '../../server/http/databaseErrors.ts'
import { todayInLondon } from '../../server/domain/time.ts'
import { createPerson, createReferral, dateFields, demoUserIds } from '../helpers/factories.ts'
import { signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

// A write the database refuses because something changed under it (a second tab, a double
// submission, a rule the database holds) is the 409 page, never a 500; and a name taken from the
// URL never reaches an object's inherited properties.

let t: TestApp
let admin: { agent: Agent; csrf: string }
let supervisor: { agent: Agent; csrf: string }

beforeAll(async () => {
  t = await createTestApp()
  admin = await signInAs(t.app, 'admin')
  supervisor = await signInAs(t.app, 'supervisor')
})
afterAll(async () => {
  await t.close()
})

describe('database refusals after a concurrent change', () => {
  it('a unique or foreign-key violation, and a refusal by one of the rules the database holds, count as changed meanwhile; other errors do not', () => {
    for (const code of ['23505', '23503', 'CH001', 'CH004']) expect(isChangedMeanwhile({ code }), code).toBe(true)
    for (const code of ['23502', '22001', '57P01', 'CH', 'CH0001', undefined])
      expect(isChangedMeanwhile({ code }), String(code)).toBe(false)
    expect(isChangedMeanwhile(null)).toBe(false)
  })

  it('the same pending referral accepted from four tabs at once: one adoption, the other tabs the 409 page, no 500', async () => {
    const users = await demoUserIds(t.db)
    // Several referrals raced side by side, so that a tab reading between another's decision and
    // its commit is likely in every run, not one run in many.
    const raced = await Promise.all(
      [1, 2, 3, 4, 5].map(async () => {
        const person = await createPerson(t.db)
        const referral = await createReferral(t.db, {
          personId: person.id,
          referredBy: users.iom,
          programme: 'iom_flex',
        })
        return { personId: person.id, referralId: referral.id }
      }),
    )
    // Each tab has its own form key, as four open tabs would: the idempotency key does not make them one.
    const send = (referralId: string) =>
      supervisor.agent
        .post(`/referrals/${referralId}/accept`)
        .type('form')
        .send({
          _csrf: supervisor.csrf,
          tier: 'amber',
          score: '40',
          method: 'rfg',
          ...dateFields('scoreDate', todayInLondon()),
          leadOfficerId: users.iom,
          version: '1',
          _idempotencyKey: randomUUID(),
        })
    const answers = await Promise.all(
      raced.map(async ({ referralId }) => Promise.all([1, 2, 3, 4].map(() => send(referralId)))),
    )
    for (const [i, tabs] of answers.entries()) {
      expect(tabs.map((a) => a.status).sort(), `referral ${i + 1}`).toEqual([303, 409, 409, 409])
      for (const refused of tabs.filter((a) => a.status === 409))
        expect(refused.text).toContain('Someone else changed this record')
    }
    const adopted = await t.db
      .selectFrom('cohort_membership')
      .select(['person_id', 'programme'])
      .where(
        'person_id',
        'in',
        raced.map((r) => r.personId),
      )
      .execute()
    expect(adopted).toHaveLength(raced.length)
    expect(new Set(adopted.map((a) => a.person_id)).size).toBe(raced.length)
    expect(adopted.every((a) => a.programme === 'iom_flex')).toBe(true)
  })
})

describe('names from the URL', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'the reference list "%s" is not found, not a 500',
    async (name) => {
      await admin.agent.get(`/admin/reference/${name}`).expect(404)
    },
  )
})
