import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import {
  createMembership,
  createOutsideArea,
  createPerson,
  demoUserIds,
  errorSummaryLinks,
  lastAuditId,
  postForm,
  rowCounts,
  sealed,
  writeAuditCount,
} from '../../helpers/factories.ts'
import { headingOf, tableCaptioned } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { seedPersonInEveryTable } from '../retention/personDataSupport.ts'
import {
  combinationAudit,
  combinationOf,
  combine,
  combineForm,
  personFields,
  reverse,
  rowsOf,
} from './combinationSupport.ts'

let t: TestApp
let supervisor: { agent: Agent; csrf: string }
let iom: { agent: Agent; csrf: string }
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  supervisor = await signInAs(t.app, 'supervisor')
  iom = await signInAs(t.app, 'iom')
})
afterAll(async () => {
  await t.close()
})

const everyWrite = [
  'person',
  'person_alias',
  'person_combination',
  'person_combination_change',
  'contact',
  'cohort_membership',
] as const
const snapshot = async () => ({ ...(await rowCounts(t.db, everyWrite)), writes: await writeAuditCount(t.db) })
const total = (rows: Record<string, string[]>) => Object.values(rows).reduce((n, ids) => n + ids.length, 0)

describe('finding the duplicate and checking both records', () => {
  it('finds the duplicate by its PNC ID and shows both records side by side, logging one consultation', async () => {
    const keep = await createPerson(t.db, { forenames: 'Jordan', pnc_id: null })
    const duplicate = await createPerson(t.db, {
      surname: keep.surname,
      forenames: 'Jordan',
      date_of_birth: keep.date_of_birth,
    })
    const since = await lastAuditId(t.db)
    const page = await supervisor.agent
      .get(`/people/${keep.id}/combine?duplicate=${encodeURIComponent(duplicate.pnc_id!)}`)
      .expect(200)
    expect(headingOf(page.text)).toBe('Check before combining these records')
    const pair = tableCaptioned(page.text, 'The two records')
    expect(pair.rows.find((r) => r[0] === 'PNC ID')).toEqual([
      'PNC ID',
      'Not known',
      `${duplicate.pnc_id} Different`,
      duplicate.pnc_id,
    ])
    const rows = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['category', 'person_id', 'detail'])
      .where('id', '>', since)
      .execute()
    expect(rows).toEqual([
      { category: 'consultation', person_id: keep.id, detail: { page: 'combine-check', otherPersonId: duplicate.id } },
    ])
  })

  it('lists likely duplicates by name and date of birth on the first page', async () => {
    const keep = await createPerson(t.db, { forenames: 'Casey' })
    const duplicate = await createPerson(t.db, {
      surname: keep.surname,
      forenames: 'Casey',
      date_of_birth: keep.date_of_birth,
      pnc_id: null,
    })
    const page = await supervisor.agent.get(`/people/${keep.id}/combine`).expect(200)
    expect(headingOf(page.text)).toBe('Combine with a duplicate record')
    expect(page.text).toContain(`/people/${keep.id}/combine?duplicate=${duplicate.id}`)
  })

  it('refuses an unknown reference, or the record itself, with a message on the page', async () => {
    const keep = await createPerson(t.db)
    const outside = await createOutsideArea(t.db)
    const elsewhere = await createPerson(t.db, { area_id: outside.boroughId })
    for (const query of ['not-an-id', elsewhere.pnc_id!, elsewhere.id, keep.id]) {
      const page = await supervisor.agent
        .get(`/people/${keep.id}/combine?duplicate=${encodeURIComponent(query)}`)
        .expect(400)
      expect(errorSummaryLinks(page.text).map((l) => l.href)).toEqual(['#duplicate'])
    }
  })

  it('asks for a purpose before a restricted duplicate is shown beside the record', async () => {
    const keep = await createPerson(t.db)
    const duplicate = await createPerson(t.db, { restricted: true })
    const url = `/people/${keep.id}/combine?duplicate=${duplicate.id}`
    expect(headingOf((await supervisor.agent.get(url).expect(200)).text)).toBe('The duplicate record is restricted')
    await postForm(supervisor, `/restricted-records/access`, {
      via: 'person',
      recordId: duplicate.id,
      purpose: 'supervision_or_audit',
      purposeDetail: 'Checking a duplicate',
    }).expect(303)
    expect(headingOf((await supervisor.agent.get(url).expect(200)).text)).toBe('Check before combining these records')
  })
})

describe('combining two records', () => {
  it('moves every row of the duplicate to the kept record, takes its PNC ID and name, hides it, and logs a combination for both', async () => {
    const duplicate = await seedPersonInEveryTable(t.db, iom)
    const keep = await createPerson(t.db, { pnc_id: null, cro_number: null, forenames: 'Sam' })
    const before = await rowsOf(t.db, duplicate.personId)
    const oldFields = await personFields(t.db, duplicate.personId)
    expect(
      Object.values(before).every((ids) => ids.length > 0),
      'the duplicate has a row in every table',
    ).toBe(true)
    const since = await lastAuditId(t.db)

    expect((await combine(t.db, supervisor, keep.id, duplicate.personId)).headers.location).toBe(`/people/${keep.id}`)

    const after = { keep: await rowsOf(t.db, keep.id), merged: await rowsOf(t.db, duplicate.personId) }
    expect(total(after.merged)).toBe(0)
    for (const [ref, ids] of Object.entries(before)) expect(after.keep[ref], ref).toEqual(expect.arrayContaining(ids))
    expect(await personFields(t.db, keep.id)).toMatchObject({
      pnc_id: oldFields.pnc_id,
      cro_number: oldFields.cro_number,
    })
    expect(await personFields(t.db, duplicate.personId)).toMatchObject({
      pnc_id: null,
      cro_number: null,
      combined_into: keep.id,
    })
    const aliases = await t.db
      .selectFrom('person_alias')
      .select(['surname', 'forenames'])
      .where('person_id', '=', keep.id)
      .execute()
    expect(aliases).toContainEqual({ surname: oldFields.surname, forenames: oldFields.forenames })

    const audit = await combinationAudit(t.db, since)
    expect(audit.map((a) => [a.event, a.person_id])).toEqual([
      ['person.combined', keep.id],
      ['person.combined', duplicate.personId],
    ])
    expect(audit[0]?.detail).toMatchObject({ survivorId: keep.id, mergedId: duplicate.personId })

    // The merged record's address says where it went; its forms are gone; searches find the kept record.
    const old = await supervisor.agent.get(`/people/${duplicate.personId}`).expect(200)
    expect(headingOf(old.text)).toBe('This record has been combined with another')
    expect(old.text).toContain(`href="/people/${keep.id}"`)
    await supervisor.agent.get(`/people/${duplicate.personId}/edit`).expect(404)
    const search = await supervisor.agent.get(`/people/search?q=${encodeURIComponent(oldFields.surname)}`).expect(200)
    expect(search.text).toContain(`/people/${keep.id}`)
    expect(search.text).not.toContain(`/people/${duplicate.personId}`)
  })

  it('puts the combination, and what was seen of the duplicate before it, in the kept record’s subject access pack', async () => {
    const duplicate = await createPerson(t.db, { forenames: 'Jo' })
    const keep = await createPerson(t.db, { forenames: 'Joanne' })
    await supervisor.agent.get(`/people/${duplicate.id}`).expect(200) // a consultation of the duplicate
    await combine(t.db, supervisor, keep.id, duplicate.id)
    const aboutEither = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select('id')
      .where('person_id', 'in', [keep.id, duplicate.id])
      .execute()

    const pack = JSON.parse(
      (await supervisor.agent.get(`/people/${keep.id}/subject-access.json`).expect(200)).text,
    ) as {
      person_combination: { survivor_id: string; merged_id: string }[]
      access_log: { event: string }[]
    }
    expect(pack.person_combination.map((c) => [c.survivor_id, c.merged_id])).toEqual([[keep.id, duplicate.id]])
    // Every row about either record, up to the pack (whose own disclosure row follows it).
    expect(pack.access_log).toHaveLength(aboutEither.length)
    expect(pack.access_log.map((r) => r.event)).toContain('person.viewed')
  })

  it('keeps an alias once: one the kept record already has stays with the duplicate', async () => {
    const keep = await createPerson(t.db)
    const duplicate = await createPerson(t.db, {
      surname: keep.surname,
      forenames: keep.forenames,
      date_of_birth: keep.date_of_birth,
    })
    await t.db
      .insertInto('person_alias')
      .values([
        { person_id: keep.id, surname: 'Dee', forenames: 'Jay' },
        { person_id: duplicate.id, surname: 'DEE', forenames: 'jay' },
        { person_id: duplicate.id, surname: 'Smithers', forenames: 'Jay' },
      ])
      .execute()
    await combine(t.db, supervisor, keep.id, duplicate.id)
    const names = (
      await t.db
        .selectFrom('person_alias')
        .select(['surname'])
        .where('person_id', '=', keep.id)
        .orderBy('surname')
        .execute()
    ).map((a) => a.surname)
    // Not "DEE" twice, and not the duplicate's own name, which is the kept record's name too.
    expect(names).toEqual(['Dee', 'Smithers'])
  })

  it('refuses two open memberships of one programme, saying why, and writes nothing', async () => {
    const keep = await createPerson(t.db)
    const duplicate = await createPerson(t.db)
    await createMembership(t.db, { personId: keep.id, leadOfficerId: users.iom })
    await createMembership(t.db, { personId: duplicate.id, leadOfficerId: users.iom })
    const page = await supervisor.agent.get(`/people/${keep.id}/combine?duplicate=${duplicate.id}`).expect(200)
    expect(page.text).toContain('These records cannot be combined yet')
    expect(page.text).not.toContain('Combine records</button>')
    const before = await snapshot()
    const refused = await combine(t.db, supervisor, keep.id, duplicate.id, 400)
    expect(errorSummaryLinks(refused.text)[0]?.text).toBe(
      'Both records are on IOM Fixed. End one of the memberships before combining.',
    )
    expect(await snapshot()).toEqual(before)
  })

  it('needs a reason and the confirmation: 400, the typed reason kept, nothing written', async () => {
    const keep = await createPerson(t.db)
    const duplicate = await createPerson(t.db)
    const before = await snapshot()
    const page = await postForm(
      supervisor,
      `/people/${keep.id}/combine`,
      await combineForm(t.db, keep.id, duplicate.id, { reason: 'Same <b>custody</b> photo', confirmSamePerson: [] }),
    ).expect(400)
    expect(errorSummaryLinks(page.text)).toEqual([
      { href: '#confirmSamePerson', text: 'Confirm that both records are about the same person' },
    ])
    expect(page.text).toContain('Same &lt;b&gt;custody&lt;/b&gt; photo')
    expect(await snapshot()).toEqual(before)
  })

  it('answers 409 when either record changed after the check page, and combines nothing', async () => {
    const keep = await createPerson(t.db)
    const duplicate = await createPerson(t.db)
    const form = await combineForm(t.db, keep.id, duplicate.id)
    await t.db
      .updateTable('person')
      .set({ address: '1 New Road, Romford', version: 2 })
      .where('id', '=', duplicate.id)
      .execute()
    const before = await snapshot()
    const page = await postForm(supervisor, `/people/${keep.id}/combine`, form).expect(409)
    expect(headingOf(page.text)).toBe('One of the records has changed')
    expect(page.text).toContain('1 New Road, Romford')
    expect(await snapshot()).toEqual(before)
  })
})

describe('who may combine', () => {
  it('is forbidden to officers, whose pages do not offer it', async () => {
    const keep = await createPerson(t.db)
    const duplicate = await createPerson(t.db)
    await iom.agent.get(`/people/${keep.id}/combine`).expect(403)
    await iom.agent.get(`/people/${keep.id}/combinations`).expect(403)
    const before = await snapshot()
    await postForm(iom, `/people/${keep.id}/combine`, await combineForm(t.db, keep.id, duplicate.id)).expect(403)
    expect(await snapshot()).toEqual(before)
    expect((await iom.agent.get(`/people/${keep.id}`).expect(200)).text).not.toContain(
      'Combine with a duplicate record',
    )
    expect((await supervisor.agent.get(`/people/${keep.id}`).expect(200)).text).toContain(
      'Combine with a duplicate record',
    )
  })

  it('answers 404 for a record outside the supervisor’s areas, whichever side it is on', async () => {
    const outside = await createOutsideArea(t.db)
    const mine = await createPerson(t.db)
    const elsewhere = await createPerson(t.db, { area_id: outside.boroughId })
    await supervisor.agent.get(`/people/${elsewhere.id}/combine`).expect(404)
    const before = await snapshot()
    await postForm(supervisor, `/people/${mine.id}/combine`, await combineForm(t.db, mine.id, elsewhere.id)).expect(404)
    await postForm(
      supervisor,
      `/people/${elsewhere.id}/combine`,
      await combineForm(t.db, elsewhere.id, mine.id),
    ).expect(404)
    expect(await snapshot()).toEqual(before)
  })
})

describe('reversing a combination', () => {
  it('within 30 days puts back exactly what moved, and leaves what was recorded since on the kept record', async () => {
    const duplicate = await seedPersonInEveryTable(t.db, iom)
    const keep = await createPerson(t.db, { pnc_id: null })
    const before = { keep: await rowsOf(t.db, keep.id), merged: await rowsOf(t.db, duplicate.personId) }
    const fields = { keep: await personFields(t.db, keep.id), merged: await personFields(t.db, duplicate.personId) }
    const aliasesBefore = await t.db.selectFrom('person_alias').select('id').where('person_id', '=', keep.id).execute()
    await combine(t.db, supervisor, keep.id, duplicate.personId)
    await postForm(iom, `/people/${keep.id}/contacts`, {
      'contactDate-day': todayInLondon().slice(8),
      'contactDate-month': todayInLondon().slice(5, 7),
      'contactDate-year': todayInLondon().slice(0, 4),
      contactType: 'phone',
      pathway: 'health',
      note: 'Called after the merge',
      outcome: 'engaged',
    }).expect(303)
    const history = await supervisor.agent.get(`/people/${keep.id}/combinations`).expect(200)
    expect(tableCaptioned(history.text, 'Combinations, newest first').rows[0]?.[3]).toMatch(/^Can be reversed until /)
    const since = await lastAuditId(t.db)

    expect((await reverse(t.db, supervisor, keep.id, duplicate.personId)).headers.location).toBe(
      `/people/${duplicate.personId}`,
    )

    const after = { keep: await rowsOf(t.db, keep.id), merged: await rowsOf(t.db, duplicate.personId) }
    expect(after.merged).toEqual(before.merged)
    const newContact = after.keep['contact.person_id']!.filter((id) => !before.keep['contact.person_id']!.includes(id))
    expect(newContact).toHaveLength(1)
    expect({ ...after.keep, 'contact.person_id': before.keep['contact.person_id'] }).toEqual(before.keep)
    expect(await personFields(t.db, keep.id)).toEqual(fields.keep)
    expect(await personFields(t.db, duplicate.personId)).toEqual(fields.merged)
    expect(await t.db.selectFrom('person_alias').select('id').where('person_id', '=', keep.id).execute()).toEqual(
      aliasesBefore,
    )
    const audit = await combinationAudit(t.db, since)
    expect(audit.map((a) => [a.event, a.person_id])).toEqual([
      ['person.uncombined', keep.id],
      ['person.uncombined', duplicate.personId],
    ])
    expect(headingOf((await supervisor.agent.get(`/people/${duplicate.personId}`).expect(200)).text)).not.toBe(
      'This record has been combined with another',
    )
    expect((await combinationOf(t.db, duplicate.personId)).reversal_reason).toBe(
      'The custody record was for his brother',
    )
  })

  it('after 30 days is refused with a clear message, and nothing moves', async () => {
    const keep = await createPerson(t.db)
    const duplicate = await createPerson(t.db)
    await t.db
      .insertInto('contact')
      .values({
        person_id: duplicate.id,
        contact_date: addDays(todayInLondon(), -40),
        contact_type: 'phone',
        pathway: 'health',
        note: 'Before the merge',
      })
      .execute()
    await combine(t.db, supervisor, keep.id, duplicate.id)
    await t.db
      .updateTable('person_combination')
      .set({ combined_at: new Date(Date.now() - 31 * 86_400_000) })
      .where('merged_id', '=', duplicate.id)
      .execute()
    const history = await supervisor.agent.get(`/people/${keep.id}/combinations`).expect(200)
    expect(tableCaptioned(history.text, 'Combinations, newest first').rows[0]?.[3]).toBe('Final')
    expect(history.text).not.toContain('Reverse the combination</button>')
    const before = { ...(await snapshot()), keep: await rowsOf(t.db, keep.id) }
    const refused = await reverse(t.db, supervisor, keep.id, duplicate.id, 400)
    expect(errorSummaryLinks(refused.text)[0]?.text).toBe(
      'This combination was made more than 30 days ago and can no longer be reversed',
    )
    expect({ ...(await snapshot()), keep: await rowsOf(t.db, keep.id) }).toEqual(before)
  })

  it('answers 409 to a reversal from an out-of-date page, and needs a reason', async () => {
    const keep = await createPerson(t.db)
    const duplicate = await createPerson(t.db)
    await combine(t.db, supervisor, keep.id, duplicate.id)
    const combination = await combinationOf(t.db, duplicate.id)
    const before = await snapshot()
    const noReason = await postForm(supervisor, `/people/${keep.id}/combinations/reverse`, {
      combinationId: combination.id,
      version: String(combination.version),
      reverseReason: '  ',
    }).expect(400)
    expect(errorSummaryLinks(noReason.text)).toEqual([
      { href: '#reverseReason', text: 'Enter why the combination is being reversed' },
    ])
    await postForm(supervisor, `/people/${keep.id}/combinations/reverse`, {
      combinationId: combination.id,
      version: String(combination.version + 1),
      reverseReason: 'Wrong person',
    }).expect(409)
    expect(await snapshot()).toEqual(before)
    await reverse(t.db, supervisor, keep.id, duplicate.id)
    await postForm(supervisor, `/people/${keep.id}/combinations/reverse`, {
      combinationId: combination.id,
      version: String(combination.version),
      reverseReason: 'Twice',
    }).expect(409)
  })
})
