import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findActiveSessionUser } from '../../../server/features/users/usersRepository.ts'
import { sealed } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { arrangeUser, signInWith } from './accountHelpers.ts'

let t: TestApp
const password = 'a long enough pass phrase'
let users: Record<'havering' | 'barking' | 'bcuWide' | 'redbridgeAndHavering', { id: string; username: string }>
let haveringSupervisor: Agent

beforeAll(async () => {
  t = await createTestApp()
  users = {
    havering: await arrangeUser(t, { password, prefix: 'hvofficer', areaCodes: ['HV'] }),
    barking: await arrangeUser(t, { password, prefix: 'bdofficer', areaCodes: ['BD'] }),
    bcuWide: await arrangeUser(t, { password, prefix: 'eaofficer', areaCodes: ['EA'] }),
    redbridgeAndHavering: await arrangeUser(t, { password, prefix: 'rbhvofficer', areaCodes: ['RB', 'HV'] }),
  }
  const supervisor = await arrangeUser(t, { password, prefix: 'hvsupervisor', role: 'supervisor', areaCodes: ['HV'] })
  const { agent, response } = await signInWith(t, supervisor.username, password)
  expect(response.status).toBe(303)
  haveringSupervisor = agent
})
afterAll(async () => {
  await t.close()
})

async function auditRowsAbout(userId: string) {
  return (await sealed(t.db))
    .selectFrom('audit_event')
    .select('event')
    .where('entity_id', '=', userId)
    .where('event', 'like', 'audit.user_%')
    .execute()
}

describe('which colleagues a reader of the user lists can see', () => {
  it('a supervisor of one borough sees the colleagues who share an area with them, and no one else', async () => {
    const page = await haveringSupervisor.get('/audit/users').expect(200)
    for (const visible of [users.havering, users.bcuWide, users.redbridgeAndHavering])
      expect(page.text).toContain(`/audit/users/${visible.id}`)
    expect(page.text).not.toContain(`/audit/users/${users.barking.id}`)
    expect(page.text).not.toContain(users.barking.username)
  })

  it('a colleague outside the supervisor’s areas is not found, page and export alike, and nothing is logged as read', async () => {
    await haveringSupervisor.get(`/audit/users/${users.barking.id}`).expect(404)
    await haveringSupervisor.get(`/audit/users/${users.barking.id}/activity.csv`).expect(404)
    expect(await auditRowsAbout(users.barking.id)).toEqual([])

    await haveringSupervisor.get(`/audit/users/${users.havering.id}`).expect(200)
    const csv = await haveringSupervisor.get(`/audit/users/${users.bcuWide.id}/activity.csv`).expect(200)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
  })

  it('a BCU-wide supervisor sees every borough’s colleagues', async () => {
    const { agent } = await signInAs(t.app, 'supervisor')
    const page = await agent.get('/audit/users').expect(200)
    for (const user of Object.values(users)) expect(page.text).toContain(`/audit/users/${user.id}`)
    await agent.get(`/audit/users/${users.barking.id}`).expect(200)
  })

  it('administrators manage accounts force-wide; a supervisor cannot open the accounts list at all', async () => {
    const { agent } = await signInAs(t.app, 'admin')
    const page = await agent.get('/admin/users').expect(200)
    for (const user of Object.values(users)) expect(page.text).toContain(`/admin/users/${user.id}`)
    await haveringSupervisor.get('/admin/users').expect(403)
  })

  it('the accounts list itself is scoped the same way for any reader without account management', async () => {
    const supervisor = await t.db
      .selectFrom('app_user')
      .select(['id'])
      .where('username', 'like', 'hvsupervisor%')
      .executeTakeFirstOrThrow()
    const viewer = await findActiveSessionUser(t.db, supervisor.id)
    const listed = await t.services.usersService.list(viewer!, { limit: 500, offset: 0 })
    const ids = listed.map((u) => u.id)
    expect(ids).toEqual(
      expect.arrayContaining([users.havering.id, users.bcuWide.id, users.redbridgeAndHavering.id, supervisor.id]),
    )
    expect(ids).not.toContain(users.barking.id)
    expect(await t.services.usersService.count(viewer!)).toBe(listed.length)
  })
})
