import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  areaIdsByCode,
  auditRowsFor,
  createPerson,
  dateFields,
  errorSummaryLinks,
  inputValue,
  postForm,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let iom: { agent: Agent; csrf: string }
let supervisor: { agent: Agent; csrf: string }
let area: Record<string, string>

beforeAll(async () => {
  t = await createTestApp()
  area = await areaIdsByCode(t.db)
  iom = await signInAs(t.app, 'iom')
  supervisor = await signInAs(t.app, 'supervisor')
})
afterAll(async () => {
  await t.close()
})

type PersonRow = Awaited<ReturnType<typeof createPerson>>

/** The edit form as the page fills it, with the version the page carried and the user's changes. */
function editForm(person: PersonRow, version: string, changes: FormData = {}): FormData {
  return {
    surname: person.surname,
    forenames: person.forenames,
    ...dateFields('dateOfBirth', person.date_of_birth),
    gender: person.gender,
    pncId: person.pnc_id ?? '',
    croNumber: person.cro_number ?? '',
    address: person.address ?? '',
    wardId: person.ward_id ?? '',
    areaId: person.area_id,
    version,
    ...changes,
  }
}

async function versionOnEditPage(session: { agent: Agent }, personId: string): Promise<string> {
  const page = await session.agent.get(`/people/${personId}/edit`).expect(200)
  const version = inputValue(page.text, 'version')
  if (!version) throw new Error('The edit page has no version')
  return version
}

const stored = (id: string) => t.db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const alterations = async (id: string) => (await auditRowsFor(t.db, id)).filter((a) => a.category === 'alteration')

describe('editing a person', () => {
  it('when two users edit the same version, the first save wins and the second gets a 409 page showing both, with no lost update', async () => {
    const person = await createPerson(t.db, { address: '1 Old Road, Romford RM1 1AA' })
    const iomVersion = await versionOnEditPage(iom, person.id)
    const supervisorVersion = await versionOnEditPage(supervisor, person.id)
    expect(iomVersion).toBe('1')
    expect(supervisorVersion).toBe('1')

    const first = await postForm(
      iom,
      `/people/${person.id}`,
      editForm(person, iomVersion, { address: 'Flat 2, 9 New Street, Hornchurch RM11 1BB' }),
    )
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe(`/people/${person.id}`)
    const afterFirst = await alterations(person.id)
    expect(afterFirst).toHaveLength(1)
    expect(afterFirst[0]).toMatchObject({
      event: 'person.updated',
      actor_username: 'iom',
      detail: { changed: ['address'] },
    })

    const second = await postForm(
      supervisor,
      `/people/${person.id}`,
      editForm(person, supervisorVersion, { surname: 'Renamed' }),
    )
    expect(second.status).toBe(409)
    expect(second.text).toContain('Someone else changed this record')
    expect(second.text).toContain('Flat 2, 9 New Street, Hornchurch RM11 1BB') // what the other user saved
    expect(second.text).toContain('RENAMED, ') // what this user tried to save
    expect(second.text).toContain(`href="/people/${person.id}/edit"`)

    expect(await stored(person.id)).toMatchObject({
      surname: person.surname,
      address: 'Flat 2, 9 New Street, Hornchurch RM11 1BB',
      version: 2,
    })
    expect(await alterations(person.id)).toHaveLength(1)
  })

  it('after a conflict, editing the latest version saves', async () => {
    const person = await createPerson(t.db)
    await postForm(iom, `/people/${person.id}`, editForm(person, '1', { forenames: 'Lee' })).expect(303)

    const latest = await versionOnEditPage(supervisor, person.id)
    expect(latest).toBe('2')
    const saved = await postForm(
      supervisor,
      `/people/${person.id}`,
      editForm({ ...person, forenames: 'Lee' }, latest, { address: '7 Station Lane' }),
    )

    expect(saved.status).toBe(303)
    expect(await stored(person.id)).toMatchObject({ forenames: 'Lee', address: '7 Station Lane', version: 3 })
  })

  it('bad input is refused with the field named, and the record and its version are untouched', async () => {
    const person = await createPerson(t.db)

    const response = await postForm(
      iom,
      `/people/${person.id}`,
      editForm(person, '1', { 'dateOfBirth-day': '30', 'dateOfBirth-month': '2', surname: 'Kept' }),
    )

    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#dateOfBirth', text: 'Date of birth must be a real date' },
    ])
    expect(inputValue(response.text, 'surname')).toBe('Kept')
    expect(await stored(person.id)).toMatchObject({ surname: person.surname, version: 1 })
    expect(await alterations(person.id)).toEqual([])
  })

  it('another person’s PNC ID cannot be given to this person', async () => {
    const other = await createPerson(t.db)
    const person = await createPerson(t.db)

    const response = await postForm(iom, `/people/${person.id}`, editForm(person, '1', { pncId: other.pnc_id! }))

    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)[0]?.href).toBe('#pncId')
    expect((await stored(person.id)).pnc_id).toBe(person.pnc_id)
  })

  it('a ward outside the chosen borough is refused', async () => {
    const person = await createPerson(t.db)
    const havering = await t.db
      .selectFrom('ward')
      .select('id')
      .where('borough_id', '=', area.HV!)
      .where('valid_to', 'is', null)
      .executeTakeFirstOrThrow()

    const response = await postForm(
      iom,
      `/people/${person.id}`,
      editForm(person, '1', { areaId: area.RB!, wardId: havering.id }),
    )

    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([{ href: '#wardId', text: 'Select a ward in the chosen borough' }])
    expect((await stored(person.id)).area_id).toBe(person.area_id)
  })
})
