import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { todayInLondon } from '../../../server/domain/time.ts'
import {
  auditRowsFor,
  createMembership,
  createOutsideArea,
  createPerson,
  createReferral,
  dateFields,
  demoUserIds,
  postForm,
  rowCounts,
  uniqueTag,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// Every demo user works in East Area BCU. Someone in a BCU nobody here is granted must never
// show, whichever way they are looked for.

let t: TestApp
let iom: { agent: Agent; csrf: string }
let supervisor: { agent: Agent; csrf: string }
let outside: Awaited<ReturnType<typeof createOutsideArea>>
type PersonRow = Awaited<ReturnType<typeof createPerson>>
let insider: PersonRow
let outsider: PersonRow
let tag: string

beforeAll(async () => {
  t = await createTestApp()
  const users = await demoUserIds(t.db)
  outside = await createOutsideArea(t.db)
  tag = uniqueTag().toLowerCase()
  // Both sort first by surname, so a list that forgot its scope would show both on page one.
  insider = await createPerson(t.db, { surname: `Aabernathy${tag}`, forenames: 'Ian' })
  outsider = await createPerson(t.db, { surname: `Aabernathey${tag}`, forenames: 'Ian', area_id: outside.boroughId })
  // The iom officer even leads the outsider's membership: leading it gives no sight of them here.
  await createMembership(t.db, { personId: insider.id, leadOfficerId: users.iom, programme: 'iom_flex' })
  await createMembership(t.db, { personId: outsider.id, leadOfficerId: users.iom, programme: 'iom_flex' })
  await createReferral(t.db, { personId: insider.id, referredBy: users.iom, programme: 'dip' })
  await createReferral(t.db, { personId: outsider.id, referredBy: users.iom, programme: 'dip' })
  iom = await signInAs(t.app, 'iom')
  supervisor = await signInAs(t.app, 'supervisor')
})
afterAll(async () => {
  await t.close()
})

describe('people outside the user’s areas', () => {
  it('name and PNC searches never return them, though they find the person in scope', async () => {
    const byName = await iom.agent
      .get('/people/search')
      .query({ q: `Aabernathy${tag} Ian` })
      .expect(200)
    expect(byName.text).toContain(`/people/${insider.id}`)
    expect(byName.text).not.toContain(outsider.id)
    expect(byName.text).not.toContain(`Aabernathey${tag}`.toUpperCase())

    const byPnc = await iom.agent.get('/people/search').query({ q: outsider.pnc_id! }).expect(200)
    expect(byPnc.text).toContain('0 people found')
    expect(byPnc.text).not.toContain(outsider.id)
  })

  it('their person page and every form about them answer 404, and no consultation is logged', async () => {
    await iom.agent.get(`/people/${insider.id}`).expect(200)
    for (const path of [
      '',
      '/edit',
      '/aliases/new',
      '/markers/new',
      '/contacts/new',
      '/actions/new',
      '/referrals/new',
    ]) {
      const response = await supervisor.agent.get(`/people/${outsider.id}${path}`)
      expect(response.status, path).toBe(404)
      expect(response.text).not.toContain(`Aabernathey${tag}`.toUpperCase())
    }
    expect(await auditRowsFor(t.db, outsider.id)).toEqual([])
  })

  it('writing about them through a form answers 404 and writes nothing', async () => {
    const before = await rowCounts(t.db, ['contact', 'person_alias', 'referral'])
    const contact = await postForm(iom, `/people/${outsider.id}/contacts`, {
      ...dateFields('contactDate', todayInLondon()),
      contactType: 'phone',
      pathway: 'health',
      note: 'Tried to record about someone elsewhere',
      outcome: 'engaged',
    })
    expect(contact.status).toBe(404)
    const alias = await postForm(iom, `/people/${outsider.id}/aliases`, {
      aliasSurname: 'Other',
      aliasForenames: 'Name',
    })
    expect(alias.status).toBe(404)
    const referral = await postForm(iom, `/people/${outsider.id}/referrals`, {
      programme: 'iom_free',
      source: 'custody',
      reason: 'Should not be possible',
    })
    expect(referral.status).toBe(404)
    expect(await rowCounts(t.db, ['contact', 'person_alias', 'referral'])).toEqual(before)
  })

  it('the cohort list shows the member in scope and never the one outside, even when asked for their borough', async () => {
    const list = await supervisor.agent.get('/cohorts').query({ programme: 'iom_flex' }).expect(200)
    expect(list.text).toContain(`/people/${insider.id}`)
    expect(list.text).not.toContain(outsider.id)

    const asked = await supervisor.agent.get('/cohorts').query({ areaId: outside.boroughId })
    expect(asked.text).not.toContain(outsider.id)
  })

  it('the CSV export never holds them', async () => {
    const csv = await supervisor.agent.get('/cohorts/export.csv').expect(200)
    expect(csv.text).toContain(insider.pnc_id!)
    expect(csv.text).not.toContain(outsider.pnc_id!)
    expect(csv.text).not.toContain(`Aabernathey${tag}`)

    const asked = await supervisor.agent.get('/cohorts/export.csv').query({ areaId: outside.boroughId }).expect(200)
    expect(asked.text.trim().split('\r\n')).toHaveLength(1)
  })

  it('the panel’s referral list does not show their referral', async () => {
    const list = await supervisor.agent.get('/referrals').expect(200)
    expect(list.text).toContain(`Aabernathy${tag}`.toUpperCase())
    expect(list.text).not.toContain(`Aabernathey${tag}`.toUpperCase())
    expect(list.text).not.toContain(outsider.id)
  })

  it('a membership the officer leads outside their areas does not appear on their caseload', async () => {
    const caseload = await iom.agent.get('/caseload').expect(200)
    expect(caseload.text).toContain(`/people/${insider.id}`)
    expect(caseload.text).not.toContain(outsider.id)
  })
})
