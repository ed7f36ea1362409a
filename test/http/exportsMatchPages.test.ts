import { categoryLabels } from '../../server/features/auditViews/auditViewsPresenter.ts'
import { randomBytes, randomUUID } from 'node:crypto'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditCategory } from '../../db/types.ts'
import { recordAudit, type Actor } from '../../server/features/audit/auditRepository.ts'
import { formatDateTime, textOf as storedText } from '../../server/presenters/format.ts'
import { areaIdsByCode, createOutsideArea, createPerson, decodeEntities, uniqueTag } from '../helpers/factories.ts'
import { tableCaptioned, tablesOf, textOf } from '../helpers/html.ts'
import { onTheList } from '../features/cid/cidSupport.ts'
import { signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

// Every download is scoped exactly as the page it comes from: for a supervisor granted Havering
// alone, each export's rows are its page's rows, with data in other boroughs that a leak would add.
// The whole-BCU demo supervisor reads the same exports, to show that the other boroughs' data is there.

let t: TestApp
let areas: Record<string, string>
let havering: { agent: Agent; csrf: string }
let wholeBcu: { agent: Agent; csrf: string }

beforeAll(async () => {
  t = await createTestApp()
  areas = await areaIdsByCode(t.db)
  havering = await signInAs(t.app, await createUser('supervisor', ['HV']))
  wholeBcu = await signInAs(t.app, 'supervisor')
})
afterAll(async () => {
  await t.close()
})

/** A user of the given role granted the given areas, with the demo password. */
async function createUser(role: 'supervisor' | 'iom_officer', areaCodes: string[]): Promise<string> {
  const { password_hash } = await t.db
    .selectFrom('app_user')
    .select('password_hash')
    .where('username', '=', 'supervisor')
    .executeTakeFirstOrThrow()
  const username = `${role === 'supervisor' ? 'sup' : 'officer'}${randomBytes(4).toString('hex')}`
  const user = await t.db
    .insertInto('app_user')
    .values({ username, display_name: `Test ${uniqueTag()}`, role, agency: null, password_hash })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const code of areaCodes)
    await t.db.insertInto('user_area').values({ user_id: user.id, area_id: areas[code]! }).execute()
  return username
}

type Csv = Record<string, string>[]
const csvOf = (text: string): Csv => parse(text, { columns: true })
/** A field as the spreadsheet guard wrote it, back to what the page shows. */
const unguarded = (value: string) => value.replace(/^'(?=[=+\-@\t\r])/, '')
const sorted = (values: string[]) => [...values].sort()

/** An audit entry as its page row shows it: when, action, what, purpose or recipients. */
function auditIdentity(r: Record<string, string>): string {
  const purpose = [r.purpose, r.recipients ? `To: ${r.recipients}` : ''].filter(Boolean).join('. ')
  return [
    formatDateTime(new Date(r.occurred_at!)),
    categoryLabels[r.category as AuditCategory],
    r.event!.replace(/[._]/g, ' '),
    purpose,
  ].join(' | ')
}

const pnc = (cellText: string) => /\b\d{4}\/\d{7}[A-Z]\b/.exec(cellText)?.[0] ?? ''

describe('every export holds exactly its page’s rows, for a supervisor granted one borough', () => {
  it('user activity: the CSV and the page both leave out entries about people in other boroughs, and the counts by day agree', async () => {
    const officer = await t.db
      .selectFrom('app_user')
      .select('id')
      .where('username', '=', await createUser('iom_officer', ['EA']))
      .executeTakeFirstOrThrow()
    const actor: Actor = { userId: officer.id, username: 'officer', requestId: randomUUID(), ip: null }
    const tag = uniqueTag()
    const inHavering = await createPerson(t.db, { areaCode: 'HV' })
    const inBarking = await createPerson(t.db, { areaCode: 'BD' })
    const elsewhere = await createPerson(t.db, { areaCode: (await createOutsideArea(t.db)).boroughCode })
    const entry = (purpose: string, personId?: string) =>
      recordAudit(t.db, actor, {
        category: 'consultation',
        event: 'person.viewed',
        purpose: `${purpose} ${tag}`,
        ...(personId ? { entityType: 'person', entityId: personId, personId } : {}),
      })
    await entry('Havering', inHavering.id)
    await entry('Barking', inBarking.id)
    await entry('Elsewhere', elsewhere.id)
    await entry('Erased record', randomUUID())
    await entry('No person')

    const read = async (who: { agent: Agent }) => {
      const page = await who.agent.get(`/audit/users/${officer.id}`).expect(200)
      const rows = tableCaptioned(page.text, 'Audit entries, newest first').rows
      const byDay = tableCaptioned(page.text, 'By day').rows.reduce((sum, r) => sum + Number(r[2]), 0)
      const csv = csvOf((await who.agent.get(`/audit/users/${officer.id}/activity.csv`).expect(200)).text)
      return {
        page: rows.map((r) => [r[0], r[1], r[2], r[4]].join(' | ')),
        byDay,
        personCells: rows.map((r) => r[3]),
        csv,
      }
    }

    const hv = await read(havering)
    expect(sorted(hv.csv.map(auditIdentity))).toEqual(sorted(hv.page))
    expect(sorted(hv.csv.map((r) => r.purpose!))).toEqual(sorted([`Havering ${tag}`, `No person ${tag}`]))
    expect(hv.csv.map((r) => r.person_id).filter(Boolean)).toEqual([inHavering.id])
    expect(hv.personCells).not.toContain('Person outside your areas or disposed')
    expect(hv.byDay).toBe(hv.page.length)

    // The whole BCU sees Barking too: the other borough's entry is there to leak.
    const bcu = await read(wholeBcu)
    expect(sorted(bcu.csv.map(auditIdentity))).toEqual(sorted(bcu.page))
    expect(sorted(bcu.csv.map((r) => r.purpose!))).toEqual(
      sorted([`Havering ${tag}`, `Barking ${tag}`, `No person ${tag}`]),
    )
  })

  it('who has looked at a record: the CSV is the page’s entries (and the page’s own consultation), and another borough’s record is not found by either', async () => {
    const person = await createPerson(t.db, { areaCode: 'HV' })
    const barking = await createPerson(t.db, { areaCode: 'BD' })
    const actor: Actor = { userId: null, username: 'iom', requestId: randomUUID(), ip: null }
    for (const p of [person, barking]) {
      await recordAudit(t.db, actor, {
        category: 'consultation',
        event: 'person.viewed',
        personId: p.id,
        purpose: 'Checking a referral',
      })
      await recordAudit(t.db, actor, {
        category: 'disclosure',
        event: 'partner_link.viewed',
        personId: p.id,
        recipients: 'MASH',
      })
    }

    const page = await havering.agent.get(`/people/${person.id}/audit`).expect(200)
    const shown = tableCaptioned(page.text, 'Audit entries, newest first').rows.map((r) =>
      [r[0], r[1], r[2], r[4]].join(' | '),
    )
    const csv = csvOf((await havering.agent.get(`/people/${person.id}/audit.csv`).expect(200)).text)
    // The CSV is read after the page, so it holds the page's own consultation row as well.
    const pageRequest = String(page.headers['x-request-id'])
    expect(csv.filter((r) => r.request_id === pageRequest).map((r) => r.event)).toEqual(['audit.person_viewed'])
    expect(sorted(csv.filter((r) => r.request_id !== pageRequest).map(auditIdentity))).toEqual(sorted(shown))
    expect(new Set(csv.map((r) => r.person_id))).toEqual(new Set([person.id]))

    await havering.agent.get(`/people/${barking.id}/audit`).expect(404)
    await havering.agent.get(`/people/${barking.id}/audit.csv`).expect(404)
    await wholeBcu.agent.get(`/people/${barking.id}/audit.csv`).expect(200)
  })

  it('the cohort list: the CSV is every page’s members, all in Havering', async () => {
    const read = async (who: { agent: Agent }) => {
      const shown: string[] = []
      for (let page = 1; ; page += 1) {
        const response = await who.agent.get(`/cohorts?page=${page}`).expect(200)
        const table = tablesOf(response.text)[0]
        shown.push(...(table?.rows ?? []).map((r) => pnc(r[0] ?? '')))
        if (!response.text.includes('rel="next"')) break
      }
      const csv = csvOf((await who.agent.get('/cohorts/export.csv').expect(200)).text)
      return { shown, csv }
    }
    const hv = await read(havering)
    expect(hv.shown.length).toBeGreaterThan(0)
    expect(sorted(hv.csv.map((r) => r.pnc_id!))).toEqual(sorted(hv.shown))
    expect(new Set(hv.csv.map((r) => r.area))).toEqual(new Set(['Havering']))

    const bcu = await read(wholeBcu)
    expect(sorted(bcu.csv.map((r) => r.pnc_id!))).toEqual(sorted(bcu.shown))
    expect(bcu.csv.some((r) => r.area !== 'Havering')).toBe(true)
  })

  it('the CID list: the CSV is every page’s entries, all in Havering', async () => {
    await onTheList(t.db, { person: { areaCode: 'HV' } })
    await onTheList(t.db, { person: { areaCode: 'BD' } })
    const read = async (who: { agent: Agent }) => {
      const shown: string[] = []
      let total = 0
      for (let page = 1; ; page += 1) {
        const response = await who.agent.get(`/cid?page=${page}`)
        if (response.status === 404 && page > 1) break
        expect(response.status).toBe(200)
        const table = tablesOf(response.text)[0]
        if (!table) break
        total = Number(/^(\d+)/.exec(table.caption)?.[1])
        shown.push(...table.rows.map((r) => pnc(r[0] ?? '')))
        if (shown.length >= total) break
      }
      const csv = csvOf((await who.agent.get('/cid/export.csv').expect(200)).text)
      return { shown, total, csv }
    }
    const hv = await read(havering)
    expect(hv.shown.length).toBe(hv.total)
    expect(hv.shown.length).toBeGreaterThan(0)
    expect(sorted(hv.csv.map((r) => r.pnc_id!))).toEqual(sorted(hv.shown))
    expect(new Set(hv.csv.map((r) => r.borough))).toEqual(new Set(['Havering']))

    const bcu = await read(wholeBcu)
    expect(sorted(bcu.csv.map((r) => r.pnc_id!))).toEqual(sorted(bcu.shown))
    expect(bcu.csv.some((r) => r.borough !== 'Havering')).toBe(true)
  })

  it('performance: each table’s CSV is the table on the page, and Havering’s figures are not the whole BCU’s', async () => {
    const read = async (who: { agent: Agent }) => {
      const page = await who.agent.get('/performance').expect(200)
      const ids = [...page.text.matchAll(/href="\/performance\/([a-z-]+)\.csv/g)].map((m) => m[1]!)
      expect(ids.length).toBeGreaterThan(0)
      const tables = new Map<string, { page: string[][]; csv: string[][] }>()
      for (const id of ids) {
        // Each table is followed by its own download link: the table just before the link is this one's.
        const before = page.text.slice(0, page.text.indexOf(`href="/performance/${id}.csv`))
        const shown = tablesOf(before.slice(before.lastIndexOf('<table')))[0]!
        const records: string[][] = parse((await who.agent.get(`/performance/${id}.csv`).expect(200)).text)
        const csv = records.slice(1).map((r) => r.map(unguarded))
        const pageRows = shown.rows.length === 1 && shown.rows[0]![0] === 'None in this period.' ? [] : shown.rows
        tables.set(id, { page: pageRows, csv })
      }
      return tables
    }
    const hv = await read(havering)
    for (const [id, { page, csv }] of hv) expect(csv, id).toEqual(page)
    const bcu = await read(wholeBcu)
    for (const [id, { page, csv }] of bcu) expect(csv, id).toEqual(page)
    expect([...hv].some(([id, table]) => JSON.stringify(table.csv) !== JSON.stringify(bcu.get(id)?.csv))).toBe(true)
  })

  it('the subject access pack: the JSON holds the page’s sections and rows, and another borough’s person is not found by either', async () => {
    const person = await t.db
      .selectFrom('person')
      .select('id')
      .where('area_id', '=', areas.HV!)
      .orderBy('id')
      .executeTakeFirstOrThrow()
    const barking = await createPerson(t.db, { areaCode: 'BD' })

    const page = await havering.agent.get(`/people/${person.id}/subject-access`).expect(200)
    const shown = new Map(
      page.text
        .split('<h2 class="govuk-heading-m">')
        .slice(1)
        .map((part) => {
          const name = textOf(part.slice(0, part.indexOf('</h2>'))).replace(/ \(\d+\)$/, '')
          const rows = part
            .split('<dl ')
            .slice(1)
            .map((dl) =>
              [...dl.matchAll(/<dt[^>]*>([\s\S]*?)<\/dt><dd[^>]*>([\s\S]*?)<\/dd>/g)]
                .map((m) => `${decodeEntities(m[1]!)}=${decodeEntities(m[2]!)}`)
                .join('; '),
            )
          return [name, rows] as const
        }),
    )
    const json = JSON.parse(
      (await havering.agent.get(`/people/${person.id}/subject-access.json`).expect(200)).text,
    ) as Record<string, unknown>
    const asShown = (row: Record<string, unknown>) =>
      Object.entries(row)
        .map(([k, v]) => `${k.replace(/_/g, ' ')}=${storedText(v)}`)
        .join('; ')
    const exported = new Map(
      Object.entries(json)
        .filter(([k]) => k !== 'marking' && k !== 'generatedAt')
        .map(([k, v]) => [
          k.replace(/_/g, ' '),
          (k === 'person' ? [v] : (v as Record<string, unknown>[])).map((r) => asShown(r as Record<string, unknown>)),
        ]),
    )
    expect([...exported.keys()]).toEqual([...shown.keys()])
    for (const [name, rows] of shown) {
      // The access log read after the page holds the page's own disclosure row as well.
      if (name === 'access log') expect(exported.get(name)!.slice(0, rows.length), name).toEqual(rows)
      else expect(exported.get(name), name).toEqual(rows)
    }
    expect(exported.get('access log')!.length).toBe(shown.get('access log')!.length + 1)

    await havering.agent.get(`/people/${barking.id}/subject-access`).expect(404)
    await havering.agent.get(`/people/${barking.id}/subject-access.json`).expect(404)
    await wholeBcu.agent.get(`/people/${barking.id}/subject-access.json`).expect(200)
  })
})
