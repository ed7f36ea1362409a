import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pncCheckLetter, croCheckLetter } from '../../../server/features/people/identifiers.ts'
import { genders } from '../../../server/features/people/vocabulary.ts'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import {
  areaIdsByCode,
  createPerson,
  dateFields,
  errorSummaryLinks,
  field,
  hostileDate,
  hostileForm,
  hostileText,
  notAUuid,
  notOneOf,
  postForm,
  repeated,
  rowCounts,
  writeAuditCount,
  type FieldSpec,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let iom: { agent: Agent; csrf: string }
let area: Record<string, string>

beforeAll(async () => {
  t = await createTestApp()
  area = await areaIdsByCode(t.db)
  iom = await signInAs(t.app, 'iom')
})
afterAll(async () => {
  await t.close()
})

const numRuns = 25
const alphabet = 'ZABCDEFGHJKLMNPQRTUVWXY'

/** A hostile form gets a 400 with a message, echoes nothing unescaped, and leaves the database as it was. */
async function expectRefused(path: string, form: FormData): Promise<void> {
  const snapshot = async () => ({
    ...(await rowCounts(t.db, ['person', 'person_alias', 'person_marker'])),
    writes: await writeAuditCount(t.db),
  })
  const before = await snapshot()
  const response = await postForm(iom, path, form)
  expect(response.status).toBe(400)
  expect(errorSummaryLinks(response.text).length).toBeGreaterThan(0)
  expect(response.text).not.toContain('<script>alert(1)</script>')
  expect(await snapshot()).toEqual(before)
}

const wrongPnc = fc
  .tuple(
    fc.integer({ min: 1950, max: 2020 }),
    fc.integer({ min: 1, max: 9_999_999 }),
    fc.integer({ min: 1, max: 22 }),
    fc.boolean(),
  )
  .map(([year, serial, shift, short]) => {
    const wrong = alphabet[(alphabet.indexOf(pncCheckLetter(year, serial)) + shift) % 23]
    return short ? `${String(year).slice(2)}/${serial}${wrong}` : `${year}/${String(serial).padStart(7, '0')}${wrong}`
  })
const notPncShaped = fc
  .string({ minLength: 1, maxLength: 30 })
  .filter((s) => s.trim() !== '' && !/^(\d{2}|\d{4})\/\d{1,7}[A-Z]$/i.test(s.replace(/\s+/g, '')))

const wrongCro = fc
  .tuple(
    fc.integer({ min: 0, max: 99 }),
    fc.integer({ min: 1, max: 999_999 }),
    fc.integer({ min: 1, max: 22 }),
    fc.boolean(),
  )
  .map(([year, serial, shift, sf]) => {
    const yy = String(year).padStart(2, '0')
    const wrong = alphabet[(alphabet.indexOf(croCheckLetter(yy, serial)) + shift) % 23]
    const padded = String(serial).padStart(6, '0')
    return sf ? `SF${yy}/${padded}${wrong}` : `${padded}/${yy}${wrong}`
  })
const notCroShaped = fc
  .string({ minLength: 1, maxLength: 30 })
  .filter((s) => s.trim() !== '' && !/^(\d{1,6}\/\d{2}|SF\d{2}\/\d{1,6})[A-Z]$/i.test(s.replace(/\s+/g, '')))

describe('hostile input to the people forms', () => {
  it('adding a person: any hostile field gets 400 with a message and writes nothing', async () => {
    const spec: Record<string, FieldSpec> = {
      surname: { valid: { surname: 'Propertytest' }, hostile: field('surname', hostileText(100, { required: true })) },
      forenames: { valid: { forenames: 'Sam' }, hostile: field('forenames', hostileText(100, { required: true })) },
      dateOfBirth: {
        valid: dateFields('dateOfBirth', '1988-08-08'),
        hostile: hostileDate('dateOfBirth', { notFuture: true, required: true }),
      },
      gender: { valid: { gender: 'female' }, hostile: field('gender', notOneOf(genders)) },
      pncId: { valid: { pncId: '' }, hostile: field('pncId', fc.oneof(wrongPnc, notPncShaped, repeated)) },
      croNumber: { valid: { croNumber: '' }, hostile: field('croNumber', fc.oneof(wrongCro, notCroShaped, repeated)) },
      address: { valid: { address: '' }, hostile: field('address', hostileText(300, { required: false })) },
      wardId: {
        valid: { wardId: '' },
        hostile: field('wardId', fc.oneof(notAUuid({ emptyAllowed: true }), fc.uuid())),
      },
      areaId: {
        valid: { areaId: area.HV! },
        hostile: field('areaId', fc.oneof(notAUuid(), fc.uuid(), fc.constant(area.EA!))),
      },
    }
    await fc.assert(
      fc.asyncProperty(hostileForm(spec), (form) => expectRefused('/people', form)),
      { numRuns },
    )
  })

  it('adding an alias: any hostile field gets 400 with a message and writes nothing', async () => {
    const person = await createPerson(t.db)
    const spec: Record<string, FieldSpec> = {
      aliasSurname: {
        valid: { aliasSurname: 'Knownas' },
        hostile: field('aliasSurname', hostileText(100, { required: true })),
      },
      aliasForenames: {
        valid: { aliasForenames: 'Jay' },
        hostile: field('aliasForenames', hostileText(100, { required: true })),
      },
    }
    await fc.assert(
      fc.asyncProperty(hostileForm(spec), (form) => expectRefused(`/people/${person.id}/aliases`, form)),
      { numRuns },
    )
  })

  it('adding a warning marker: any hostile field gets 400 with a message and writes nothing', async () => {
    const person = await createPerson(t.db)
    const markerCodes = (await t.db.selectFrom('marker_type').select('code').execute()).map((m) => m.code)
    const start = addDays(todayInLondon(), -30)
    const spec: Record<string, FieldSpec> = {
      markerCode: {
        valid: { markerCode: 'violent' },
        hostile: field('markerCode', fc.oneof(notOneOf(markerCodes), hostileText(40, { required: true }))),
      },
      startDate: {
        valid: dateFields('startDate', start),
        hostile: hostileDate('startDate', { notFuture: true, required: true }),
      },
      reviewDate: {
        valid: { 'reviewDate-day': '', 'reviewDate-month': '', 'reviewDate-year': '' },
        // Besides dates that are not dates: a review before the marker starts.
        hostile: fc.oneof(
          hostileDate('reviewDate', { required: false }),
          fc.constant(dateFields('reviewDate', addDays(start, -1))),
        ),
      },
      markerNote: { valid: { markerNote: '' }, hostile: field('markerNote', hostileText(500, { required: false })) },
    }
    await fc.assert(
      fc.asyncProperty(hostileForm(spec), (form) => expectRefused(`/people/${person.id}/markers`, form)),
      { numRuns },
    )
  })

  it('the same valid forms are accepted, so the refusals above are about the hostile field', async () => {
    const person = await createPerson(t.db)
    await postForm(iom, '/people', {
      surname: 'Propertytest',
      forenames: 'Sam',
      ...dateFields('dateOfBirth', '1988-08-08'),
      gender: 'female',
      pncId: '',
      croNumber: '',
      address: '',
      wardId: '',
      areaId: area.HV!,
    }).expect(303)
    await postForm(iom, `/people/${person.id}/aliases`, { aliasSurname: 'Knownas', aliasForenames: 'Jay' }).expect(303)
    await postForm(iom, `/people/${person.id}/markers`, {
      markerCode: 'violent',
      ...dateFields('startDate', addDays(todayInLondon(), -30)),
      'reviewDate-day': '',
      'reviewDate-month': '',
      'reviewDate-year': '',
      markerNote: '',
    }).expect(303)
  })
})
