import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ContactOutcome } from '../../../db/types.ts'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import {
  auditRowsFor,
  createOutsideArea,
  createPerson,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  inputValue,
  postForm,
  rowCounts,
  uniqueTag,
  writeAuditCount,
} from '../../helpers/factories.ts'
import { tablesOf, textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// A person's full contact history, one click from the person page: filtered by type and date,
// searched in the notes, newest first, each contact with its outcome; and the outcome the contact
// form now requires.

let t: TestApp
let iom: { agent: Agent; csrf: string }
let users: Awaited<ReturnType<typeof demoUserIds>>
const today = todayInLondon()

type Seeded = { daysAgo: number; type: string; note: string; outcome?: ContactOutcome | null }

/** Contacts written straight to the table, as the demo data and older records have them. */
async function addContacts(personId: string, contacts: readonly Seeded[]): Promise<void> {
  await t.db
    .insertInto('contact')
    .values(
      contacts.map((c, k) => ({
        person_id: personId,
        contact_date: addDays(today, -c.daysAgo),
        contact_type: c.type,
        pathway: 'health',
        note: c.note,
        outcome: c.outcome === undefined ? 'engaged' : c.outcome,
        recorded_by: users.iom,
        // Recorded in the order given, so that two on one day have a known order.
        recorded_at: new Date(Date.parse(`${addDays(today, -c.daysAgo)}T09:00:00Z`) + k * 60_000),
      })),
    )
    .execute()
}

/** The history's table: each row's cells (date, type, pathway, outcome, note, recorded by). */
function historyRows(html: string): string[][] {
  const table = tablesOf(html).find((x) => x.header[0] === 'Date' && x.header.includes('Outcome'))
  return table?.rows ?? []
}
const notesOf = (html: string) => historyRows(html).map((row) => row[4])

function historyOf(personId: string, query: Record<string, string> = {}) {
  return iom.agent.get(`/people/${personId}/contacts`).query(query)
}

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  iom = await signInAs(t.app, 'iom')
})
afterAll(async () => {
  await t.close()
})

describe('the person page’s recent contacts', () => {
  it('shows the latest five with their outcomes, and links to all of them with the count', async () => {
    const person = await createPerson(t.db)
    await addContacts(
      person.id,
      Array.from({ length: 7 }, (_, k) => ({
        daysAgo: 10 - k,
        type: 'phone',
        note: `Call number ${k + 1}`,
        outcome: k === 6 ? 'not_seen' : k === 0 ? null : 'engaged',
      })),
    )

    const page = await iom.agent.get(`/people/${person.id}`).expect(200)

    const section = /<h2 class="govuk-heading-m">Recent contacts<\/h2>([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? ''
    const items = [...section.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1] ?? ''))
    expect(items).toHaveLength(5)
    expect(items[0]).toContain('Call number 7')
    expect(items[0]).toContain('Outcome: No answer or not seen')
    expect(items[4]).toContain('Call number 3')
    expect(items[4]).toContain('Outcome: Engaged')
    expect(section).toContain(`href="/people/${person.id}/contacts">View all contacts (7)</a>`)
  })
})

/** A day as the pages write it, worked out here rather than by the app's own formatter. */
const inWords = (iso: string) =>
  new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  })

describe('the contact history', () => {
  it('lists every contact newest first with its outcome, fifty a page, and logs each page as a consultation', async () => {
    const person = await createPerson(t.db)
    await addContacts(
      person.id,
      Array.from({ length: 53 }, (_, k) => ({
        daysAgo: 200 - k * 3,
        type: k % 2 ? 'phone' : 'home_visit',
        note: `Visit ${k + 1}`,
        outcome: k === 0 ? null : k % 2 ? 'refused' : 'engaged',
      })),
    )
    const officer = await t.db
      .selectFrom('app_user')
      .select('display_name')
      .where('id', '=', users.iom)
      .executeTakeFirstOrThrow()
    const audited = (await auditRowsFor(t.db, person.id)).length

    const first = await historyOf(person.id).expect(200)
    expect(notesOf(first.text)).toEqual(Array.from({ length: 50 }, (_, k) => `Visit ${53 - k}`))
    expect(historyRows(first.text)[0]).toEqual([
      inWords(addDays(today, -(200 - 52 * 3))),
      'Home visit',
      'Health',
      'Engaged',
      'Visit 53',
      officer.display_name,
    ])
    expect(first.text).toContain('53 contacts, page 1 of 2')

    const second = await historyOf(person.id, { page: '2' }).expect(200)
    expect(notesOf(second.text)).toEqual(['Visit 3', 'Visit 2', 'Visit 1'])
    expect(historyRows(second.text)[1]?.[3]).toBe('Refused contact')
    // The oldest was recorded before outcomes were asked for.
    expect(historyRows(second.text)[2]?.[3]).toBe('Not recorded')
    await historyOf(person.id, { page: '3' }).expect(404)

    const rows = (await auditRowsFor(t.db, person.id)).slice(audited)
    expect(rows.map((r) => [r.category, r.event, r.actor_username])).toEqual([
      ['consultation', 'person.viewed', 'iom'],
      ['consultation', 'person.viewed', 'iom'],
    ])
    expect(rows[0]?.detail).toMatchObject({ page: 'contacts' })
  })

  it('filters by type of contact, and keeps the filter on the links to other pages', async () => {
    const person = await createPerson(t.db)
    await addContacts(
      person.id,
      Array.from({ length: 60 }, (_, k) => ({
        daysAgo: 300 - k,
        type: k % 12 === 0 ? 'office' : 'phone',
        note: `Contact ${k + 1}`,
      })),
    )

    const offices = await historyOf(person.id, { type: 'office' }).expect(200)
    expect(notesOf(offices.text)).toEqual(['49', '37', '25', '13', '1'].map((n) => `Contact ${n}`))
    expect(historyRows(offices.text).map((row) => row[1])).toEqual(Array(5).fill('Office'))
    expect(offices.text).toContain('5 contacts match the filters')
    expect(offices.text).toMatch(/<option value="office" selected>/)

    const phones = await historyOf(person.id, { type: 'phone' }).expect(200)
    expect(phones.text).toContain('55 contacts match the filters, page 1 of 2')
    expect(historyRows(phones.text).map((row) => row[1])).toEqual(Array(50).fill('Phone'))
    const next = /href="([^"]*)" rel="next"/.exec(phones.text)?.[1]
    expect(next).toBe(`/people/${person.id}/contacts?type=phone&amp;page=2`)
    const second = await historyOf(person.id, { type: 'phone', page: '2' }).expect(200)
    expect(notesOf(second.text)).toEqual(['6', '5', '4', '3', '2'].map((n) => `Contact ${n}`))
  })

  it('filters by a range of dates, either end inclusive, and by either end alone', async () => {
    const person = await createPerson(t.db)
    await addContacts(
      person.id,
      [40, 30, 20, 10, 0].map((daysAgo) => ({ daysAgo, type: 'phone', note: `${daysAgo} days ago` })),
    )

    const between = await historyOf(person.id, {
      ...dateFields('from', addDays(today, -30)),
      ...dateFields('to', addDays(today, -10)),
    }).expect(200)
    expect(notesOf(between.text)).toEqual(['10 days ago', '20 days ago', '30 days ago'])
    expect(inputValue(between.text, 'from-day')).toBe(String(Number(addDays(today, -30).slice(8))))

    const since = await historyOf(person.id, dateFields('from', addDays(today, -10))).expect(200)
    expect(notesOf(since.text)).toEqual(['0 days ago', '10 days ago'])
    const until = await historyOf(person.id, dateFields('to', addDays(today, -35))).expect(200)
    expect(notesOf(until.text)).toEqual(['40 days ago'])
    const none = await historyOf(person.id, dateFields('to', addDays(today, -50))).expect(200)
    expect(notesOf(none.text)).toEqual([])
    expect(none.text).toContain('No contacts match the filters.')
  })

  it('finds words in the notes whatever their case, taking % and _ as themselves, and only this person’s', async () => {
    const person = await createPerson(t.db)
    const other = await createPerson(t.db)
    const word = `Hostel${uniqueTag()}`
    await addContacts(person.id, [
      { daysAgo: 9, type: 'phone', note: `Talked about the ${word} place` },
      { daysAgo: 8, type: 'office', note: `${word.toUpperCase()} confirmed the room` },
      { daysAgo: 7, type: 'phone', note: 'Rent paid at 100% this month' },
      { daysAgo: 6, type: 'phone', note: 'Rent paid at 1000 this month' },
      { daysAgo: 5, type: 'phone', note: 'Nothing about housing' },
    ])
    await addContacts(other.id, [{ daysAgo: 1, type: 'phone', note: `Someone else’s ${word}` }])

    const found = await historyOf(person.id, { q: word.toLowerCase() }).expect(200)
    expect(notesOf(found.text)).toEqual([`${word.toUpperCase()} confirmed the room`, `Talked about the ${word} place`])
    expect(inputValue(found.text, 'q')).toBe(word.toLowerCase())

    const percent = await historyOf(person.id, { q: '100%' }).expect(200)
    expect(notesOf(percent.text)).toEqual(['Rent paid at 100% this month'])
    const underscore = await historyOf(person.id, { q: 'at 1_0' }).expect(200)
    expect(notesOf(underscore.text)).toEqual([])

    const together = await historyOf(person.id, { q: word, type: 'phone' }).expect(200)
    expect(notesOf(together.text)).toEqual([`Talked about the ${word} place`])
  })

  it('refuses a date that is not a real one, or a range the wrong way round: 400, the error summary, the values kept, no contacts read', async () => {
    const person = await createPerson(t.db)
    await addContacts(person.id, [{ daysAgo: 3, type: 'phone', note: 'Should not be listed' }])
    const before = await writeAuditCount(t.db)
    const audited = (await auditRowsFor(t.db, person.id)).length

    const bad = await historyOf(person.id, {
      'from-day': '31',
      'from-month': '2',
      'from-year': '2026',
      type: 'office',
      q: 'housing <b>',
    }).expect(400)
    expect(errorSummaryLinks(bad.text)).toEqual([{ href: '#from', text: 'From date must be a real date' }])
    expect(inputValue(bad.text, 'from-day')).toBe('31')
    expect(inputValue(bad.text, 'from-month')).toBe('2')
    expect(inputValue(bad.text, 'q')).toBe('housing <b>')
    expect(bad.text).not.toContain('housing <b>')
    expect(bad.text).toMatch(/<option value="office" selected>/)
    expect(bad.text).not.toContain('Should not be listed')

    const backwards = await historyOf(person.id, {
      ...dateFields('from', addDays(today, -1)),
      ...dateFields('to', addDays(today, -5)),
    }).expect(400)
    expect(errorSummaryLinks(backwards.text)).toEqual([
      { href: '#to', text: 'The to date must be on or after the from date' },
    ])

    const unknownType = await historyOf(person.id, { type: 'carrier_pigeon' }).expect(400)
    expect(errorSummaryLinks(unknownType.text)).toEqual([
      { href: '#type', text: 'Select a type of contact from the list' },
    ])
    // A refused filter writes nothing; each page still names the person, so each is logged as a consultation.
    expect(await writeAuditCount(t.db)).toBe(before)
    const logged = (await auditRowsFor(t.db, person.id)).slice(audited)
    expect(logged.map((r) => [r.category, r.event])).toEqual(Array(3).fill(['consultation', 'person.viewed']))
  })

  it('is not found for a person outside the user’s areas, and writes no audit row about them', async () => {
    const outside = await createOutsideArea(t.db)
    const outsider = await createPerson(t.db, { area_id: outside.boroughId })
    await addContacts(outsider.id, [{ daysAgo: 2, type: 'phone', note: 'Recorded elsewhere' }])

    const page = await historyOf(outsider.id).expect(404)
    expect(page.text).not.toContain('Recorded elsewhere')
    const refused = await historyOf(outsider.id, { 'from-day': '99' }).expect(404)
    expect(refused.text).not.toContain(outsider.surname)
    expect(await auditRowsFor(t.db, outsider.id)).toEqual([])
  })
})

describe('the outcome of a contact', () => {
  it('is required: a contact without one, or with one not on the list, is refused with a message and not stored', async () => {
    const person = await createPerson(t.db)
    const form = {
      ...dateFields('contactDate', today),
      contactType: 'phone',
      pathway: 'health',
      note: 'Called about the hostel',
    }
    const before = await rowCounts(t.db, ['contact'])
    const writes = await writeAuditCount(t.db)

    const missing = await postForm(iom, `/people/${person.id}/contacts`, form)
    expect(missing.status).toBe(400)
    expect(errorSummaryLinks(missing.text)).toEqual([{ href: '#outcome', text: 'Select the outcome of the contact' }])
    expect(inputValue(missing.text, 'contactDate-day')).toBe(String(Number(today.slice(8))))
    expect(missing.text).toContain('Called about the hostel')

    const unknown = await postForm(iom, `/people/${person.id}/contacts`, { ...form, outcome: 'arrested' })
    expect(unknown.status).toBe(400)
    expect(errorSummaryLinks(unknown.text)).toEqual([{ href: '#outcome', text: 'Select the outcome of the contact' }])

    expect(await rowCounts(t.db, ['contact'])).toEqual(before)
    expect(await writeAuditCount(t.db)).toBe(writes)
  })

  it('is stored as chosen, and the form keeps the choice when another field is refused', async () => {
    const person = await createPerson(t.db)
    const form = { contactType: 'home_visit', pathway: 'accommodation', note: 'No one in', outcome: 'not_seen' }

    const refused = await postForm(iom, `/people/${person.id}/contacts`, form)
    expect(refused.status).toBe(400)
    expect(refused.text).toMatch(/value="not_seen" checked/)

    await postForm(iom, `/people/${person.id}/contacts`, { ...form, ...dateFields('contactDate', today) }).expect(303)
    const stored = await t.db
      .selectFrom('contact')
      .select(['outcome', 'note'])
      .where('person_id', '=', person.id)
      .execute()
    expect(stored).toEqual([{ outcome: 'not_seen', note: 'No one in' }])
    const history = await historyOf(person.id).expect(200)
    expect(historyRows(history.text)[0]?.[3]).toBe('No answer or not seen')
  })
})
