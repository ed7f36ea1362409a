import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditRowsFor, createPerson, errorSummaryLinks, postForm } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let iom: { agent: Agent; csrf: string }
let supervisor: { agent: Agent; csrf: string }

beforeAll(async () => {
  t = await createTestApp()
  iom = await signInAs(t.app, 'iom')
  supervisor = await signInAs(t.app, 'supervisor')
})
afterAll(async () => {
  await t.close()
})

const heading = (person: { surname: string; forenames: string }) =>
  `${person.surname.toUpperCase()}, ${person.forenames}`

describe('the person page', () => {
  it('opening it shows the person and writes exactly one consultation row naming them', async () => {
    const person = await createPerson(t.db, { forenames: 'Marcus' })

    const page = await iom.agent.get(`/people/${person.id}`).expect(200)

    expect(page.text).toContain(heading(person))
    expect(page.text).toContain(person.pnc_id!)
    const audit = await auditRowsFor(t.db, person.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({
      category: 'consultation',
      event: 'person.viewed',
      person_id: person.id,
      actor_username: 'iom',
      purpose: null,
    })
  })

  it('each opening is logged again: two visits, two consultation rows', async () => {
    const person = await createPerson(t.db)
    await iom.agent.get(`/people/${person.id}`).expect(200)
    await supervisor.agent.get(`/people/${person.id}`).expect(200)
    const audit = await auditRowsFor(t.db, person.id)
    expect(audit.map((a) => [a.category, a.actor_username])).toEqual([
      ['consultation', 'iom'],
      ['consultation', 'supervisor'],
    ])
  })

  it('a person id that does not exist, or is not an id at all, is 404', async () => {
    await iom.agent.get('/people/7d0f7c1e-5d3a-4c1e-9d53-0a8c2f3b9e11').expect(404)
    await iom.agent.get('/people/not-a-uuid').expect(404)
  })
})

describe('a restricted record', () => {
  it('first asks why the user needs it, showing nothing about the person and logging no consultation', async () => {
    const person = await createPerson(t.db, { restricted: true, forenames: 'Kieran' })

    const page = await iom.agent.get(`/people/${person.id}`).expect(200)

    expect(page.text).toContain('This record is restricted')
    expect(page.text).toContain('action="/restricted-records/access"')
    expect(page.text).toContain(`name="recordId" value="${person.id}"`)
    expect(page.text).not.toContain(person.surname.toUpperCase())
    expect(page.text).not.toContain(person.pnc_id!)
    // Pages that show the person above a form ask the same question, and come back to that page.
    const edit = await iom.agent.get(`/people/${person.id}/edit`).expect(200)
    expect(edit.text).toContain('This record is restricted')
    expect(edit.text).toContain(`name="returnTo" value="/people/${person.id}/edit"`)
    expect(edit.text).not.toContain(person.surname.toUpperCase())
    expect(await auditRowsFor(t.db, person.id)).toEqual([])
  })

  it('opens once a purpose is given, and the consultation row carries that purpose', async () => {
    const person = await createPerson(t.db, { restricted: true })

    const stated = await postForm(iom, `/restricted-records/access`, {
      via: 'person',
      recordId: person.id,
      purpose: 'investigation',
      purposeDetail: 'Burglary at 4 High Street, ref 01/2345/26',
    })
    expect(stated.status).toBe(303)
    expect(stated.headers.location).toBe(`/people/${person.id}`)

    const page = await iom.agent.get(`/people/${person.id}`).expect(200)
    expect(page.text).toContain(heading(person))
    const audit = await auditRowsFor(t.db, person.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({
      category: 'consultation',
      event: 'person.viewed',
      actor_username: 'iom',
      purpose: 'Investigating an offence: Burglary at 4 High Street, ref 01/2345/26',
    })
  })

  it('a purpose stated by one user does not open the record for another', async () => {
    const person = await createPerson(t.db, { restricted: true })
    await postForm(iom, `/restricted-records/access`, {
      via: 'person',
      recordId: person.id,
      purpose: 'safeguarding',
      purposeDetail: 'MASH strategy meeting',
    }).expect(303)

    const other = await supervisor.agent.get(`/people/${person.id}`).expect(200)
    expect(other.text).toContain('This record is restricted')
    expect((await auditRowsFor(t.db, person.id)).map((a) => a.actor_username)).toEqual([])
  })

  it('without a purpose or its details, the form comes back with errors and the record stays closed', async () => {
    const person = await createPerson(t.db, { restricted: true })

    const refused = await postForm(iom, `/restricted-records/access`, {
      via: 'person',
      recordId: person.id,
      purpose: 'made_up',
      purposeDetail: '',
    })

    expect(refused.status).toBe(400)
    expect(errorSummaryLinks(refused.text).map((l) => l.href)).toEqual(['#purpose', '#purposeDetail'])
    const page = await iom.agent.get(`/people/${person.id}`).expect(200)
    expect(page.text).toContain('This record is restricted')
    expect(await auditRowsFor(t.db, person.id)).toEqual([])
  })

  it('a supervisor restricting a record gives a reason, kept in its one alteration row; others must then give a purpose', async () => {
    const person = await createPerson(t.db)
    const form = await supervisor.agent.get(`/people/${person.id}/restriction`).expect(200)
    expect(form.text).toContain('Why must this record be restricted?')

    const noReason = await postForm(supervisor, `/people/${person.id}/restriction`, {
      restricted: 'yes',
      version: '1',
      reason: '  ',
    })
    expect(noReason.status).toBe(400)
    expect(errorSummaryLinks(noReason.text).map((l) => l.href)).toEqual(['#reason'])
    expect(
      await t.db.selectFrom('person').select('restricted').where('id', '=', person.id).executeTakeFirstOrThrow(),
    ).toEqual({ restricted: false })

    const restricted = await postForm(supervisor, `/people/${person.id}/restriction`, {
      restricted: 'yes',
      version: '1',
      reason: 'Protected witness, op ref 01/2345/26',
    })
    expect(restricted.status).toBe(303)
    const row = await t.db
      .selectFrom('person')
      .select(['restricted', 'version'])
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ restricted: true, version: 2 })
    const changes = (await auditRowsFor(t.db, person.id)).filter((a) => a.category === 'alteration')
    expect(changes.map((a) => [a.event, (a.detail as { reason?: string } | null)?.reason])).toEqual([
      ['person.restricted', 'Protected witness, op ref 01/2345/26'],
    ])
    const page = await iom.agent.get(`/people/${person.id}`).expect(200)
    expect(page.text).toContain('This record is restricted')
    // An IOM officer may not lift it.
    await postForm(iom, `/people/${person.id}/restriction`, {
      restricted: 'no',
      version: '2',
      reason: 'no longer needed',
    }).expect(403)
  })

  it('lifting a restriction asks for a purpose first, then for a reason, and audits both', async () => {
    const person = await createPerson(t.db, { restricted: true })
    const refused = await postForm(supervisor, `/people/${person.id}/restriction`, {
      restricted: 'no',
      version: '1',
      reason: 'Witness protection ended',
    })
    expect(refused.status).toBe(403)
    expect(refused.text).toContain('This record is restricted')
    expect(refused.text).not.toContain(person.surname.toUpperCase())
    expect(
      await t.db.selectFrom('person').select('restricted').where('id', '=', person.id).executeTakeFirstOrThrow(),
    ).toEqual({ restricted: true })

    await postForm(supervisor, `/restricted-records/access`, {
      via: 'person',
      recordId: person.id,
      purpose: 'supervision_or_audit',
      purposeDetail: 'Review of restricted records',
    }).expect(303)
    await postForm(supervisor, `/people/${person.id}/restriction`, {
      restricted: 'no',
      version: '1',
      reason: 'Witness protection ended',
    }).expect(303)
    expect(
      await t.db.selectFrom('person').select('restricted').where('id', '=', person.id).executeTakeFirstOrThrow(),
    ).toEqual({ restricted: false })
    const lifted = (await auditRowsFor(t.db, person.id)).find((a) => a.event === 'person.unrestricted')
    expect(lifted).toMatchObject({
      category: 'alteration',
      purpose: 'Supervision or audit: Review of restricted records',
    })
    expect((lifted?.detail as { reason?: string } | null)?.reason).toBe('Witness protection ended')
  })
})
