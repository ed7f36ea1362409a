import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import { formatDate } from '../../../server/presenters/format.ts'
import {
  createMembership,
  createPerson,
  demoUserIds,
  postForm,
  uniqueTag,
  type DemoUser,
} from '../../helpers/factories.ts'
import { textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// The person banner answers "who is this and how risky" at the top of the person page: an MoJ
// identity bar with the person's details, a risk line (tier, wanted status, open safeguarding
// links, restriction) and the current warning markers with their start dates, all from the
// panels the page already reads, so the page still sends the same statements.

let t: TestApp
let iom: { agent: Agent; csrf: string }
let users: Record<DemoUser, string>
const today = todayInLondon()

beforeAll(async () => {
  t = await createTestApp()
  iom = await signInAs(t.app, 'iom')
  users = await demoUserIds(t.db)
})
afterAll(async () => {
  await t.close()
})

/** A person as the demo has them: on IOM at tier red, violent and armed, wanted for a DIP failure, known to MARAC. */
async function riskyPerson() {
  const person = await createPerson(t.db, { forenames: 'Jordan' })
  await createMembership(t.db, { personId: person.id, leadOfficerId: users.iom, tier: 'red' })
  await t.db
    .insertInto('person_marker')
    .values([
      { person_id: person.id, marker_code: 'violent', start_date: addDays(today, -200), set_by: users.iom },
      { person_id: person.id, marker_code: 'weapons', start_date: addDays(today, -40), set_by: users.iom },
      {
        person_id: person.id,
        marker_code: 'drugs',
        start_date: addDays(today, -900),
        ended_on: addDays(today, -300),
        set_by: users.iom,
        ended_by: users.supervisor,
      },
    ])
    .execute()
  const test = await t.db
    .insertInto('drug_test')
    .values({
      person_id: person.id,
      custody_suite_code: 'ROMFORD',
      custody_number: `RF/${uniqueTag()}`,
      condition: 'arrest',
      trigger_offence_code: null,
      authorised_by: 'Inspector Hale',
      sample_taken_at: new Date(`${addDays(today, -35)}T09:30:00Z`),
      opiates: 'positive',
      cocaine: 'negative',
      disputed: false,
      recorded_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const assessment = await t.db
    .insertInto('required_assessment')
    .values({ person_id: person.id, drug_test_id: test.id, imposed_by: users.dip })
    .returning('id')
    .executeTakeFirstOrThrow()
  const appointment = await t.db
    .insertInto('appointment')
    .values({
      assessment_id: assessment.id,
      person_id: person.id,
      kind: 'initial',
      form: 'RA1',
      scheduled_at: new Date(`${addDays(today, -25)}T10:00:00Z`),
      place: 'Romford DIP office',
      assessor: 'A. Assessor',
      created_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const reference = `WM/${uniqueTag()}`
  await t.db
    .insertInto('dip_failure')
    .values({
      appointment_id: appointment.id,
      person_id: person.id,
      section: 's12',
      failure_date: addDays(today, -25),
      time_bar_date: addMonths(addDays(today, -25), 6),
      status: 'wanted',
      statement_produced_on: addDays(today, -24),
      wanted_since: addDays(today, -23),
      wanted_reference: reference,
    })
    .execute()
  const agreement = await t.db
    .insertInto('sharing_agreement')
    .values({
      name: `Test MARAC agreement ${uniqueTag()}`,
      agency: 'marac',
      categories: ['identity', 'link_details'],
      starts_on: '2020-01-01',
      created_by: users.admin,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await t.db
    .insertInto('partner_link')
    .values({
      person_id: person.id,
      agency: 'marac',
      reference: `MARAC-${uniqueTag()}`,
      opened_on: addDays(today, -50),
      agreement_id: agreement.id,
      marac_role: 'perpetrator',
      created_by: users.iom,
    })
    .execute()
  return { person, reference }
}

/** The identity bar's text: from its opening tag to the page's first section heading. */
function bannerOf(html: string): string {
  const start = html.indexOf('<div class="moj-identity-bar cohort-identity-bar"')
  expect(start, 'the page has the identity bar').toBeGreaterThan(-1)
  return textOf(html.slice(start, html.indexOf('<h2', start)))
}

/** The statements the app sends to the database while answering one request. */
async function statementsOf(request: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(pg.Client.prototype, 'query')
  try {
    await request()
    return spy.mock.calls.map(([query]) =>
      typeof query === 'string' ? query : ((query as { text?: string }).text ?? ''),
    )
  } finally {
    spy.mockRestore()
  }
}

describe('the person banner on the person page', () => {
  it('shows the details, the risk line and each current warning marker with its start date', async () => {
    const { person, reference } = await riskyPerson()

    const page = await iom.agent.get(`/people/${person.id}`).expect(200)

    const banner = bannerOf(page.text)
    expect(banner).toContain(`Born ${formatDate(person.date_of_birth)} · PNC ID ${person.pnc_id} · Havering`)
    expect(banner).toContain(
      `Tier Red (IOM Fixed) · Wanted for S12 failure of ${formatDate(addDays(today, -25))}, ` +
        `circulated ${formatDate(addDays(today, -23))} (${reference}) · Open safeguarding links: MARAC`,
    )
    expect(banner).toContain(
      `Warning markers: Weapons since ${formatDate(addDays(today, -40))} Violent since ${formatDate(addDays(today, -200))}`,
    )
    expect(banner).not.toContain('Drugs')
    expect(banner).not.toContain('Restricted record')
    expect(page.text).toContain('<span class="moj-badge moj-badge--red">Violent</span>')
  })

  it('for a person with nothing recorded against them, says so', async () => {
    const person = await createPerson(t.db)
    const banner = bannerOf((await iom.agent.get(`/people/${person.id}`).expect(200)).text)
    expect(banner).toContain('Not wanted · No open safeguarding links No current warning markers')
    expect(banner).not.toContain('Tier')
  })

  it('says last on the risk line that the record is restricted, once a purpose opens it', async () => {
    const person = await createPerson(t.db, { restricted: true })
    await postForm(iom, '/restricted-records/access', {
      via: 'person',
      recordId: person.id,
      purpose: 'safeguarding',
      purposeDetail: 'MASH strategy meeting',
    }).expect(303)
    const banner = bannerOf((await iom.agent.get(`/people/${person.id}`).expect(200)).text)
    expect(banner).toContain('No open safeguarding links · Restricted record')
  })

  it('costs no statement: the page sends as many for a person with every kind of risk as for one with none', async () => {
    const { person: risky } = await riskyPerson()
    const plain = await createPerson(t.db)
    // Once each first, so neither count includes a statement's first preparation.
    await iom.agent.get(`/people/${risky.id}`).expect(200)
    await iom.agent.get(`/people/${plain.id}`).expect(200)

    const forRisky = await statementsOf(() => iom.agent.get(`/people/${risky.id}`).expect(200))
    const forPlain = await statementsOf(() => iom.agent.get(`/people/${plain.id}`).expect(200))

    // The session, the user, the record gate, the person, the panels in one statement, the consultation row.
    expect(forRisky).toHaveLength(6)
    expect(forPlain).toHaveLength(6)
  })
})

describe('the person banner above a form about the person', () => {
  it('names the person with a link to their page and says whether the record is restricted, without the risk line', async () => {
    const { person } = await riskyPerson()

    const form = await iom.agent.get(`/people/${person.id}/markers/new`).expect(200)

    const banner = bannerOf(form.text)
    expect(form.text).toContain(`<a class="govuk-link cohort-identity__name" href="/people/${person.id}">`)
    expect(banner).toContain(`${person.surname.toUpperCase()}, Jordan Born ${formatDate(person.date_of_birth)}`)
    expect(banner).not.toContain('Wanted')
    expect(banner).not.toContain('Restricted record')
  })
})
