import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { todayInLondon } from '../../../server/domain/time.ts'
import {
  areaIdsByCode,
  auditRowsFor,
  createPerson,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  freshCroNumber,
  freshPncId,
  inputValue,
  postForm,
  randomDateOfBirth,
  rowCounts,
  uniqueTag,
  writeAuditCount,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let iom: { agent: Agent; csrf: string }
let area: Record<string, string>
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  area = await areaIdsByCode(t.db)
  users = await demoUserIds(t.db)
  iom = await signInAs(t.app, 'iom')
})
afterAll(async () => {
  await t.close()
})

function personForm(overrides: FormData = {}): FormData {
  return {
    surname: `Okafor${uniqueTag().toLowerCase()}`,
    forenames: 'Daniel James',
    ...dateFields('dateOfBirth', randomDateOfBirth()),
    gender: 'male',
    pncId: '',
    croNumber: '',
    address: '',
    wardId: '',
    areaId: area.HV!,
    ...overrides,
  }
}

/** '2012/0123456Y' → '12/123456Y': the short form people type. */
function shortForm(longPnc: string): string {
  const [year = '', rest = ''] = longPnc.split('/')
  return `${year.slice(2)}/${Number(rest.slice(0, 7))}${rest.slice(7)}`
}

function createdIdFrom(location: unknown): string {
  const id = /^\/people\/([0-9a-f-]{36})$/.exec(String(location))?.[1]
  if (!id) throw new Error(`Not redirected to a person page: ${String(location)}`)
  return id
}

const nothingWritten = async () => ({ ...(await rowCounts(t.db, ['person'])), writes: await writeAuditCount(t.db) })

describe('adding a person', () => {
  it('when an officer adds a person with a short-form PNC ID, the record is stored with the long form and one collection audit row', async () => {
    const pnc = await freshPncId(t.db)
    const cro = await freshCroNumber(t.db)
    const form = personForm({ pncId: shortForm(pnc), croNumber: cro, address: '3 Market Place, Romford RM1 3AB' })

    const response = await postForm(iom, '/people', form)

    expect(response.status).toBe(303)
    const id = createdIdFrom(response.headers.location)
    const row = await t.db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      surname: form.surname,
      forenames: 'Daniel James',
      date_of_birth: `${String(form['dateOfBirth-year'])}-${String(form['dateOfBirth-month']).padStart(2, '0')}-${String(form['dateOfBirth-day']).padStart(2, '0')}`,
      gender: 'male',
      pnc_id: pnc,
      cro_number: cro,
      address: '3 Market Place, Romford RM1 3AB',
      ward_id: null,
      area_id: area.HV,
      restricted: false,
      version: 1,
      created_by: users.iom,
    })
    const audit = await auditRowsFor(t.db, id)
    expect(audit.map((a) => [a.category, a.event, a.actor_username])).toEqual([['collection', 'person.created', 'iom']])

    const page = await iom.agent.get(`/people/${id}`).expect(200)
    expect(page.text).toContain(pnc)
  })

  it('when the PNC ID is already on someone, the form comes back with a warning and no way to confirm, and nothing is written', async () => {
    const existing = await createPerson(t.db)
    const before = await nothingWritten()
    const form = personForm({ pncId: existing.pnc_id! })

    const first = await postForm(iom, '/people', form)
    expect(first.status).toBe(400)
    expect(first.text).toContain('This person may already be on Cohort')
    expect(first.text).toContain(`href="/people/${existing.id}"`)
    expect(first.text).not.toContain('name="confirmNotDuplicate"')

    // Even a forged tick cannot add a second person with the same PNC ID.
    const forced = await postForm(iom, '/people', { ...form, confirmNotDuplicate: 'yes' })
    expect(forced.status).toBe(400)
    expect(forced.text).toContain('This person may already be on Cohort')
    expect(await nothingWritten()).toEqual(before)
  })

  it('when a similar name has the same date of birth, nothing is written until the officer confirms it is someone else', async () => {
    const tag = uniqueTag().toLowerCase()
    const existing = await createPerson(t.db, { surname: `Pemberton${tag}`, forenames: 'Benedict', pnc_id: null })
    const form = personForm({
      surname: `Pembertan${tag}`,
      forenames: 'Benedict',
      ...dateFields('dateOfBirth', existing.date_of_birth),
    })
    const before = await nothingWritten()

    const warned = await postForm(iom, '/people', form)
    expect(warned.status).toBe(400)
    expect(warned.text).toContain('This person may already be on Cohort')
    expect(warned.text).toContain(`href="/people/${existing.id}"`)
    expect(warned.text).toContain('name="confirmNotDuplicate"')
    expect(errorSummaryLinks(warned.text)[0]?.href).toBe('#confirmNotDuplicate')
    expect(inputValue(warned.text, 'surname')).toBe(form.surname)
    expect(await nothingWritten()).toEqual(before)

    const confirmed = await postForm(iom, '/people', { ...form, confirmNotDuplicate: 'yes' })
    expect(confirmed.status).toBe(303)
    const id = createdIdFrom(confirmed.headers.location)
    // The two of this test (another test's random person may share the birthday).
    const sameBirthday = await t.db
      .selectFrom('person')
      .select('id')
      .where('date_of_birth', '=', existing.date_of_birth)
      .where('surname', 'like', `Pemb%${tag}`)
      .execute()
    expect(sameBirthday.map((p) => p.id).sort()).toEqual([existing.id, id].sort())
  })

  it('a similar name with a different date of birth is not taken for a duplicate', async () => {
    const tag = uniqueTag().toLowerCase()
    await createPerson(t.db, {
      surname: `Ashworth${tag}`,
      forenames: 'Ruth',
      date_of_birth: '1979-04-02',
      pnc_id: null,
    })
    const response = await postForm(
      iom,
      '/people',
      personForm({ surname: `Ashworth${tag}`, forenames: 'Ruth', ...dateFields('dateOfBirth', '1979-04-03') }),
    )
    expect(response.status).toBe(303)
  })
})

describe('adding a person with bad input', () => {
  const nextYear = String(Number(todayInLondon().slice(0, 4)) + 1)
  const cases: { what: string; overrides: FormData; field: string; message: RegExp }[] = [
    {
      what: '31 February as a date of birth',
      overrides: { 'dateOfBirth-day': '31', 'dateOfBirth-month': '2', 'dateOfBirth-year': '1990' },
      field: 'dateOfBirth',
      message: /Date of birth must be a real date/,
    },
    {
      what: 'a date of birth in the future',
      overrides: { 'dateOfBirth-day': '1', 'dateOfBirth-month': '6', 'dateOfBirth-year': nextYear },
      field: 'dateOfBirth',
      message: /Date of birth must be today or in the past/,
    },
    {
      what: 'a date of birth without a month',
      overrides: { 'dateOfBirth-day': '1', 'dateOfBirth-month': '', 'dateOfBirth-year': '1990' },
      field: 'dateOfBirth',
      message: /Date of birth must include a month/,
    },
    {
      what: 'a PNC ID with the wrong check letter',
      overrides: { pncId: '12/123456A' },
      field: 'pncId',
      message: /check letter is wrong/,
    },
    {
      what: 'a CRO number with the wrong check letter',
      overrides: { croNumber: '123456/12X' },
      field: 'croNumber',
      message: /check letter is wrong/,
    },
    {
      what: 'a surname over 100 characters',
      overrides: { surname: 'A'.repeat(101) },
      field: 'surname',
      message: /[Ss]urname must be 100 characters or fewer/,
    },
    {
      what: 'an address over 300 characters',
      overrides: { address: 'x'.repeat(301) },
      field: 'address',
      message: /must be 300 characters or fewer/,
    },
    {
      what: 'a NUL byte in the forenames',
      overrides: { forenames: 'Jo\u0000hn' },
      field: 'forenames',
      message: /must not contain control characters/,
    },
    { what: 'an unknown gender', overrides: { gender: 'dragon' }, field: 'gender', message: /Select a gender/ },
    { what: 'no borough', overrides: { areaId: '' }, field: 'areaId', message: /Select a borough/ },
  ]

  it.each(cases)(
    '$what gets 400 with an error summary linking to the field, the values kept, and nothing written',
    async ({ overrides, field, message }) => {
      const form = personForm(overrides)
      const before = await nothingWritten()

      const response = await postForm(iom, '/people', form)

      expect(response.status).toBe(400)
      const links = errorSummaryLinks(response.text)
      expect(links).toHaveLength(1)
      expect(links[0]?.href).toBe(`#${field}`)
      expect(links[0]?.text).toMatch(message)
      // The page has the element the link points at, and shows the message beside the field.
      expect(response.text).toContain(`id="${field}"`)
      expect(response.text).toContain(`id="${field}-error"`)
      expect(inputValue(response.text, 'surname')).toBe(form.surname)
      expect(inputValue(response.text, 'dateOfBirth-day')).toBe(form['dateOfBirth-day'])
      expect(inputValue(response.text, 'dateOfBirth-year')).toBe(form['dateOfBirth-year'])
      expect(inputValue(response.text, 'pncId')).toBe(form.pncId)
      expect(await nothingWritten()).toEqual(before)
    },
  )

  it('a borough outside the officer’s areas, or their BCU itself, is refused on the borough field', async () => {
    const before = await nothingWritten()
    for (const areaId of ['00000000-0000-4000-8000-000000000000', area.EA!]) {
      const response = await postForm(iom, '/people', personForm({ areaId }))
      expect(response.status, areaId).toBe(400)
      expect(errorSummaryLinks(response.text)).toEqual([{ href: '#areaId', text: 'Select a borough you work in' }])
    }
    expect(await nothingWritten()).toEqual(before)
  })
})
