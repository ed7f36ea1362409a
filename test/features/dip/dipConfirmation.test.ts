import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { workingDaysAfter } from '../../../server/features/dip/dipRules.ts'
import { imposedFields } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let dip: { agent: Agent; csrf: string }
beforeAll(async () => {
  t = await createTestApp()
  dip = await signInAs(t.app, 'dip')
})
afterAll(async () => {
  await t.close()
})

const dateFields = (name: string, day: string) => ({
  [`${name}-day`]: day.slice(8, 10),
  [`${name}-month`]: day.slice(5, 7),
  [`${name}-year`]: day.slice(0, 4),
})

describe('a disputed test confirmed by the laboratory', () => {
  it('a disputed positive that the laboratory confirms negative can no longer lead to a required assessment', async () => {
    const area = await t.db.selectFrom('area').select('id').where('code', '=', 'HV').executeTakeFirstOrThrow()
    const person = await t.db
      .insertInto('person')
      .values({
        surname: 'Labconfirm',
        forenames: 'Neil',
        date_of_birth: '1980-05-05',
        gender: 'male',
        area_id: area.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const sampleDay = addDays(todayInLondon(), -10)
    const recorded = await dip.agent
      .post(`/people/${person.id}/drug-tests`)
      .type('form')
      .send({
        _csrf: dip.csrf,
        custodySuiteCode: 'ROMFORD',
        custodyNumber: 'KD/777/26',
        condition: 'arrest',
        triggerOffenceCode: 'THEFT',
        ...dateFields('sampleDate', sampleDay),
        sampleTime: '09:15',
        opiates: 'positive',
        cocaine: 'not_tested',
        refused: 'no',
        disputed: 'yes',
      })
      .expect(303)
    const testId = String(recorded.headers.location).split('/').pop()
    await dip.agent
      .post(`/drug-tests/${testId}/confirmation`)
      .type('form')
      .send({
        _csrf: dip.csrf,
        opiates: 'negative',
        cocaine: 'not_tested',
        ...dateFields('confirmedOn', addDays(sampleDay, 5)),
      })
      .expect(303)

    const refused = await dip.agent
      .post(`/drug-tests/${testId}/assessment`)
      .type('form')
      .send({
        _csrf: dip.csrf,
        ...imposedFields(workingDaysAfter(sampleDay, 6), '10:00'),
        ...dateFields('appointmentDate', workingDaysAfter(sampleDay, 6)),
        appointmentTime: '10:00',
        place: 'CJIT Romford',
        assessor: 'A Assessor',
      })
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('can only follow a positive test')
    const assessments = await t.db
      .selectFrom('required_assessment')
      .select('id')
      .where('person_id', '=', person.id)
      .execute()
    expect(assessments).toHaveLength(0)
  })
})
