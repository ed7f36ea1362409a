import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import {
  auditRowsFor,
  createMembership,
  createPerson,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  inputValue,
  postForm,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let iom: { agent: Agent; csrf: string }
let dip: { agent: Agent; csrf: string }
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  iom = await signInAs(t.app, 'iom')
  dip = await signInAs(t.app, 'dip')
})
afterAll(async () => {
  await t.close()
})

const today = () => todayInLondon()
const membershipRow = (id: string) =>
  t.db.selectFrom('cohort_membership').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const historyOf = (membershipId: string) =>
  t.db
    .selectFrom('membership_event')
    .selectAll()
    .where('membership_id', '=', membershipId)
    .orderBy('recorded_at')
    .orderBy('id')
    .execute()

function eventForm(kind: string, version: number, changes: FormData = {}): FormData {
  return {
    kind,
    ...dateFields('eventDate', today()),
    tier: '',
    leadOfficerId: '',
    deselectionReason: '',
    eventNote: '',
    version: String(version),
    ...changes,
  }
}

async function arrangeMembership() {
  const person = await createPerson(t.db)
  const membership = await createMembership(t.db, { personId: person.id, leadOfficerId: users.iom, tier: 'amber' })
  return { person, membership }
}

describe('recording changes to a membership', () => {
  it('in custody, released, tier change, lead officer change and de-selection each add one dated history row and change nothing earlier', async () => {
    const { person, membership } = await arrangeMembership()
    const form = await iom.agent.get(`/memberships/${membership.id}/events/new`).expect(200)
    expect(inputValue(form.text, 'version')).toBe('1')

    const steps: { form: FormData; expectEvent: Record<string, unknown>; expectMembership: Record<string, unknown> }[] =
      [
        {
          form: eventForm('in_custody', 1, {
            ...dateFields('eventDate', addDays(today(), -10)),
            eventNote: 'Remanded at Snaresbrook',
          }),
          expectEvent: { kind: 'in_custody', event_date: addDays(today(), -10), note: 'Remanded at Snaresbrook' },
          expectMembership: { status: 'in_custody', tier: 'amber', version: 2 },
        },
        {
          form: eventForm('released', 2, dateFields('eventDate', addDays(today(), -2))),
          expectEvent: { kind: 'released', event_date: addDays(today(), -2), note: null },
          expectMembership: { status: 'active', version: 3 },
        },
        {
          form: eventForm('tier_changed', 3, { tier: 'red' }),
          expectEvent: { kind: 'tier_changed', tier: 'red' },
          expectMembership: { status: 'active', tier: 'red', version: 4 },
        },
        {
          form: eventForm('lead_officer_changed', 4, { leadOfficerId: users.supervisor }),
          expectEvent: { kind: 'lead_officer_changed', lead_officer_id: users.supervisor, tier: null },
          expectMembership: { lead_officer_id: users.supervisor, tier: 'red', version: 5 },
        },
        {
          form: eventForm('deselected', 5, { deselectionReason: 'moved_away', eventNote: 'Moved to Leeds' }),
          expectEvent: { kind: 'deselected', deselection_reason: 'moved_away', event_date: today() },
          expectMembership: { status: 'ended', ended_on: today(), version: 6 },
        },
      ]

    for (const step of steps) {
      const before = await historyOf(membership.id)

      const response = await postForm(iom, `/memberships/${membership.id}/events`, step.form)

      expect(response.status, String(step.form.kind)).toBe(303)
      expect(response.headers.location).toBe(`/people/${person.id}`)
      const after = await historyOf(membership.id)
      expect(after).toHaveLength(before.length + 1)
      const afterById = new Map(after.map((row) => [row.id, row]))
      for (const earlier of before) expect(afterById.get(earlier.id)).toEqual(earlier)
      const added = after.find((row) => !before.some((b) => b.id === row.id))
      expect(added).toMatchObject({ ...step.expectEvent, recorded_by: users.iom })
      expect(await membershipRow(membership.id)).toMatchObject({
        ...step.expectMembership,
        adopted_on: membership.adopted_on,
        selection_score: membership.selection_score,
      })
    }

    const history = await historyOf(membership.id)
    expect(history.map((e) => e.kind)).toEqual([
      'adopted',
      'in_custody',
      'released',
      'tier_changed',
      'lead_officer_changed',
      'deselected',
    ])
    const alterations = (await auditRowsFor(t.db, person.id))
      .filter((a) => a.category === 'alteration')
      .map((a) => a.event)
    expect(alterations).toEqual([
      'membership.in_custody',
      'membership.released',
      'membership.tier_changed',
      'membership.lead_officer_changed',
      'membership.deselected',
    ])
    const page = await iom.agent.get(`/people/${person.id}`).expect(200)
    for (const text of [
      'In custody (paused)',
      'Released',
      'Tier changed',
      'Lead officer changed',
      'De-selected',
      'Reason: Moved away',
    ]) {
      expect(page.text).toContain(text)
    }
  })

  it('a change sent with a stale version gets 409 and adds no history', async () => {
    const { membership } = await arrangeMembership()
    await postForm(iom, `/memberships/${membership.id}/events`, eventForm('tier_changed', 1, { tier: 'green' })).expect(
      303,
    )
    const before = await historyOf(membership.id)

    const stale = await postForm(
      iom,
      `/memberships/${membership.id}/events`,
      eventForm('tier_changed', 1, { tier: 'red' }),
    )

    expect(stale.status).toBe(409)
    expect(await historyOf(membership.id)).toEqual(before)
    expect(await membershipRow(membership.id)).toMatchObject({ tier: 'green', version: 2 })
  })

  it('"released" for someone not in custody, and any change after de-selection, are refused with a message', async () => {
    const { membership } = await arrangeMembership()

    const notInCustody = await postForm(iom, `/memberships/${membership.id}/events`, eventForm('released', 1))
    expect(notInCustody.status).toBe(400)
    expect(errorSummaryLinks(notInCustody.text)).toEqual([
      { href: '#kind', text: 'The person is not recorded as in custody' },
    ])

    await postForm(
      iom,
      `/memberships/${membership.id}/events`,
      eventForm('deselected', 1, { deselectionReason: 'died' }),
    ).expect(303)
    const afterEnd = await postForm(
      iom,
      `/memberships/${membership.id}/events`,
      eventForm('tier_changed', 2, { tier: 'red' }),
    )
    expect(afterEnd.status).toBe(400)
    expect(errorSummaryLinks(afterEnd.text)[0]?.text).toMatch(/This membership has ended/)
    expect((await historyOf(membership.id)).map((e) => e.kind)).toEqual(['adopted', 'deselected'])
  })

  it('each kind of change asks for what it needs: a tier, a lead officer, a de-selection reason', async () => {
    const { membership } = await arrangeMembership()
    const cases = [
      { kind: 'tier_changed', field: '#tier', message: 'Select the new tier' },
      { kind: 'lead_officer_changed', field: '#leadOfficerId', message: 'Select the new lead officer' },
      { kind: 'deselected', field: '#deselectionReason', message: 'Select why the person is de-selected' },
    ]
    for (const { kind, field, message } of cases) {
      const response = await postForm(iom, `/memberships/${membership.id}/events`, eventForm(kind, 1))
      expect(response.status, kind).toBe(400)
      expect(errorSummaryLinks(response.text)).toEqual([{ href: field, text: message }])
    }
    expect(await historyOf(membership.id)).toHaveLength(1)
  })

  it('a DIP worker cannot record membership changes (403)', async () => {
    const { membership } = await arrangeMembership()
    await postForm(dip, `/memberships/${membership.id}/events`, eventForm('in_custody', 1)).expect(403)
    expect(await membershipRow(membership.id)).toMatchObject({ status: 'active', version: 1 })
  })
})
