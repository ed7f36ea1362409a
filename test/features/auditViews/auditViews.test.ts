import { categoryLabels } from '../../../server/features/auditViews/auditViewsPresenter.ts'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditCategory } from '../../../db/types.ts'
import { recordAudit, type Actor } from '../../../server/features/audit/auditRepository.ts'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { formatDateTime } from '../../../server/presenters/format.ts'
import {
  createOutsideArea,
  createPerson,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  postForm,
  sealed,
} from '../../helpers/factories.ts'
import { headingOf, olderEntriesHref, tableCaptioned, tablesOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

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

const entriesCaption = 'Audit entries, newest first'

async function auditRowsOfPerson(personId: string) {
  return (await sealed(t.db))
    .selectFrom('audit_event')
    .select(['id', 'occurred_at', 'category', 'event', 'actor_username', 'purpose', 'recipients', 'person_id'])
    .where('person_id', '=', personId)
    .orderBy('id', 'desc')
    .execute()
}

async function auditRowsOfActor(userId: string) {
  return (await sealed(t.db))
    .selectFrom('audit_event')
    .select(['id', 'category', 'occurred_at', 'person_id'])
    .where('actor_user_id', '=', userId)
    .orderBy('id', 'desc')
    .execute()
}

/** The page row a log row should show as: when, action, what, who, purpose or recipients. */
function expectedPersonRow(r: Awaited<ReturnType<typeof auditRowsOfPerson>>[number]): string[] {
  return [
    formatDateTime(r.occurred_at),
    categoryLabels[r.category],
    r.event.replace(/[._]/g, ' '),
    r.actor_username ?? 'system',
    [r.purpose, r.recipients ? `To: ${r.recipients}` : ''].filter(Boolean).join('. '),
  ]
}

function actorOf(username: 'iom' | 'supervisor' | 'dip'): Actor {
  return { userId: users[username], username, requestId: null, ip: null }
}

async function insertAuditRows(personId: string, n: number, category: AuditCategory = 'consultation') {
  for (let i = 0; i < n; i += 1) {
    await recordAudit(t.db, actorOf('iom'), {
      category,
      event: 'person.viewed',
      entityType: 'person',
      entityId: personId,
      personId,
      purpose: `Bulk entry ${i}`,
    })
  }
}

function filterQuery(filters: { from?: string; to?: string; category?: string }): string {
  const params = new URLSearchParams()
  if (filters.from) for (const [k, v] of Object.entries(dateFields('from', filters.from))) params.set(k, v)
  if (filters.to) for (const [k, v] of Object.entries(dateFields('to', filters.to))) params.set(k, v)
  if (filters.category !== undefined) params.set('category', filters.category)
  return params.toString()
}

async function auditCount(): Promise<number> {
  const row = await (
    await sealed(t.db)
  )
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

describe('who has looked at this record', () => {
  it('lists the consultations, alterations and disclosures of the person, newest first, with who, when, purpose and recipients', async () => {
    const person = await createPerson(t.db)
    // An alteration: the supervisor restricts the record.
    await postForm(supervisor, `/people/${person.id}/restriction`, {
      restricted: 'yes',
      version: String(person.version),
      reason: 'Protected witness in an open investigation',
    }).expect(303)
    // A consultation with a stated purpose: the IOM officer opens the restricted record.
    await postForm(iom, `/restricted-records/access`, {
      via: 'person',
      recordId: person.id,
      purpose: 'investigation',
      purposeDetail: 'Burglary on Elm Park Avenue last night',
    }).expect(303)
    await iom.agent.get(`/people/${person.id}`).expect(200)
    // A disclosure with recipients: the subject access pack (the record is restricted now, so the supervisor says why first).
    await postForm(supervisor, `/restricted-records/access`, {
      via: 'person',
      recordId: person.id,
      purpose: 'disclosure_request',
      purposeDetail: 'Subject access request of 1 December',
    }).expect(303)
    await supervisor.agent.get(`/people/${person.id}/subject-access`).expect(200)

    const logged = await auditRowsOfPerson(person.id)
    expect(logged.map((r) => r.category)).toEqual(expect.arrayContaining(['alteration', 'consultation', 'disclosure']))
    const consultation = logged.find((r) => r.category === 'consultation' && r.actor_username === 'iom')
    expect(consultation?.purpose).toContain('Burglary on Elm Park Avenue last night')
    expect(logged.find((r) => r.category === 'disclosure')?.recipients).toBe('Subject access request')

    const page = await supervisor.agent.get(`/people/${person.id}/audit`).expect(200)
    expect(headingOf(page.text)).toBe('Who has looked at this record')
    const table = tableCaptioned(page.text, entriesCaption)
    expect(table.header).toEqual(['When', 'Action', 'What', 'Who', 'Purpose or recipients'])
    expect(table.rows).toEqual(logged.map(expectedPersonRow))
    const rowFor = (category: string) => table.rows.find((r) => r[1] === category)
    expect(rowFor('Consultation')).toEqual([
      expect.any(String),
      'Consultation',
      'person viewed',
      'iom',
      expect.stringContaining('Burglary on Elm Park Avenue last night'),
    ])
    expect(rowFor('Disclosure')).toEqual([
      expect.any(String),
      'Disclosure',
      'subject access exported',
      'supervisor',
      'Answering a disclosure request: Subject access request of 1 December. To: Subject access request',
    ])
    expect(rowFor('Alteration')?.[3]).toBe('supervisor')
  })

  it('opening the page writes exactly one consultation row about the person, by the supervisor', async () => {
    const person = await createPerson(t.db)
    const before = await auditRowsOfPerson(person.id)
    await supervisor.agent.get(`/people/${person.id}/audit`).expect(200)
    const after = await auditRowsOfPerson(person.id)
    expect(after.length).toBe(before.length + 1)
    expect(after[0]).toMatchObject({
      category: 'consultation',
      event: 'audit.person_viewed',
      actor_username: 'supervisor',
      person_id: person.id,
    })
  })

  it('filters by action and by date range', async () => {
    const person = await createPerson(t.db)
    await insertAuditRows(person.id, 3, 'consultation')
    await recordAudit(t.db, actorOf('iom'), {
      category: 'disclosure',
      event: 'partner_link.viewed',
      personId: person.id,
      recipients: 'MASH',
    })
    await recordAudit(t.db, actorOf('iom'), { category: 'alteration', event: 'person.updated', personId: person.id })
    const today = todayInLondon()

    const disclosures = await supervisor.agent
      .get(`/people/${person.id}/audit?${filterQuery({ category: 'disclosure' })}`)
      .expect(200)
    expect(tableCaptioned(disclosures.text, entriesCaption).rows.map((r) => [r[1], r[2], r[4]])).toEqual([
      ['Disclosure', 'partner link viewed', 'To: MASH'],
    ])

    const alterations = await supervisor.agent
      .get(`/people/${person.id}/audit?${filterQuery({ category: 'alteration', from: today, to: today })}`)
      .expect(200)
    expect(tableCaptioned(alterations.text, entriesCaption).rows.map((r) => r[2])).toEqual(['person updated'])

    // Everything so far happened today: a range that ends yesterday or starts tomorrow shows nothing.
    for (const range of [
      { to: addDays(today, -1) },
      { from: addDays(today, 1) },
      { from: addDays(today, -30), to: addDays(today, -1) },
    ]) {
      const page = await supervisor.agent.get(`/people/${person.id}/audit?${filterQuery(range)}`).expect(200)
      expect(tablesOf(page.text), JSON.stringify(range)).toEqual([])
      expect(page.text).toContain('Nothing recorded for these filters.')
    }
    const todayOnly = await supervisor.agent
      .get(`/people/${person.id}/audit?${filterQuery({ from: today, to: today, category: 'consultation' })}`)
      .expect(200)
    const consultations = (await auditRowsOfPerson(person.id)).filter((r) => r.category === 'consultation')
    // The page lists the log as it was before its own consultation row was written.
    expect(tableCaptioned(todayOnly.text, entriesCaption).rows).toEqual(consultations.slice(1).map(expectedPersonRow))
  })

  it('a bad filter (to before from, an unknown action, a date that does not exist, a page past any id) is a 400 with an error summary, and reads nothing', async () => {
    const person = await createPerson(t.db)
    const today = todayInLondon()
    const cases: [string, { href: string; text: string }[]][] = [
      [
        filterQuery({ from: today, to: addDays(today, -1) }),
        [{ href: '#to', text: 'The to date must be on or after the from date' }],
      ],
      [filterQuery({ category: 'gossip' }), [{ href: '#category', text: 'Select an action from the list' }]],
      ['from-day=31&from-month=2&from-year=2024', [{ href: '#from', text: 'From date must be a real date' }]],
      // Past the largest bigint: refused before it reaches the database.
      ['before=9999999999999999999', [{ href: '#before', text: 'Not a valid page' }]],
    ]
    for (const [query, summary] of cases) {
      const before = await auditCount()
      const page = await supervisor.agent.get(`/people/${person.id}/audit?${query}`)
      expect(page.status, query).toBe(400)
      expect(errorSummaryLinks(page.text), query).toEqual(summary)
      expect(tablesOf(page.text)).toEqual([])
      expect(await auditCount(), 'a refused filter logs no consultation').toBe(before)
      await supervisor.agent.get(`/people/${person.id}/audit.csv?${query}`).expect(400)
    }
  })

  it('pages through more than 100 entries with "Older entries", keyset on the chain id, keeping the filters', async () => {
    const person = await createPerson(t.db)
    await insertAuditRows(person.id, 130, 'consultation')
    await recordAudit(t.db, actorOf('iom'), { category: 'alteration', event: 'person.updated', personId: person.id })
    const expected = (await auditRowsOfPerson(person.id)).filter((r) => r.category === 'consultation')
    expect(expected.length).toBe(130)

    const first = await supervisor.agent.get(`/people/${person.id}/audit?category=consultation`).expect(200)
    const firstRows = tableCaptioned(first.text, entriesCaption).rows
    expect(firstRows).toEqual(expected.slice(0, 100).map(expectedPersonRow))
    const older = olderEntriesHref(first.text)
    expect(older).toBe(`?category=consultation&before=${expected[99]?.id}`)

    const second = await supervisor.agent.get(`/people/${person.id}/audit${older}`).expect(200)
    const secondRows = tableCaptioned(second.text, entriesCaption).rows
    // The second page starts after the first, whatever was logged since (the first page's own consultation row included).
    expect(secondRows).toEqual(expected.slice(100).map(expectedPersonRow))
    expect(olderEntriesHref(second.text)).toBeUndefined()
    expect(secondRows.some((r) => r[1] !== 'Consultation')).toBe(false)
  })

  it('the CSV has one row per entry, and downloading it writes a disclosure row', async () => {
    const person = await createPerson(t.db)
    await insertAuditRows(person.id, 4, 'consultation')
    await recordAudit(t.db, actorOf('iom'), {
      category: 'disclosure',
      event: 'partner_link.viewed',
      personId: person.id,
      recipients: 'MARAC, "Havering"',
    })
    const logged = await auditRowsOfPerson(person.id)

    const response = await supervisor.agent.get(`/people/${person.id}/audit.csv`).expect(200)
    expect(response.headers['content-type']).toMatch(/^text\/csv/)
    expect(response.headers['content-disposition']).toContain('OFFICIAL-SENSITIVE')
    const records: Record<string, string>[] = parse(response.text, { columns: true })
    expect(records.map((r) => r.id)).toEqual(logged.map((r) => String(r.id)))
    expect(records.map((r) => r.category)).toEqual(logged.map((r) => r.category))
    expect(records.find((r) => r.category === 'disclosure')?.recipients).toBe('MARAC, "Havering"')
    expect(records.every((r) => r.person_id === person.id)).toBe(true)

    const after = await auditRowsOfPerson(person.id)
    expect(after.length).toBe(logged.length + 1)
    expect(after[0]).toMatchObject({
      category: 'disclosure',
      event: 'audit.person_exported',
      actor_username: 'supervisor',
      recipients: 'supervisor (CSV download)',
    })
  })

  it('a person outside the supervisor’s areas is not found, page and CSV alike, and nothing is logged', async () => {
    const elsewhere = await createOutsideArea(t.db)
    const outsider = await createPerson(t.db, { areaCode: elsewhere.boroughCode })
    const before = await auditCount()
    await supervisor.agent.get(`/people/${outsider.id}/audit`).expect(404)
    await supervisor.agent.get(`/people/${outsider.id}/audit.csv`).expect(404)
    await supervisor.agent.get('/people/not-a-uuid/audit').expect(404)
    expect(await auditCount()).toBe(before)
  })

  it('is forbidden to everyone but supervisors', async () => {
    const person = await createPerson(t.db)
    const paths = [
      `/people/${person.id}/audit`,
      `/people/${person.id}/audit.csv`,
      '/audit/users',
      `/audit/users/${users.iom}`,
      `/audit/users/${users.iom}/activity.csv`,
    ]
    for (const username of ['admin', 'iom', 'dip', 'cid', 'partner']) {
      const session = await signInAs(t.app, username)
      for (const path of paths) {
        const response = await session.agent.get(path)
        expect(response.status, `${username} GET ${path}`).toBe(403)
      }
    }
  })
})

describe('user activity', () => {
  it('shows one user’s entries, counted by day and action, and their CSV', async () => {
    const dip = await signInAs(t.app, 'dip')
    const people = [await createPerson(t.db), await createPerson(t.db)]
    for (const p of people) await dip.agent.get(`/people/${p.id}`).expect(200)
    await recordAudit(t.db, actorOf('dip'), {
      category: 'disclosure',
      event: 'partner_link.viewed',
      personId: people[0]!.id,
      recipients: 'MASH',
    })

    const list = await supervisor.agent.get('/audit/users').expect(200)
    expect(list.text).toContain(`href="/audit/users/${users.dip}"`)

    const logged = await auditRowsOfActor(users.dip)
    const page = await supervisor.agent.get(`/audit/users/${users.dip}`).expect(200)
    expect(headingOf(page.text)).toBe('User activity')
    expect(page.text).toContain('(dip)')

    // By day: the same counts as the log itself, grouped by UK day and action.
    const counts = new Map<string, number>()
    for (const r of logged) {
      const key = `${todayInLondon(r.occurred_at)}|${categoryLabels[r.category]}`
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    const byDay = tableCaptioned(page.text, 'By day')
    expect(byDay.header).toEqual(['Day', 'Action', 'Count'])
    expect(new Map(byDay.rows.map((r) => [`${r[0]}|${r[1]}`, Number(r[2])]))).toEqual(counts)
    expect(byDay.rows.find((r) => r[0] === todayInLondon() && r[1] === 'Consultation')?.[2]).toBe(
      String(counts.get(`${todayInLondon()}|Consultation`)),
    )

    // Entries: the newest hundred, each naming the person it was about (in the reader's areas).
    const entries = tableCaptioned(page.text, entriesCaption)
    expect(entries.header).toEqual(['When', 'Action', 'What', 'Person', 'Purpose or recipients'])
    expect(entries.rows.length).toBe(Math.min(100, logged.length))
    expect(entries.rows.slice(0, 3).map((r) => [r[1], r[4]])).toEqual([
      ['Disclosure', 'To: MASH'],
      ['Consultation', ''],
      ['Consultation', ''],
    ])
    expect(entries.rows[0]?.[3]).toBe(`${people[0]!.surname.toUpperCase()}, ${people[0]!.forenames}`)

    const csv = await supervisor.agent.get(`/audit/users/${users.dip}/activity.csv`).expect(200)
    const records: Record<string, string>[] = parse(csv.text, { columns: true })
    expect(records.map((r) => r.id)).toEqual(logged.map((r) => String(r.id)))
    expect(records.every((r) => r.actor === 'dip')).toBe(true)
    const exported = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .selectAll()
      .where('actor_user_id', '=', users.supervisor)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(exported).toMatchObject({ category: 'disclosure', event: 'audit.user_exported', entity_id: users.dip })
  })

  it('an unknown user is not found, and a bad filter is a 400 with an error summary', async () => {
    await supervisor.agent.get('/audit/users/00000000-0000-4000-8000-000000000000').expect(404)
    await supervisor.agent.get('/audit/users/nobody').expect(404)
    await supervisor.agent.get('/audit/users/nobody/activity.csv').expect(404)
    const bad = await supervisor.agent.get(`/audit/users/${users.iom}?${filterQuery({ category: 'everything' })}`)
    expect(bad.status).toBe(400)
    expect(errorSummaryLinks(bad.text)).toEqual([{ href: '#category', text: 'Select an action from the list' }])
    await supervisor.agent
      .get(`/audit/users/${users.iom}/activity.csv?${filterQuery({ category: 'everything' })}`)
      .expect(400)
  })
})
