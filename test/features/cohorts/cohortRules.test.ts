import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { formatDate } from '../../../server/presenters/format.ts'
import {
  createMembership,
  createPerson,
  createReferral,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  inputValue,
  postForm,
  rowCounts,
  writeAuditCount,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// The IOM rules of server/features/cohorts/RULES.md, each through the real forms and database.

type Session = { agent: Agent; csrf: string }

let t: TestApp
let iom: Session
let supervisor: Session
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

const today = () => todayInLondon()
const daysAgo = (n: number) => addDays(today(), -n)

function eventForm(kind: string, version: number, eventDate: string, changes: FormData = {}): FormData {
  return {
    kind,
    ...dateFields('eventDate', eventDate),
    tier: '',
    leadOfficerId: '',
    deselectionReason: '',
    eventNote: '',
    version: String(version),
    ...changes,
  }
}

function acceptForm(changes: FormData = {}): FormData {
  return {
    tier: 'amber',
    score: '40',
    method: 'rfg',
    ...dateFields('scoreDate', daysAgo(2)),
    leadOfficerId: users.iom,
    version: '1',
    ...changes,
  }
}

const tables = ['cohort_membership', 'membership_event', 'referral'] as const

/** Everything the cohort forms write, and the audit rows of writes: equal before and after a refusal. */
async function written(membershipId?: string) {
  return {
    counts: await rowCounts(t.db, tables),
    writes: await writeAuditCount(t.db),
    membership: membershipId
      ? await t.db.selectFrom('cohort_membership').selectAll().where('id', '=', membershipId).executeTakeFirstOrThrow()
      : null,
  }
}

/** A refused form: 400, one message against its field, what was typed kept, nothing written. */
async function expectRefused(
  path: string,
  form: FormData,
  field: string,
  message: string | RegExp,
  membershipId?: string,
) {
  const before = await written(membershipId)
  const response = await postForm(path.startsWith('/referrals') ? supervisor : iom, path, form)
  expect(response.status).toBe(400)
  const summary = errorSummaryLinks(response.text)
  expect(summary).toHaveLength(1)
  expect(summary[0]?.href).toBe(`#${field}`)
  if (typeof message === 'string') expect(summary[0]?.text).toBe(message)
  else expect(summary[0]?.text).toMatch(message)
  expect(await written(membershipId)).toEqual(before)
  return response
}

describe('IOM membership rules', () => {
  it('refuses a membership event dated before adoption', async () => {
    const person = await createPerson(t.db)
    const membership = await createMembership(t.db, {
      personId: person.id,
      leadOfficerId: users.iom,
      adoptedOn: daysAgo(30),
    })
    const path = `/memberships/${membership.id}/events`

    const response = await expectRefused(
      path,
      eventForm('in_custody', 1, daysAgo(31), { eventNote: 'Remanded at Snaresbrook' }),
      'eventDate',
      `The date it happened must be on or after the date the person was adopted, ${formatDate(daysAgo(30))}`,
      membership.id,
    )

    expect(inputValue(response.text, 'eventDate-day')).toBe(String(Number(daysAgo(31).slice(8, 10))))
    expect(inputValue(response.text, 'eventDate-year')).toBe(daysAgo(31).slice(0, 4))
    expect(response.text).toContain('Remanded at Snaresbrook')
    // The adoption day itself is in order.
    await postForm(iom, path, eventForm('in_custody', 1, daysAgo(30))).expect(303)
  })

  it('refuses a membership event out of date order, earlier than the latest event of that membership', async () => {
    const person = await createPerson(t.db)
    const membership = await createMembership(t.db, {
      personId: person.id,
      leadOfficerId: users.iom,
      adoptedOn: daysAgo(60),
    })
    const path = `/memberships/${membership.id}/events`
    await postForm(iom, path, eventForm('in_custody', 1, daysAgo(10))).expect(303)

    await expectRefused(
      path,
      eventForm('released', 2, daysAgo(11)),
      'eventDate',
      `The date it happened must be on or after the last change recorded for this membership, ${formatDate(daysAgo(10))}`,
      membership.id,
    )

    // The same day as the latest change is in order; so is any later day.
    await postForm(iom, path, eventForm('released', 2, daysAgo(10))).expect(303)
    await postForm(iom, path, eventForm('tier_changed', 3, daysAgo(2), { tier: 'red' })).expect(303)
    const history = await t.db
      .selectFrom('membership_event')
      .select(['kind', 'event_date'])
      .where('membership_id', '=', membership.id)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute()
    expect(history).toEqual([
      { kind: 'adopted', event_date: daysAgo(60) },
      { kind: 'in_custody', event_date: daysAgo(10) },
      { kind: 'released', event_date: daysAgo(10) },
      { kind: 'tier_changed', event_date: daysAgo(2) },
    ])
  })

  it('refuses a second IOM cohort at a time, while DIP may run alongside, in the service and in the database', async () => {
    const person = await createPerson(t.db)
    await createMembership(t.db, { personId: person.id, leadOfficerId: users.iom, programme: 'iom_fixed' })
    const flex = await createReferral(t.db, { personId: person.id, referredBy: users.iom, programme: 'iom_flex' })

    const response = await expectRefused(
      `/referrals/${flex.id}/accept`,
      acceptForm({ score: '55' }),
      'tier',
      'This person is already on IOM Fixed: a person is on one IOM cohort at a time, so de-select them from it before adopting them on IOM Flex',
    )
    expect(inputValue(response.text, 'score')).toBe('55')
    expect(
      await t.db
        .selectFrom('referral')
        .select(['status', 'version'])
        .where('id', '=', flex.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'pending', version: 1 })

    // DIP is a separate programme: the panel may adopt the person onto it alongside IOM.
    const dip = await createReferral(t.db, { personId: person.id, referredBy: users.dip, programme: 'dip' })
    await postForm(supervisor, `/referrals/${dip.id}/accept`, acceptForm({ leadOfficerId: users.dip })).expect(303)
    const open = await t.db
      .selectFrom('cohort_membership')
      .select('programme')
      .where('person_id', '=', person.id)
      .where('status', '<>', 'ended')
      .orderBy('programme')
      .execute()
    expect(open.map((m) => m.programme)).toEqual(['dip', 'iom_fixed'])

    // Whatever writes it, the database refuses a second open IOM membership (cohort_membership_one_iom)...
    const second = t.db
      .insertInto('cohort_membership')
      .values({
        person_id: person.id,
        programme: 'iom_free',
        status: 'active',
        tier: 'green',
        lead_officer_id: users.iom,
        adopted_on: today(),
      })
      .execute()
    await expect(second).rejects.toMatchObject({ code: '23505', constraint: 'cohort_membership_one_iom' })
    // ...but not an ended one, which is history.
    await t.db
      .insertInto('cohort_membership')
      .values({
        person_id: person.id,
        programme: 'iom_free',
        status: 'ended',
        tier: 'green',
        lead_officer_id: users.iom,
        adopted_on: daysAgo(400),
        ended_on: daysAgo(300),
      })
      .execute()
  })

  it('refuses a tier change to the same tier the person already has as "no change"', async () => {
    const person = await createPerson(t.db)
    const membership = await createMembership(t.db, { personId: person.id, leadOfficerId: users.iom, tier: 'amber' })
    const path = `/memberships/${membership.id}/events`

    const response = await expectRefused(
      path,
      eventForm('tier_changed', 1, today(), { tier: 'amber' }),
      'tier',
      'No change: the person is already on the amber tier',
      membership.id,
    )

    expect(response.text).toMatch(/<option value="amber" selected/)
    await postForm(iom, path, eventForm('tier_changed', 1, today(), { tier: 'red' })).expect(303)
    expect(
      await t.db
        .selectFrom('cohort_membership')
        .select(['tier', 'version'])
        .where('id', '=', membership.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ tier: 'red', version: 2 })
  })
})
