import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import {
  auditRowsFor,
  createAction,
  createMembership,
  createPerson,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  postForm,
  rowCounts,
  uniqueTag,
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

/** The action ids on "My actions", top to bottom. */
async function myActionIds(session: { agent: Agent }): Promise<string[]> {
  const page = await session.agent.get('/actions').expect(200)
  return [...page.text.matchAll(/action="\/actions\/([0-9a-f-]{36})\/complete"/g)].map((m) => m[1] ?? '')
}

describe('contacts', () => {
  it('when a DIP worker records a contact, it is stored with one collection audit row and shows on the person page', async () => {
    const person = await createPerson(t.db)
    await dip.agent.get(`/people/${person.id}/contacts/new`).expect(200)
    const note = `Attended the hub, engaging well ${uniqueTag()}`

    const response = await postForm(dip, `/people/${person.id}/contacts`, {
      ...dateFields('contactDate', addDays(today(), -1)),
      contactType: 'home_visit',
      pathway: 'drugs_alcohol',
      note,
      outcome: 'partially_engaged',
    })

    expect(response.status).toBe(303)
    expect(response.headers.location).toBe(`/people/${person.id}`)
    const contacts = await t.db.selectFrom('contact').selectAll().where('person_id', '=', person.id).execute()
    expect(contacts).toHaveLength(1)
    expect(contacts[0]).toMatchObject({
      contact_date: addDays(today(), -1),
      contact_type: 'home_visit',
      pathway: 'drugs_alcohol',
      note,
      outcome: 'partially_engaged',
      recorded_by: users.dip,
    })
    const collected = (await auditRowsFor(t.db, person.id)).filter((a) => a.category === 'collection')
    expect(collected.map((a) => [a.event, a.actor_username])).toEqual([['contact.recorded', 'dip']])
    const page = await iom.agent.get(`/people/${person.id}`).expect(200)
    expect(page.text).toContain(note)
    expect(page.text).toContain('Home visit (Drugs and alcohol)')
  })

  it('a contact dated tomorrow, or of an unknown type, is refused on that field and not stored', async () => {
    const person = await createPerson(t.db)
    const base = {
      ...dateFields('contactDate', today()),
      contactType: 'phone',
      pathway: 'health',
      note: 'Called about the appointment',
      outcome: 'not_seen',
    }

    const tomorrow = await postForm(iom, `/people/${person.id}/contacts`, {
      ...base,
      ...dateFields('contactDate', addDays(today(), 1)),
    })
    expect(tomorrow.status).toBe(400)
    expect(errorSummaryLinks(tomorrow.text)).toEqual([
      { href: '#contactDate', text: 'Contact date must be today or in the past' },
    ])

    const unknownType = await postForm(iom, `/people/${person.id}/contacts`, { ...base, contactType: 'carrier_pigeon' })
    expect(unknownType.status).toBe(400)
    expect(errorSummaryLinks(unknownType.text)).toEqual([{ href: '#contactType', text: 'Select a contact type' }])
    expect(unknownType.text).toContain('Called about the appointment')

    expect(await t.db.selectFrom('contact').select('id').where('person_id', '=', person.id).execute()).toEqual([])
  })
})

describe('actions', () => {
  it('when an officer sets an action, it is stored open with one collection audit row', async () => {
    const person = await createPerson(t.db)
    const description = `Refer to the housing team ${uniqueTag()}`

    const response = await postForm(iom, `/people/${person.id}/actions`, {
      description,
      ownerId: users.iom,
      ...dateFields('dueDate', addDays(today(), 7)),
      actionPathway: 'accommodation',
    })

    expect(response.status).toBe(303)
    const actions = await t.db.selectFrom('action').selectAll().where('person_id', '=', person.id).execute()
    expect(actions).toHaveLength(1)
    expect(actions[0]).toMatchObject({
      description,
      owner_id: users.iom,
      due_date: addDays(today(), 7),
      pathway: 'accommodation',
      status: 'open',
      created_by: users.iom,
      version: 1,
    })
    expect(
      (await auditRowsFor(t.db, person.id)).filter((a) => a.category === 'collection').map((a) => a.event),
    ).toEqual(['action.created'])
  })

  it('an action due in the past is refused on the due date', async () => {
    const person = await createPerson(t.db)
    const before = await rowCounts(t.db, ['action'])
    const response = await postForm(iom, `/people/${person.id}/actions`, {
      description: 'Too late already',
      ownerId: users.iom,
      ...dateFields('dueDate', addDays(today(), -1)),
      actionPathway: 'health',
    })
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#dueDate', text: 'Due date must be today or in the future' },
    ])
    expect(await rowCounts(t.db, ['action'])).toEqual(before)
  })

  it('"My actions" lists the user’s open actions, overdue first, and not other people’s', async () => {
    const person = await createPerson(t.db)
    const later = await createAction(t.db, { personId: person.id, ownerId: users.iom, dueDate: addDays(today(), 5) })
    const overdue = await createAction(t.db, { personId: person.id, ownerId: users.iom, dueDate: addDays(today(), -4) })
    const dueToday = await createAction(t.db, { personId: person.id, ownerId: users.iom, dueDate: today() })
    const someoneElses = await createAction(t.db, {
      personId: person.id,
      ownerId: users.supervisor,
      dueDate: addDays(today(), -9),
    })

    const ids = await myActionIds(iom)

    expect(ids).not.toContain(someoneElses.id)
    const ours = ids.filter((id) => [later.id, overdue.id, dueToday.id].includes(id))
    expect(ours).toEqual([overdue.id, dueToday.id, later.id])
    // Across the whole list, due dates never go backwards: every overdue action comes before any that is not.
    const rows = await t.db
      .selectFrom('action')
      .select(['id', 'due_date', 'owner_id', 'status'])
      .where('id', 'in', ids)
      .execute()
    const dueDates = ids.map((id) => rows.find((r) => r.id === id)?.due_date ?? '')
    expect(dueDates).toEqual([...dueDates].sort())
    expect(rows.every((r) => r.owner_id === users.iom && r.status === 'open')).toBe(true)
    const page = await iom.agent.get('/actions').expect(200)
    expect(page.text).toContain(overdue.description)
    expect(page.text).toMatch(/govuk-tag--red">Overdue/)
  })

  it('completing an action removes it from "My actions", logs an alteration, and a second completion gets 409', async () => {
    const person = await createPerson(t.db)
    const action = await createAction(t.db, { personId: person.id, ownerId: users.iom, dueDate: addDays(today(), -1) })
    expect(await myActionIds(iom)).toContain(action.id)

    const response = await postForm(iom, `/actions/${action.id}/complete`, { version: '1' })

    expect(response.status).toBe(303)
    expect(response.headers.location).toBe('/actions')
    expect(
      await t.db
        .selectFrom('action')
        .select(['status', 'completed_on', 'version'])
        .where('id', '=', action.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      status: 'done',
      completed_on: today(),
      version: 2,
    })
    expect(await myActionIds(iom)).not.toContain(action.id)
    expect(
      (await auditRowsFor(t.db, person.id)).filter((a) => a.category === 'alteration').map((a) => a.event),
    ).toEqual(['action.completed'])

    await postForm(iom, `/actions/${action.id}/complete`, { version: '1' }).expect(409)
  })

  it('after completing, the user goes back to a page of this service only, never to another site', async () => {
    const person = await createPerson(t.db)
    const first = await createAction(t.db, { personId: person.id, ownerId: users.iom, dueDate: today() })
    const second = await createAction(t.db, { personId: person.id, ownerId: users.iom, dueDate: today() })

    const back = await postForm(iom, `/actions/${first.id}/complete`, {
      version: '1',
      returnTo: `/people/${person.id}`,
    })
    expect(back.headers.location).toBe(`/people/${person.id}`)

    // '//host' is a link to another site: 2130706433 is 127.0.0.1 written as one number.
    const offsite = await postForm(iom, `/actions/${second.id}/complete`, {
      version: '1',
      returnTo: '//2130706433/phish',
    })
    expect(offsite.status).toBe(303)
    expect(offsite.headers.location).toBe('/actions')
  })
})

describe('my caseload', () => {
  it('lists the open memberships the user leads, with the next action due, and not ended ones or other officers’', async () => {
    const led = await createPerson(t.db)
    const ended = await createPerson(t.db)
    const othersCase = await createPerson(t.db)
    await createMembership(t.db, { personId: led.id, leadOfficerId: users.iom, tier: 'red' })
    await createMembership(t.db, { personId: ended.id, leadOfficerId: users.iom, status: 'ended' })
    await createMembership(t.db, { personId: othersCase.id, leadOfficerId: users.supervisor })
    await createAction(t.db, { personId: led.id, ownerId: users.iom, dueDate: addDays(today(), -2) })

    const page = await iom.agent.get('/caseload').expect(200)

    const row = new RegExp(`href="/people/${led.id}"[\\s\\S]*?</tr>`).exec(page.text)?.[0] ?? ''
    expect(row).toContain('Red')
    expect(row).toContain('Overdue')
    expect(page.text).not.toContain(ended.id)
    expect(page.text).not.toContain(othersCase.id)
  })
})
