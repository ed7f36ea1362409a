import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { signInAs } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
})

describe('ending a user’s sessions', () => {
  it('a session that a request in flight saves again after an administrator ended it is still refused', async () => {
    const dip = await signInAs(t.app, 'dip')
    const user = await t.db
      .selectFrom('app_user')
      .select(['id', 'version'])
      .where('username', '=', 'dip')
      .executeTakeFirstOrThrow()
    const before = await t.db
      .selectFrom('session')
      .selectAll()
      .where(sql`(sess::jsonb -> 'passport' ->> 'user')`, '=', user.id)
      .execute()
    expect(before).toHaveLength(1)

    const admin = await signInAs(t.app, 'admin')
    await admin.agent
      .post(`/admin/users/${user.id}/password`)
      .type('form')
      .send({ _csrf: admin.csrf, password: 'a long new passphrase for testing', version: user.version })
      .expect(303)
    expect(await t.db.selectFrom('session').select('sid').where('sid', '=', before[0]!.sid).execute()).toHaveLength(0)

    // What express-session does at the end of a request that was already running: save the row again.
    await t.db.insertInto('session').values(before[0]!).execute()

    const next = await dip.agent.get('/')
    expect(next.status).toBe(303)
    expect(next.headers.location).toMatch(/^\/sign-in/)
  })
})
