import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMembership, createPerson, demoUserIds, sealed } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let supervisor: { agent: Agent; csrf: string }
let dip: { agent: Agent; csrf: string }
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  supervisor = await signInAs(t.app, 'supervisor')
  dip = await signInAs(t.app, 'dip')
})
afterAll(async () => {
  await t.close()
})

const header = [
  'pnc_id',
  'surname',
  'forenames',
  'date_of_birth',
  'programme',
  'tier',
  'status',
  'area',
  'ward',
  'lead_officer',
  'adopted_on',
]

/** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i += 1
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i += 1
    } else field += c
  }
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows
}

async function openMembershipsInEastArea(): Promise<number> {
  const result = await sql<{ n: string | number }>`
    select count(*) as n
      from cohort_membership m
      join person p on p.id = m.person_id
      join area a on a.id = p.area_id
     where m.status <> 'ended' and (a.code = 'EA' or a.parent_id = (select id from area where code = 'EA'))`.execute(
    t.db,
  )
  return Number(result.rows[0]?.n)
}

async function disclosures(): Promise<
  { event: string; recipients: string | null; actor_username: string | null; detail: unknown }[]
> {
  return (await sealed(t.db))
    .selectFrom('audit_event')
    .select(['event', 'recipients', 'actor_username', 'detail'])
    .where('category', '=', 'disclosure')
    .orderBy('id')
    .execute()
}

describe('exporting the cohort as CSV', () => {
  it('gives a header row and one row per open membership in scope, marked OFFICIAL-SENSITIVE in its file name', async () => {
    const member = await createPerson(t.db, { forenames: 'Nathan' })
    const ended = await createPerson(t.db)
    await createMembership(t.db, {
      personId: member.id,
      leadOfficerId: users.iom,
      tier: 'green',
      programme: 'iom_free',
    })
    await createMembership(t.db, { personId: ended.id, leadOfficerId: users.iom, status: 'ended' })

    const response = await supervisor.agent.get('/cohorts/export.csv').expect(200)

    expect(response.headers['content-type']).toMatch(/^text\/csv/)
    expect(response.headers['content-disposition']).toMatch(
      /attachment; filename="cohort-\d{4}-\d{2}-\d{2}-OFFICIAL-SENSITIVE\.csv"/,
    )
    const rows = parseCsv(response.text)
    expect(rows[0]).toEqual(header)
    const data = rows.slice(1)
    expect(data).toHaveLength(await openMembershipsInEastArea())
    expect(data.every((r) => r.length === header.length)).toBe(true)
    const mine = data.filter((r) => r[0] === member.pnc_id)
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({
      1: member.surname,
      2: 'Nathan',
      3: member.date_of_birth,
      4: 'iom_free',
      5: 'green',
      6: 'active',
      7: 'Havering',
    })
    expect(data.some((r) => r[0] === ended.pnc_id)).toBe(false)
  })

  it('neutralises values a spreadsheet would run as formulas, keeping the text', async () => {
    const hostile = await createPerson(t.db, {
      surname: '=HYPERLINK("http://example.invalid/x","Click")',
      forenames: '@SUM(1+1)',
      address: null,
    })
    const plusMinus = await createPerson(t.db, { surname: '+44 7700 900123', forenames: '-2+3' })
    await createMembership(t.db, { personId: hostile.id, leadOfficerId: users.iom })
    await createMembership(t.db, { personId: plusMinus.id, leadOfficerId: users.iom })

    const response = await supervisor.agent.get('/cohorts/export.csv').expect(200)

    const rows = parseCsv(response.text)
    const row = rows.find((r) => r[0] === hostile.pnc_id)
    expect(row?.[1]).toBe(`'=HYPERLINK("http://example.invalid/x","Click")`)
    expect(row?.[2]).toBe(`'@SUM(1+1)`)
    const other = rows.find((r) => r[0] === plusMinus.pnc_id)
    expect(other?.[1]).toBe(`'+44 7700 900123`)
    expect(other?.[2]).toBe(`'-2+3`)
    // No field anywhere in the file starts with a formula character.
    expect(rows.flat().filter((field) => /^[=+\-@\t\r]/.test(field))).toEqual([])
  })

  it('each export writes exactly one disclosure audit row naming who received it and how many rows', async () => {
    const before = await disclosures()

    const first = await supervisor.agent.get('/cohorts/export.csv').expect(200)
    const afterFirst = await disclosures()
    expect(afterFirst).toHaveLength(before.length + 1)
    const row = afterFirst[afterFirst.length - 1]
    expect(row).toMatchObject({ event: 'cohort.exported', actor_username: 'supervisor' })
    expect(row?.recipients).toContain('supervisor')
    expect(row?.detail).toMatchObject({ rowCount: parseCsv(first.text).length - 1 })

    await supervisor.agent.get('/cohorts/export.csv').query({ tier: 'red' }).expect(200)
    expect(await disclosures()).toHaveLength(before.length + 2)
  })

  it('filters narrow the export, and an unknown filter is refused without a disclosure', async () => {
    const red = await createPerson(t.db)
    await createMembership(t.db, {
      personId: red.id,
      leadOfficerId: users.supervisor,
      tier: 'red',
      programme: 'iom_flex',
    })

    const filtered = parseCsv(
      (await supervisor.agent.get('/cohorts/export.csv').query({ tier: 'red', programme: 'iom_flex' }).expect(200))
        .text,
    )
    expect(filtered.slice(1).every((r) => r[4] === 'iom_flex' && r[5] === 'red')).toBe(true)
    expect(filtered.some((r) => r[0] === red.pnc_id)).toBe(true)

    const before = await disclosures()
    await supervisor.agent.get('/cohorts/export.csv').query({ tier: 'purple' }).expect(400)
    expect(await disclosures()).toHaveLength(before.length)
  })

  it('a DIP worker may not export the cohort (403) and nothing is disclosed', async () => {
    const before = await disclosures()
    await dip.agent.get('/cohorts/export.csv').expect(403)
    expect(await disclosures()).toHaveLength(before.length)
  })
})
