import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  areaIdsByCode,
  auditSince,
  createOutsideArea,
  createPerson,
  dateFields,
  errorSummaryLinks,
  freshPncId,
  inputValue,
  lastAuditId,
  postForm,
  randomDateOfBirth,
  rowCounts,
  uniqueTag,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// Saying that a PNC ID is taken tells the user something about the person who holds it, even
// in an area they cannot see: the check that finds a holder is logged as a consultation of them.

let t: TestApp
let iom: { agent: Agent; csrf: string }
let area: Record<string, string>
let outsider: Awaited<ReturnType<typeof createPerson>>

beforeAll(async () => {
  t = await createTestApp()
  area = await areaIdsByCode(t.db)
  iom = await signInAs(t.app, 'iom')
  outsider = await createPerson(t.db, { areaCode: (await createOutsideArea(t.db)).boroughCode })
})
afterAll(async () => {
  await t.close()
})

const taken = 'Another person already has this PNC ID: search for it instead'

function newPersonForm(pncId: string) {
  return {
    surname: `Okafor${uniqueTag().toLowerCase()}`,
    forenames: 'Daniel',
    ...dateFields('dateOfBirth', randomDateOfBirth()),
    gender: 'male',
    pncId,
    croNumber: '',
    address: '',
    wardId: '',
    areaId: area.HV!,
  }
}

describe('a PNC ID held by a person outside the user’s areas', () => {
  it('when an officer adds a person with it, the form is refused as taken, no one is added, and one consultation of the holder is logged', async () => {
    const form = newPersonForm(outsider.pnc_id!)
    const before = await rowCounts(t.db, ['person'])
    const since = await lastAuditId(t.db)

    const response = await postForm(iom, '/people', form)

    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([{ href: '#pncId', text: taken }])
    expect(inputValue(response.text, 'surname')).toBe(form.surname)
    expect(await rowCounts(t.db, ['person'])).toEqual(before)
    expect(await t.db.selectFrom('person').select('id').where('surname', '=', form.surname).execute()).toEqual([])
    const logged = await auditSince(t.db, since)
    expect(logged).toEqual([
      {
        category: 'consultation',
        event: 'person.pnc_checked',
        recipients: null,
        person_id: outsider.id,
        entity_id: outsider.id,
        actor_username: 'iom',
        detail: { form: 'create' },
      },
    ])
    // The row names the holder; the PNC ID itself is not written to the log.
    expect(JSON.stringify(logged)).not.toContain(outsider.pnc_id!)
  })

  it('when an officer gives it to someone they edit, the form is refused, the record is unchanged, and the holder’s consultation is logged beside the edited person’s', async () => {
    const person = await createPerson(t.db, { areaCode: 'HV' })
    const since = await lastAuditId(t.db)

    const response = await postForm(iom, `/people/${person.id}`, {
      version: '1',
      surname: person.surname,
      forenames: person.forenames,
      ...dateFields('dateOfBirth', person.date_of_birth),
      gender: person.gender,
      pncId: outsider.pnc_id!,
      croNumber: '',
      address: '',
      wardId: '',
      areaId: area.HV!,
    })

    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)[0]).toEqual({ href: '#pncId', text: taken })
    const stored = await t.db
      .selectFrom('person')
      .select(['pnc_id', 'version'])
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({ pnc_id: person.pnc_id, version: 1 })
    const logged = await auditSince(t.db, since)
    expect(logged.filter((r) => r.event === 'person.pnc_checked')).toEqual([
      {
        category: 'consultation',
        event: 'person.pnc_checked',
        recipients: null,
        person_id: outsider.id,
        entity_id: outsider.id,
        actor_username: 'iom',
        detail: { form: 'edit', editedPersonId: person.id },
      },
    ])
    expect(logged.filter((r) => r.category !== 'consultation')).toEqual([])
  })

  it('a PNC ID nobody holds is checked without a consultation row', async () => {
    const form = newPersonForm(await freshPncId(t.db))
    const since = await lastAuditId(t.db)
    const response = await postForm(iom, '/people', form)
    expect(response.status).toBe(303)
    expect((await auditSince(t.db, since)).map((r) => r.event)).toEqual(['person.created'])
  })
})
