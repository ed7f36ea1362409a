import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isChangedMeanwhile } from '../../server/http/databaseErrors.ts'
import { signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

// A write the database refuses because something changed under it (a second tab, a double
// submission, a rule the database holds) is the 409 page, never a 500; and a name taken from the
// URL never reaches an object's inherited properties.

let t: TestApp
let admin: { agent: Agent; csrf: string }

beforeAll(async () => {
  t = await createTestApp()
  admin = await signInAs(t.app, 'admin')
})
afterAll(async () => {
  await t.close()
})

describe('database refusals after a concurrent change', () => {
  it('a unique or foreign-key violation, and a refusal by one of the rules the database holds, count as changed meanwhile; other errors do not', () => {
    for (const code of ['23505', '23503', 'CH001', 'CH004']) expect(isChangedMeanwhile({ code }), code).toBe(true)
    for (const code of ['23502', '22001', '57P01', 'CH', 'CH0001', undefined]) expect(isChangedMeanwhile({ code }), String(code)).toBe(false)
    expect(isChangedMeanwhile(null)).toBe(false)
  })
})

describe('names from the URL', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('the reference list "%s" is not found, not a 500', async (name) => {
    await admin.agent.get(`/admin/reference/${name}`).expect(404)
  })
})
