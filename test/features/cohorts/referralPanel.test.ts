import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import {
  auditRowsFor,
  createPerson,
  createReferral,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  inputValue,
  postForm,
  rowCounts,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let iom: { agent: Agent; csrf: string }
let supervisor: { agent: Agent; csrf: string }
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  iom = await signInAs(t.app, 'iom')
  supervisor = await signInAs(t.app, 'supervisor')
})
afterAll(async () => {
  await t.close()
})

const referralRow = (id: string) =>
  t.db.selectFrom('referral').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const membershipsOf = (personId: string) =>
  t.db.selectFrom('cohort_membership').selectAll().where('person_id', '=', personId).execute()

function acceptForm(version: string, changes: FormData = {}): FormData {
  return {
    tier: 'red',
    score: '42.5',
    method: 'chi',
    ...dateFields('scoreDate', addDays(todayInLondon(), -3)),
    leadOfficerId: users.iom,
    version,
    ...changes,
  }
}

async function versionOnPanelPage(referralId: string): Promise<string> {
  const page = await supervisor.agent.get(`/referrals/${referralId}`).expect(200)
  return inputValue(page.text, 'version') ?? ''
}

describe('referring a person to the panel', () => {
  it('when an IOM officer refers a person, the referral waits on the supervisor’s panel list', async () => {
    const person = await createPerson(t.db, { forenames: 'Tyrone' })

    const response = await postForm(iom, `/people/${person.id}/referrals`, {
      programme: 'iom_fixed',
      source: 'probation',
      reason: 'Two robberies since release; probation asks for IOM',
    })

    expect(response.status).toBe(303)
    expect(response.headers.location).toBe(`/people/${person.id}`)
    const [referral] = await t.db.selectFrom('referral').selectAll().where('person_id', '=', person.id).execute()
    expect(referral).toMatchObject({
      programme: 'iom_fixed',
      source: 'probation',
      status: 'pending',
      referred_by: users.iom,
      version: 1,
    })
    const collected = (await auditRowsFor(t.db, person.id)).filter((a) => a.category === 'collection')
    expect(collected.map((a) => a.event)).toEqual(['referral.created'])

    const list = await supervisor.agent.get('/referrals').expect(200)
    expect(list.text).toContain(`href="/referrals/${referral!.id}"`)
    expect(list.text).toContain(`${person.surname.toUpperCase()}, Tyrone`)
  })

  it('when the panel accepts with tier, score, method, date and lead officer, the person is adopted with an "adopted" history row', async () => {
    const person = await createPerson(t.db)
    const referral = await createReferral(t.db, { personId: person.id, referredBy: users.iom, programme: 'iom_fixed' })
    const version = await versionOnPanelPage(referral.id)
    expect(version).toBe('1')

    const response = await postForm(supervisor, `/referrals/${referral.id}/accept`, acceptForm(version))

    expect(response.status).toBe(303)
    expect(response.headers.location).toBe(`/people/${person.id}`)
    const [membership, ...others] = await membershipsOf(person.id)
    expect(others).toEqual([])
    expect(membership).toMatchObject({
      programme: 'iom_fixed',
      referral_id: referral.id,
      status: 'active',
      tier: 'red',
      lead_officer_id: users.iom,
      selection_method: 'chi',
      selection_date: addDays(todayInLondon(), -3),
      adopted_on: todayInLondon(),
      ended_on: null,
    })
    expect(Number(membership!.selection_score)).toBe(42.5)
    const events = await t.db
      .selectFrom('membership_event')
      .selectAll()
      .where('membership_id', '=', membership!.id)
      .execute()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      kind: 'adopted',
      event_date: todayInLondon(),
      tier: 'red',
      lead_officer_id: users.iom,
      recorded_by: users.supervisor,
    })
    expect(await referralRow(referral.id)).toMatchObject({
      status: 'accepted',
      decided_by: users.supervisor,
      version: 2,
    })
    expect(
      (await auditRowsFor(t.db, person.id)).filter((a) => a.category === 'collection').map((a) => a.event),
    ).toEqual(['referral.accepted'])

    const list = await supervisor.agent.get('/referrals').expect(200)
    expect(list.text).not.toContain(`/referrals/${referral.id}"`)
    const page = await iom.agent.get(`/people/${person.id}`).expect(200)
    expect(page.text).toContain('IOM Fixed: Adopted')
  })

  it('when the panel declines with a reason, the referral is closed with that reason and nobody is adopted', async () => {
    const person = await createPerson(t.db)
    const referral = await createReferral(t.db, { personId: person.id, referredBy: users.iom })

    const response = await postForm(supervisor, `/referrals/${referral.id}/decline`, {
      declineReason: 'Below the threshold for the fixed cohort',
      version: '1',
    })

    expect(response.status).toBe(303)
    expect(await referralRow(referral.id)).toMatchObject({
      status: 'declined',
      decline_reason: 'Below the threshold for the fixed cohort',
      decided_by: users.supervisor,
    })
    expect(await membershipsOf(person.id)).toEqual([])
    const page = await iom.agent.get(`/people/${person.id}`).expect(200)
    expect(page.text).toContain('Below the threshold for the fixed cohort')
  })

  it('a decline without a reason is refused and the referral stays pending', async () => {
    const person = await createPerson(t.db)
    const referral = await createReferral(t.db, { personId: person.id, referredBy: users.iom })

    const response = await postForm(supervisor, `/referrals/${referral.id}/decline`, {
      declineReason: '   ',
      version: '1',
    })

    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#declineReason', text: 'Enter why the referral is declined' },
    ])
    expect((await referralRow(referral.id)).status).toBe('pending')
  })

  it('an IOM officer cannot see the panel list or decide a referral (403), and nothing changes', async () => {
    const person = await createPerson(t.db)
    const referral = await createReferral(t.db, { personId: person.id, referredBy: users.iom })

    await iom.agent.get('/referrals').expect(403)
    await iom.agent.get(`/referrals/${referral.id}`).expect(403)
    await postForm(iom, `/referrals/${referral.id}/accept`, acceptForm('1')).expect(403)
    await postForm(iom, `/referrals/${referral.id}/decline`, {
      declineReason: 'Not for me to decide',
      version: '1',
    }).expect(403)

    expect(await referralRow(referral.id)).toMatchObject({ status: 'pending', version: 1, decided_by: null })
    expect(await membershipsOf(person.id)).toEqual([])
  })

  it('a decision made on a referral the panel already decided gets 409 and changes nothing', async () => {
    const person = await createPerson(t.db)
    const referral = await createReferral(t.db, { personId: person.id, referredBy: users.iom })
    await postForm(supervisor, `/referrals/${referral.id}/accept`, acceptForm('1')).expect(303)

    const late = await postForm(supervisor, `/referrals/${referral.id}/decline`, {
      declineReason: 'Changed our minds',
      version: '1',
    })

    expect(late.status).toBe(409)
    expect(await referralRow(referral.id)).toMatchObject({ status: 'accepted', decline_reason: null })
    expect(await membershipsOf(person.id)).toHaveLength(1)
  })

  it('a second referral to a programme the person is already on is refused and stays pending for the panel', async () => {
    const person = await createPerson(t.db)
    const first = await createReferral(t.db, { personId: person.id, referredBy: users.iom, programme: 'iom_flex' })
    const second = await createReferral(t.db, { personId: person.id, referredBy: users.dip, programme: 'iom_flex' })
    await postForm(supervisor, `/referrals/${first.id}/accept`, acceptForm('1')).expect(303)
    const before = await rowCounts(t.db, ['cohort_membership', 'membership_event'])

    const response = await postForm(supervisor, `/referrals/${second.id}/accept`, acceptForm('1'))

    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)[0]?.text).toBe('This person is already on that programme')
    expect(await referralRow(second.id)).toMatchObject({ status: 'pending', version: 1, decided_by: null })
    expect(await rowCounts(t.db, ['cohort_membership', 'membership_event'])).toEqual(before)

    // Referring again through the form is refused up front.
    const again = await postForm(iom, `/people/${person.id}/referrals`, {
      programme: 'iom_flex',
      source: 'custody',
      reason: 'Again',
    })
    expect(again.status).toBe(400)
    expect(errorSummaryLinks(again.text)).toEqual([
      { href: '#programme', text: 'This person is already on that programme' },
    ])
  })

  it('a blank selection score is refused, not stored as zero', async () => {
    const person = await createPerson(t.db)
    const referral = await createReferral(t.db, { personId: person.id, referredBy: users.iom })

    for (const score of ['', '   ']) {
      const response = await postForm(supervisor, `/referrals/${referral.id}/accept`, acceptForm('1', { score }))
      expect(response.status, JSON.stringify(score)).toBe(400)
      expect(errorSummaryLinks(response.text)[0]?.href).toBe('#score')
    }
    expect((await referralRow(referral.id)).status).toBe('pending')
    expect(await membershipsOf(person.id)).toEqual([])
  })

  it('a lead officer who does not work in the area is refused', async () => {
    const person = await createPerson(t.db)
    const referral = await createReferral(t.db, { personId: person.id, referredBy: users.iom })

    const response = await postForm(
      supervisor,
      `/referrals/${referral.id}/accept`,
      acceptForm('1', { leadOfficerId: users.cid }),
    )

    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)[0]?.href).toBe('#leadOfficerId')
    expect((await referralRow(referral.id)).status).toBe('pending')
  })
})
