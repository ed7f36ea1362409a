import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeEntities, sealed } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// The notice of requirement (initial assessment) and the follow-up appointment letter: what they
// say, who may print them, and the consultation row each printing leaves (decision 0113).

let t: TestApp
let dip: Agent

beforeAll(async () => {
  t = await createTestApp()
  dip = (await signInAs(t.app, 'dip')).agent
})
afterAll(async () => {
  await t.close()
})

/** A demo appointment of a kind, with its person's surname and the place it is booked at. */
const appointmentOf = (kind: 'initial' | 'follow_up') =>
  t.db
    .selectFrom('appointment as a')
    .innerJoin('person as p', 'p.id', 'a.person_id')
    .select(['a.id', 'a.person_id', 'a.place', 'p.surname'])
    .where('a.kind', '=', kind)
    .orderBy('a.id')
    .executeTakeFirstOrThrow()

const rowsOfRequest = async (requestId: string) =>
  (await sealed(t.db))
    .selectFrom('audit_event')
    .select(['category', 'event', 'person_id', 'entity_id'])
    .where('request_id', '=', requestId)
    .execute()

describe('letters and notices for DIP appointments', () => {
  it('prints the notice of requirement for an initial assessment, with the offence of s12, and logs one consultation', async () => {
    const appointment = await appointmentOf('initial')
    const page = await dip.get(`/appointments/${appointment.id}/letter`).expect(200)
    const text = decodeEntities(page.text)
    expect(text).toContain('cohort-printable')
    expect(text).toContain('/static/css/print.css')
    expect(text).toContain('Notice of requirement to attend an initial assessment')
    expect(text).toContain(appointment.surname.toUpperCase())
    expect(text).toContain(appointment.place)
    expect(text).toContain('Drugs Act 2005, section 9')
    expect(text).toMatch(
      /fail without good cause to attend, or to stay until the end, you commit a criminal offence \(Drugs Act 2005, section 12\)/,
    )
    expect(text).not.toContain('govuk-service-navigation')
    expect(await rowsOfRequest(String(page.headers['x-request-id']))).toEqual([
      {
        category: 'consultation',
        event: 'appointment.viewed',
        person_id: appointment.person_id,
        entity_id: appointment.id,
      },
    ])
  })

  it('prints the appointment letter for a follow-up, with the offence of s14', async () => {
    const appointment = await appointmentOf('follow_up')
    const page = await dip.get(`/appointments/${appointment.id}/letter`).expect(200)
    const text = decodeEntities(page.text)
    expect(text).toContain('Follow-up assessment appointment')
    expect(text).toContain('Drugs Act 2005, section 10')
    expect(text).toContain('(Drugs Act 2005, section 14)')
    expect(text).not.toContain('Notice of requirement')
    expect(text).toContain(appointment.place)
  })

  it('is linked from the appointment page, named for the document it prints', async () => {
    const initial = await appointmentOf('initial')
    const followUp = await appointmentOf('follow_up')
    expect((await dip.get(`/appointments/${initial.id}`).expect(200)).text).toContain(
      `<a class="govuk-link" href="/appointments/${initial.id}/letter">Print the notice of requirement</a>`,
    )
    expect((await dip.get(`/appointments/${followUp.id}`).expect(200)).text).toContain(
      `<a class="govuk-link" href="/appointments/${followUp.id}/letter">Print the appointment letter</a>`,
    )
  })

  it('is refused to roles that may not see appointments, and writes no row for them', async () => {
    const appointment = await appointmentOf('initial')
    for (const username of ['cid', 'partner', 'admin']) {
      const { agent } = await signInAs(t.app, username)
      const refused = await agent.get(`/appointments/${appointment.id}/letter`)
      expect(refused.status, username).toBe(403)
      expect(decodeEntities(refused.text), username).not.toContain(appointment.surname.toUpperCase())
      const rows = await rowsOfRequest(String(refused.headers['x-request-id']))
      expect(
        rows.filter((r) => r.category === 'consultation'),
        username,
      ).toEqual([])
    }
  })

  it('answers 404 for an appointment that does not exist or an id that is not one', async () => {
    await dip.get(`/appointments/${randomUUID()}/letter`).expect(404)
    await dip.get('/appointments/not-an-id/letter').expect(404)
  })
})
