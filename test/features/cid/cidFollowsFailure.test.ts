import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { entryRow, eventKinds, failureRow, onTheList, shownName, today } from './cidSupport.ts'

let t: TestApp
let iom: { agent: Agent; csrf: string }
let cid: { agent: Agent; csrf: string }
beforeAll(async () => {
  t = await createTestApp()
  iom = await signInAs(t.app, 'iom')
  cid = await signInAs(t.app, 'cid')
})
afterAll(async () => {
  await t.close()
})

const dateFields = (name: string, day: string) => ({
  [`${name}-day`]: day.slice(8, 10),
  [`${name}-month`]: day.slice(5, 7),
  [`${name}-year`]: day.slice(0, 4),
})

describe('an outcome recorded on the DIP failure itself', () => {
  it('an arrest an officer records on the failure takes the person off the CID list, and a charge after it follows too', async () => {
    const listed = await onTheList(t.db, { person: { surname: 'Followfailure' } })
    expect((await cid.agent.get('/cid').expect(200)).text).toContain(shownName(listed.person))

    const before = await failureRow(t.db, listed.failure.id)
    await iom.agent
      .post(`/failures/${listed.failure.id}/outcome`)
      .type('form')
      .send({
        _csrf: iom.csrf,
        outcome: 'arrested',
        ...dateFields('outcomeOn', today()),
        reference: 'KD/4242/26',
        note: '',
        version: before.version,
      })
      .expect(303)
    expect((await entryRow(t.db, listed.entry.id)).status).toBe('arrested')
    expect((await cid.agent.get('/cid').expect(200)).text).not.toContain(shownName(listed.person))

    await iom.agent
      .post(`/failures/${listed.failure.id}/outcome`)
      .type('form')
      .send({
        _csrf: iom.csrf,
        outcome: 'charged',
        ...dateFields('outcomeOn', today()),
        reference: '',
        note: '',
        version: before.version + 1,
      })
      .expect(303)
    expect((await entryRow(t.db, listed.entry.id)).status).toBe('charged')
    expect(await eventKinds(t.db, listed.entry.id)).toEqual(expect.arrayContaining(['arrested', 'charged']))
  })
})
