import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Agency } from '../../../db/types.ts'
import { londonInstant } from '../../../server/features/dip/dipRules.ts'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import {
  createAction,
  createMembership,
  createOutsideArea,
  createPerson,
  createReferral,
  createAppointmentAt,
  demoUserIds,
  uniqueTag,
} from '../../helpers/factories.ts'
import { textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { entry, failure, onTheList } from '../cid/cidSupport.ts'

// Each role's home page against a known change: read the figures, add rows whose effect is
// certain, read them again and compare. The demo data underneath does not matter.

let t: TestApp
let users: Awaited<ReturnType<typeof demoUserIds>>
let elsewhere: Awaited<ReturnType<typeof createOutsideArea>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  elsewhere = await createOutsideArea(t.db)
})
afterAll(async () => {
  await t.close()
})

const today = () => todayInLondon()

type Figures = Record<string, Record<string, number>>

/** The cards on the home page: heading → label → number. */
function figuresOf(html: string): Figures {
  const cards: Figures = {}
  for (const card of html.matchAll(/<div class="cohort-card">([\s\S]*?)<\/ul>/g)) {
    const heading = textOf(/<h2[^>]*>([\s\S]*?)<\/h2>/.exec(card[1] ?? '')?.[1] ?? '')
    cards[heading] = Object.fromEntries(
      [...(card[1] ?? '').matchAll(/<li><span class="cohort-figures__number">([^<]*)<\/span>([\s\S]*?)<\/li>/g)].map(
        (m) => [textOf(m[2] ?? ''), Number(m[1])],
      ),
    )
  }
  return cards
}

async function homeOf(session: { agent: Agent }): Promise<Figures> {
  const page = await session.agent.get('/').expect(200)
  return figuresOf(page.text)
}

/** after − before for every figure of one card. */
function change(before: Figures, after: Figures, card: string): Record<string, number> {
  expect(Object.keys(after), 'the cards shown').toEqual(Object.keys(before))
  const b = before[card] ?? {}
  const a = after[card] ?? {}
  expect(Object.keys(a), `the figures of "${card}"`).toEqual(Object.keys(b))
  return Object.fromEntries(Object.keys(a).map((label) => [label, (a[label] ?? 0) - (b[label] ?? 0)]))
}

/** An appointment at an instant, with the test and required assessment behind it. */
const appointmentAt = (personId: string, when: Date, kind: 'initial' | 'follow_up' = 'initial') =>
  createAppointmentAt(t.db, { personId, when, kind, recordedBy: users.dip })

async function agreement(agency: Agency, startsOn: string, endsOn: string | null) {
  const row = await t.db
    .insertInto('sharing_agreement')
    .values({
      name: `Home test ${agency} ${uniqueTag()}`,
      agency,
      categories: ['identity', 'link_details'],
      starts_on: startsOn,
      ends_on: endsOn,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

async function link(
  personId: string,
  agency: 'marac' | 'mash',
  agreementId: string,
  fields: { closed?: boolean; openedOn?: string } = {},
) {
  await t.db
    .insertInto('partner_link')
    .values({
      person_id: personId,
      agency,
      reference: `${agency.toUpperCase()}/${uniqueTag()}`,
      opened_on: fields.openedOn ?? addDays(today(), -10),
      status: fields.closed ? 'closed' : 'open',
      closed_on: fields.closed ? today() : null,
      agreement_id: agreementId,
      marac_role: agency === 'marac' ? 'victim' : null,
      brag_rating: agency === 'mash' ? 'amber' : null,
    })
    .execute()
}

describe('the home page, role by role', () => {
  it('a DIP worker sees today’s appointments, those still to record, failures awaiting a statement and disputed tests', async () => {
    const dip = await signInAs(t.app, 'dip')
    const before = await homeOf(dip)
    const person = await createPerson(t.db)
    const outsider = await createPerson(t.db, { areaCode: elsewhere.boroughCode })
    const dayStart = londonInstant(today(), '00:00')
    const dayEnd = londonInstant(addDays(today(), 1), '00:00')

    await appointmentAt(person.id, new Date(dayStart.getTime() + 60_000)) // today, already started, nothing recorded
    const recorded = await appointmentAt(person.id, new Date(dayStart.getTime() + 120_000)) // today, started, recorded
    await t.db
      .insertInto('attendance')
      .values({ appointment_id: recorded.id, outcome: 'attended', good_cause: false, recorded_by: users.dip })
      .execute()
    await appointmentAt(person.id, new Date(dayEnd.getTime() - 60_000)) // later today
    const closed = await appointmentAt(person.id, new Date(dayStart.getTime() + 180_000)) // today, closed: nothing to record
    await t.db
      .updateTable('appointment')
      .set({ closed_on: today(), closed_reason: 'Requirement ended' })
      .where('id', '=', closed.id)
      .execute()
    const moved = await appointmentAt(person.id, new Date(dayStart.getTime() + 240_000)) // moved to tomorrow
    await t.db
      .updateTable('appointment')
      .set({ scheduled_at: new Date(dayEnd.getTime() + 7_200_000) })
      .where('id', '=', moved.id)
      .execute()
    await appointmentAt(person.id, new Date(dayEnd.getTime() + 3_600_000)) // tomorrow
    await appointmentAt(outsider.id, new Date(dayStart.getTime() + 60_000)) // today, outside the worker's areas

    const awaiting = [
      await failure(t.db, person.id, { status: 'open' }),
      await failure(t.db, person.id, { status: 'open' }),
    ]
    for (const f of awaiting)
      await t.db.updateTable('dip_failure').set({ statement_produced_on: null }).where('id', '=', f.id).execute()
    await failure(t.db, person.id, { status: 'open' }) // statement already produced
    await failure(t.db, person.id, { status: 'wanted' }) // wanted, so its statement is produced: not awaiting one
    const outside = await failure(t.db, outsider.id, { status: 'open' })
    await t.db.updateTable('dip_failure').set({ statement_produced_on: null }).where('id', '=', outside.id).execute()

    const disputed = await appointmentAt(person.id, new Date(dayEnd.getTime() + 5 * 86_400_000))
    const disputedTest = await t.db
      .selectFrom('appointment as a')
      .innerJoin('required_assessment as r', 'r.id', 'a.assessment_id')
      .select('r.drug_test_id')
      .where('a.id', '=', disputed.id)
      .executeTakeFirstOrThrow()
    await t.db.updateTable('drug_test').set({ disputed: true }).where('id', '=', disputedTest.drug_test_id).execute()

    const after = await homeOf(dip)
    expect(Object.keys(after)).toEqual(["Today's DIP work"])
    expect(change(before, after, "Today's DIP work")).toEqual({
      'appointments today': 4,
      // Today's, open and unrecorded, whether begun or later today: the task list's appointments.
      'not yet recorded': 2,
      'failures awaiting a statement': 2,
      'disputed tests awaiting confirmation': 1,
    })
  })

  it('an IOM officer sees their caseload by tier, in custody, and their overdue actions and actions due today', async () => {
    const iom = await signInAs(t.app, 'iom')
    const before = await homeOf(iom)
    const member = async (
      tier: 'red' | 'amber' | 'green',
      status: 'active' | 'in_custody' | 'ended' = 'active',
      leadOfficerId = users.iom,
      areaCode = 'HV',
    ) => {
      const person = await createPerson(t.db, { areaCode })
      await createMembership(t.db, { personId: person.id, leadOfficerId, tier, status })
      return person
    }
    const red = await member('red')
    // Also on DIP with the same lead officer: one person, so their appointments and failures count once.
    await createMembership(t.db, { personId: red.id, leadOfficerId: users.iom, programme: 'dip', tier: 'red' })
    await t.db
      .updateTable('cohort_membership')
      .set({ tier: null })
      .where('person_id', '=', red.id)
      .where('programme', '=', 'dip')
      .execute()
    await member('red')
    await member('amber')
    await member('green', 'in_custody')
    await member('red', 'ended')
    await member('red', 'active', users.supervisor)
    await member('red', 'active', users.iom, elsewhere.boroughCode)

    await createAction(t.db, { personId: red.id, ownerId: users.iom, dueDate: addDays(today(), -3) })
    await createAction(t.db, { personId: red.id, ownerId: users.iom, dueDate: addDays(today(), -40) })
    await createAction(t.db, { personId: red.id, ownerId: users.iom, dueDate: today() })
    await createAction(t.db, { personId: red.id, ownerId: users.iom, dueDate: addDays(today(), 2) })
    await createAction(t.db, { personId: red.id, ownerId: users.dip, dueDate: addDays(today(), -3) })
    const done = await createAction(t.db, { personId: red.id, ownerId: users.iom, dueDate: addDays(today(), -5) })
    await t.db.updateTable('action').set({ status: 'done', completed_on: today() }).where('id', '=', done.id).execute()

    await appointmentAt(red.id, londonInstant(addDays(today(), 2), '10:00'))
    await appointmentAt(red.id, londonInstant(addDays(today(), 9), '10:00')) // next week: not this one
    await failure(t.db, red.id, { failureDate: addDays(today(), -5) })
    await failure(t.db, red.id, { failureDate: addDays(today(), -45) }) // more than 30 days ago

    const after = await homeOf(iom)
    expect(change(before, after, 'My caseload')).toEqual({
      'red tier': 2,
      'amber tier': 1,
      'green tier': 0,
      'in custody': 1,
      'actions overdue': 2,
      'actions due today': 1,
      'DIP appointments this week for my people': 1,
      'DIP failures in the last 30 days for my people': 1,
    })
  })

  it('a CID officer sees how many people are on the list, counting a person with two entries once', async () => {
    const cid = await signInAs(t.app, 'cid')
    const before = await homeOf(cid)
    expect(Object.keys(before)).toEqual(['Wanted for DIP failure'])

    await onTheList(t.db)
    const twice = await onTheList(t.db, { timeBarDate: addDays(today(), 12) })
    await entry(t.db, await failure(t.db, twice.person.id, { failureDate: addDays(today(), -20) }))
    const proposed = await onTheList(t.db)
    await t.db
      .updateTable('cid_entry')
      .set({ status: 'proposed', decided_at: null, decided_by: null })
      .where('id', '=', proposed.entry.id)
      .execute()
    await onTheList(t.db, { timeBarDate: addDays(today(), -1) }) // time-barred: off the list
    await onTheList(t.db, { person: { areaCode: elsewhere.boroughCode } }) // outside CID's areas

    const after = await homeOf(cid)
    expect(change(before, after, 'Wanted for DIP failure')).toEqual({
      'people on the list': 2,
      'countersigned in the last 7 days': 2,
      'within 30 days of the time bar': 1,
    })
    // The same count as the list CID works from.
    const list = await cid.agent.get('/cid').expect(200)
    const rows = (/<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(list.text)?.[1] ?? '').match(/<tr/g) ?? []
    expect(rows.length).toBe(after['Wanted for DIP failure']?.['people on the list'])
  })

  it('a supervisor sees the CID proposals and referrals waiting for them', async () => {
    const supervisor = await signInAs(t.app, 'supervisor')
    const before = await homeOf(supervisor)
    for (let i = 0; i < 2; i += 1) {
      const person = await createPerson(t.db)
      await entry(t.db, await failure(t.db, person.id), 'proposed')
    }
    const outsider = await createPerson(t.db, { areaCode: elsewhere.boroughCode })
    await entry(t.db, await failure(t.db, outsider.id), 'proposed')
    for (let i = 0; i < 3; i += 1)
      await createReferral(t.db, { personId: (await createPerson(t.db)).id, referredBy: users.iom })
    const decided = await createReferral(t.db, { personId: (await createPerson(t.db)).id, referredBy: users.iom })
    await t.db
      .updateTable('referral')
      .set({ status: 'accepted', decided_by: users.supervisor, decided_at: new Date() })
      .where('id', '=', decided.id)
      .execute()
    await createReferral(t.db, { personId: outsider.id, referredBy: users.iom })

    const after = await homeOf(supervisor)
    const decisions = change(before, after, 'Decisions waiting')
    expect(decisions['CID proposals to countersign']).toBe(2)
    expect(decisions['referrals awaiting the panel']).toBe(3)
  })

  it('a supervisor sees each officer of their areas with their whole open caseload, overdue actions and contacts of the last 30 days', async () => {
    const hv = await t.db.selectFrom('area').select('id').where('code', '=', 'HV').executeTakeFirstOrThrow()
    const staff = async (
      name: string,
      areaId: string,
      role: 'iom_officer' | 'dip_worker' | 'cid_officer' = 'iom_officer',
    ) => {
      const user = await t.db
        .insertInto('app_user')
        .values({
          username: `team${uniqueTag().toLowerCase()}`,
          display_name: `${name} ${uniqueTag()}`,
          role,
          password_hash: 'not-a-real-hash',
        })
        .returning(['id', 'display_name'])
        .executeTakeFirstOrThrow()
      await t.db.insertInto('user_area').values({ user_id: user.id, area_id: areaId }).execute()
      return user
    }
    const officer = await staff('Team Officer', hv.id)
    const newcomer = await staff('New Officer', hv.id, 'dip_worker')
    const outsider = await staff('Other Officer', elsewhere.boroughId)
    const detective = await staff('Detective', hv.id, 'cid_officer')
    const leaver = await staff('Leaver', hv.id)
    await t.db.updateTable('app_user').set({ disabled_at: new Date() }).where('id', '=', leaver.id).execute()

    const member = async (status: 'active' | 'in_custody' | 'ended', areaCode = 'HV') => {
      const person = await createPerson(t.db, { areaCode })
      await createMembership(t.db, { personId: person.id, leadOfficerId: officer.id, tier: 'amber', status })
      return person
    }
    const person = await member('active')
    // Also on DIP with the same lead officer: two memberships, each counted.
    await createMembership(t.db, { personId: person.id, leadOfficerId: officer.id, programme: 'dip' })
    await member('in_custody')
    await member('ended')
    // Their whole caseload: a person who lives outside the supervisor's areas counts too.
    await member('active', elsewhere.boroughCode)
    await createMembership(t.db, { personId: (await createPerson(t.db)).id, leadOfficerId: users.iom, tier: 'red' })

    await createAction(t.db, { personId: person.id, ownerId: officer.id, dueDate: addDays(today(), -1) })
    await createAction(t.db, { personId: person.id, ownerId: officer.id, dueDate: addDays(today(), -30) })
    await createAction(t.db, { personId: person.id, ownerId: officer.id, dueDate: today() })
    const done = await createAction(t.db, { personId: person.id, ownerId: officer.id, dueDate: addDays(today(), -2) })
    await t.db.updateTable('action').set({ status: 'done', completed_on: today() }).where('id', '=', done.id).execute()
    await createAction(t.db, { personId: person.id, ownerId: users.iom, dueDate: addDays(today(), -2) })

    const contactType = (
      await t.db.selectFrom('contact_type').select('code').orderBy('sort_order').executeTakeFirstOrThrow()
    ).code
    const contact = (daysAgo: number, recordedBy = officer.id) =>
      t.db
        .insertInto('contact')
        .values({
          person_id: person.id,
          contact_date: addDays(today(), -daysAgo),
          contact_type: contactType,
          pathway: 'health',
          note: 'Home visit',
          recorded_by: recordedBy,
        })
        .execute()
    await contact(0)
    await contact(30)
    await contact(31)
    await contact(1, users.iom)

    const page = await (await signInAs(t.app, 'supervisor')).agent.get('/').expect(200)
    const team =
      /<h2 class="govuk-heading-m">Team<\/h2>[\s\S]*?<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(page.text)?.[1] ?? ''
    const rows = [...team.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...(row[1] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => textOf(cell[1] ?? '')),
    )
    const rowOf = (user: { display_name: string }) => rows.filter((cells) => cells[0] === user.display_name)
    expect(rowOf(officer)).toEqual([[officer.display_name, '4', '2', '2']])
    expect(rowOf(newcomer), 'staff who could lead a case, with none yet').toEqual([
      [newcomer.display_name, '0', '0', '0'],
    ])
    expect(rowOf(outsider), 'another area’s officer').toEqual([])
    expect(rowOf(detective), 'staff who cannot lead a case').toEqual([])
    expect(rowOf(leaver), 'a disabled account').toEqual([])
    // The card's total is the table's column.
    const overdue = rows.reduce((sum, cells) => sum + Number(cells[2]), 0)
    expect(figuresOf(page.text)['Decisions waiting']?.['overdue actions of your team']).toBe(overdue)
  })

  it('the team table pages through a team longer than a page, and the card counts the whole team', async () => {
    const hv = await t.db.selectFrom('area').select('id').where('code', '=', 'HV').executeTakeFirstOrThrow()
    const tag = uniqueTag().toLowerCase()
    const added = await t.db
      .insertInto('app_user')
      .values(
        Array.from({ length: 60 }, (_, i) => ({
          username: `paged${tag}${i}`,
          display_name: `Paged Officer ${tag} ${String(i).padStart(2, '0')}`,
          role: 'iom_officer' as const,
          password_hash: 'not-a-real-hash',
        })),
      )
      .returning('id')
      .execute()
    await t.db
      .insertInto('user_area')
      .values(added.map((u) => ({ user_id: u.id, area_id: hv.id })))
      .execute()
    const person = await createPerson(t.db)
    for (const u of added)
      await createAction(t.db, { personId: person.id, ownerId: u.id, dueDate: addDays(today(), -3) })

    const supervisor = (await signInAs(t.app, 'supervisor')).agent
    const rowsOf = (html: string) => {
      const team = /<h2 class="govuk-heading-m">Team<\/h2>[\s\S]*?<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? ''
      return [...team.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
        [...(row[1] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => textOf(cell[1] ?? '')),
      )
    }
    const first = await supervisor.get('/').expect(200)
    const firstRows = rowsOf(first.text)
    expect(firstRows).toHaveLength(50)
    const officers = Number(/Showing 1 to 50 of (\d+)/.exec(textOf(first.text))?.[1])
    expect(officers).toBeGreaterThanOrEqual(60)
    const pages = Math.ceil(officers / 50)
    const all = [...firstRows]
    for (let page = 2; page <= pages; page++)
      all.push(...rowsOf((await supervisor.get(`/?page=${page}`).expect(200)).text))
    expect(all).toHaveLength(officers)
    expect(new Set(all.map((cells) => cells[0])).size, 'no officer on two pages').toBe(officers)
    const overdue = all.reduce((sum, cells) => sum + Number(cells[2]), 0)
    expect(figuresOf(first.text)['Decisions waiting']?.['overdue actions of your team']).toBe(overdue)
    expect(overdue).toBeGreaterThanOrEqual(60)

    await supervisor.get(`/?page=${pages + 1}`).expect(404)
    await supervisor.get('/?page=0').expect(400)
  })

  it('a partner sees their own agency’s open cases, under agreements in force, in their areas', async () => {
    const partner = await signInAs(t.app, 'partner') // MASH
    const before = await homeOf(partner)
    expect(Object.keys(before)).toEqual(['Your agency’s cases', 'The partnership in your boroughs'])
    const inForce = await agreement('mash', '2020-01-01', null)
    const expired = await agreement('mash', '2020-01-01', addMonths(today(), -1))
    const marac = await agreement('marac', '2020-01-01', null)
    const person = await createPerson(t.db)
    await link(person.id, 'mash', inForce)
    await link(person.id, 'mash', inForce, { openedOn: addDays(today(), -60) })
    await link(person.id, 'mash', inForce, { closed: true })
    await link(person.id, 'marac', marac)
    await link(person.id, 'mash', expired) // the partner can no longer see it
    await link((await createPerson(t.db, { areaCode: elsewhere.boroughCode })).id, 'mash', inForce)

    const after = await homeOf(partner)
    expect(change(before, after, 'Your agency’s cases')).toEqual({ 'open cases': 2, 'opened in the last 30 days': 2 })
  })

  it('an administrator sees active, locked and disabled accounts and the agreements in force', async () => {
    const admin = await signInAs(t.app, 'admin')
    const before = await homeOf(admin)
    expect(Object.keys(before)).toEqual(['Accounts'])
    const account = (fields: { locked?: boolean; disabled?: boolean }) =>
      t.db
        .insertInto('app_user')
        .values({
          username: `home${uniqueTag().toLowerCase()}`,
          display_name: 'Home Test',
          role: 'iom_officer',
          password_hash: 'not-a-real-hash',
          locked_until: fields.locked ? new Date(Date.now() + 3_600_000) : null,
          disabled_at: fields.disabled ? new Date() : null,
        })
        .execute()
    await account({})
    await account({})
    await account({ locked: true })
    await account({ disabled: true })
    await agreement('yos', '2020-01-01', null)
    await agreement('yos', '2020-01-01', addDays(today(), -1))
    await agreement('yos', addDays(today(), 1), null)

    const after = await homeOf(admin)
    expect(change(before, after, 'Accounts')).toEqual({
      'active users': 3,
      'locked accounts': 1,
      'disabled accounts': 1,
      'sharing agreements in force': 1,
    })
  })
})
