import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditSince, lastAuditId } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { entry, failure, marker, onTheList, person } from './cidSupport.ts'

// What CID receives to act on: the briefing sheet shows the custody photograph and the physical
// description, and the photograph is served to CID for a listed entry only, each fetch a disclosure.

let t: TestApp
let cid: { agent: Agent; csrf: string }
let iom: { agent: Agent; csrf: string }
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9])

beforeAll(async () => {
  t = await createTestApp()
  cid = await signInAs(t.app, 'cid')
  iom = await signInAs(t.app, 'iom')
})
afterAll(async () => {
  await t.close()
})

async function withPhoto(personId: string) {
  await t.db.insertInto('person_photo').values({ person_id: personId, image: jpeg, width: 1, height: 1 }).execute()
  await t.db
    .updateTable('person')
    .set({
      height_cm: 183,
      build: 'stocky',
      hair: 'Short, dark brown',
      eyes: 'brown',
      distinguishing_marks: 'Scar over left eyebrow',
    })
    .where('id', '=', personId)
    .execute()
}

describe('the custody photograph and description on the CID briefing sheet', () => {
  it('shows the photograph and the description on the sheet, and serves the photograph to CID with no-store, logging each fetch as a disclosure to CID', async () => {
    const listed = await onTheList(t.db)
    await withPhoto(listed.person.id)
    const sheet = await cid.agent.get(`/cid/${listed.entry.id}/briefing`).expect(200)
    expect(sheet.text).toContain(`<img src="/cid/${listed.entry.id}/photo"`)
    for (const text of ['183 cm', 'Stocky', 'Short, dark brown', 'Brown', 'Scar over left eyebrow'])
      expect(sheet.text).toContain(text)

    const before = await lastAuditId(t.db)
    const photo = await cid.agent.get(`/cid/${listed.entry.id}/photo`).expect(200)
    expect(photo.headers['content-type']).toBe('image/jpeg')
    expect(photo.headers['cache-control']).toBe('no-store')
    expect(Buffer.from(photo.body as Buffer)).toEqual(jpeg)
    const rows = await auditSince(t.db, before)
    expect(rows.map((r) => [r.category, r.event, r.person_id, r.recipients])).toEqual([
      ['disclosure', 'cid_briefing.photo_viewed', listed.person.id, 'CID'],
    ])
  })

  it('does not serve the photograph of an entry that is not on the list (a proposal), nor to a role without the list', async () => {
    const who = await person(t.db)
    await marker(t.db, who.id, 'violent')
    const proposal = await entry(t.db, await failure(t.db, who.id), 'proposed')
    await withPhoto(who.id)
    const before = await lastAuditId(t.db)
    await cid.agent.get(`/cid/${proposal.id}/photo`).expect(404)
    const listed = await onTheList(t.db)
    await withPhoto(listed.person.id)
    await iom.agent.get(`/cid/${listed.entry.id}/photo`).expect(403)
    expect((await auditSince(t.db, before)).filter((r) => r.event === 'cid_briefing.photo_viewed')).toEqual([])
  })
})
