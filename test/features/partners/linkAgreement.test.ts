import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInAs } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
})

describe('the agreement a link was shared under', () => {
  it('a MASH link shared under an agreement that has ended is not shown to MASH, even while another MASH agreement is in force', async () => {
    const area = await t.db.selectFrom('area').select('id').where('code', '=', 'HV').executeTakeFirstOrThrow()
    const admin = await t.db
      .selectFrom('app_user')
      .select('id')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow()
    const ended = await t.db
      .insertInto('sharing_agreement')
      .values({
        name: 'Ended MASH pilot',
        agency: 'mash',
        categories: ['identity', 'link_details'],
        starts_on: '2020-01-01',
        ends_on: '2021-12-31',
        created_by: admin.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const current = await t.db
      .insertInto('sharing_agreement')
      .values({
        name: 'Current MASH agreement',
        agency: 'mash',
        categories: ['identity', 'link_details'],
        starts_on: '2022-01-01',
        created_by: admin.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const [underEnded, underCurrent] = await t.db
      .insertInto('person')
      .values([
        { surname: 'Endedshare', forenames: 'Una', date_of_birth: '1990-01-01', gender: 'female', area_id: area.id },
        { surname: 'Currentshare', forenames: 'Cora', date_of_birth: '1991-01-01', gender: 'female', area_id: area.id },
      ])
      .returning('id')
      .execute()
    const link = (personId: string, agreementId: string, reference: string) => ({
      person_id: personId,
      agency: 'mash' as const,
      reference,
      opened_on: '2021-06-01',
      agreement_id: agreementId,
      brag_rating: 'amber' as const,
    })
    const [endedLink] = await t.db
      .insertInto('partner_link')
      .values([link(underEnded!.id, ended.id, 'MASH-ENDED-1'), link(underCurrent!.id, current.id, 'MASH-CURRENT-1')])
      .returning('id')
      .execute()

    const partner = await signInAs(t.app, 'partner')
    const list = await partner.agent.get('/partner-cases').expect(200)
    expect(list.text).toContain('CURRENTSHARE')
    expect(list.text).not.toContain('ENDEDSHARE')
    await partner.agent.get(`/partner-cases/${endedLink!.id}`).expect(404)
  })
})
