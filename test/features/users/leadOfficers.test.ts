import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  isLeadOfficerIn,
  leadOfficers,
  leadOfficersQuery,
} from '../../../server/features/users/leadOfficersRepository.ts'
import { createOutsideArea } from '../../helpers/factories.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { arrangeUser } from './accountHelpers.ts'

// Who may lead a case in some areas: staff of a leading role, not disabled, granted one of the
// areas or the BCU above one of them. The query asks each user by key; this holds it to the
// rule as written here, over every user and a spread of area sets, BCU-wide grants included.

let t: TestApp
const password = 'a long enough pass phrase'
const leadingRoles = new Set(['iom_officer', 'supervisor', 'dip_worker'])

beforeAll(async () => {
  t = await createTestApp()
  const outside = await createOutsideArea(t.db)
  for (const areaCodes of [['HV'], ['BD'], ['EA'], ['RB', 'HV']]) await arrangeUser(t, { password, areaCodes })
  await arrangeUser(t, { password, role: 'supervisor', areaCodes: ['EA'] })
  await arrangeUser(t, { password, role: 'cid_officer', areaCodes: ['HV'] })
  const disabled = await arrangeUser(t, { password, areaCodes: ['HV'] })
  await t.db.updateTable('app_user').set({ disabled_at: new Date() }).where('id', '=', disabled.id).execute()
  const elsewhere = await arrangeUser(t, { password, areaCodes: ['HV'] })
  await t.db.deleteFrom('user_area').where('user_id', '=', elsewhere.id).execute()
  await t.db.insertInto('user_area').values({ user_id: elsewhere.id, area_id: outside.bcuId }).execute()
})
afterAll(async () => {
  await t.close()
})

/** The rule, worked out from the tables in JavaScript. */
async function expected(areaIds: string[]) {
  const areas = await t.db.selectFrom('area').select(['id', 'parent_id']).execute()
  const grants = await t.db.selectFrom('user_area').select(['user_id', 'area_id']).execute()
  const users = await t.db.selectFrom('app_user').select(['id', 'display_name', 'role', 'disabled_at']).execute()
  const reach = new Set(
    areas.filter((a) => areaIds.includes(a.id)).flatMap((a) => (a.parent_id ? [a.id, a.parent_id] : [a.id])),
  )
  return users
    .filter((u) => leadingRoles.has(u.role) && u.disabled_at === null)
    .filter((u) => grants.some((g) => g.user_id === u.id && reach.has(g.area_id)))
    .map((u) => ({ id: u.id, display_name: u.display_name }))
    .sort((a, b) => (a.display_name < b.display_name ? -1 : a.display_name > b.display_name ? 1 : 0))
}

describe('the lead officers of some areas', () => {
  it('are those the rule names, for each borough, the BCU, pairs and an area outside', async () => {
    const areas = await t.db.selectFrom('area').select(['id', 'code', 'parent_id']).execute()
    const id = (code: string) => areas.find((a) => a.code === code)!.id
    const boroughsOfEA = areas.filter((a) => a.parent_id === id('EA')).map((a) => a.id)
    const outside = areas.filter((a) => !['EA', 'HV', 'BD', 'RB'].includes(a.code)).map((a) => a.id)
    const areaSets = [
      [id('HV')],
      [id('BD')],
      [id('RB')],
      [id('HV'), id('BD')],
      [id('EA'), ...boroughsOfEA],
      outside,
      [],
    ]
    const users = await t.db.selectFrom('app_user').select('id').execute()
    for (const areaIds of areaSets) {
      const want = await expected(areaIds)
      const got = areaIds.length === 0 ? [] : await leadOfficersQuery(t.db, areaIds).execute()
      expect(new Set(got.map((u) => u.id)), areaIds.join()).toEqual(new Set(want.map((u) => u.id)))
      expect((await leadOfficers(t.db, areaIds)).map((u) => u.display_name)).toEqual(want.map((u) => u.display_name))
      for (const user of users)
        expect(await isLeadOfficerIn(t.db, areaIds, user.id), `${user.id} in ${areaIds.join()}`).toBe(
          want.some((u) => u.id === user.id),
        )
      expect(await isLeadOfficerIn(t.db, areaIds, null)).toBe(false)
    }
  })
})
