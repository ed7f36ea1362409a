import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOutsideArea, createPerson, decodeEntities, sealed } from '../../helpers/factories.ts'
import { headingOf, textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { seedPersonInEveryTable, type SeededPerson } from './personDataSupport.ts'

let t: TestApp
let supervisor: { agent: Agent; csrf: string }
let seeded: SeededPerson

beforeAll(async () => {
  t = await createTestApp()
  supervisor = await signInAs(t.app, 'supervisor')
  const iom = await signInAs(t.app, 'iom')
  seeded = await seedPersonInEveryTable(t.db, iom)
  // A duplicate combined into them: the combination is theirs too (the mover's own tests do it through the pages).
  const duplicate = await createPerson(t.db)
  const reason = `${seeded.prefix}-person_combination-reason`
  await t.db
    .insertInto('person_combination')
    .values({ survivor_id: seeded.personId, merged_id: duplicate.id, reason })
    .execute()
  await t.db.updateTable('person').set({ combined_into: seeded.personId }).where('id', '=', duplicate.id).execute()
  seeded.canaries.push({ table: 'person_combination', column: 'reason', value: reason })
})
afterAll(async () => {
  await t.close()
})

/** Every category of the pack: the person, each table that holds their rows, and the access log. */
const categories = [
  'person',
  'person_alias',
  'person_marker',
  'referral',
  'cohort_membership',
  'contact',
  'action',
  'drug_test',
  'required_assessment',
  'appointment',
  'dip_failure',
  'partner_link',
  'cid_entry',
  'membership_event',
  'drug_test_confirmation',
  'appointment_change',
  'attendance',
  'dip_failure_event',
  'partner_link_change',
  'cid_entry_event',
  'person_photo',
  'retention_decision',
  'person_combination',
  'access_log',
]

/** The pack's HTML cut at its headings: section name → [count in the heading, the section's HTML]. */
function htmlSections(html: string): Map<string, { count: number; html: string }> {
  const parts = html.split(/<h2 class="govuk-heading-m">/).slice(1)
  return new Map(
    parts.map((part) => {
      const [heading = '', body = ''] = part.split('</h2>')
      const match = /^(.*) \((\d+)\)$/.exec(textOf(heading))
      return [match?.[1] ?? textOf(heading), { count: Number(match?.[2] ?? -1), html: body }]
    }),
  )
}

/** The pack's rows in one HTML section as key → value pairs, as a reader sees them. */
function htmlRows(sectionHtml: string): Record<string, string>[] {
  return [...sectionHtml.matchAll(/<dl[^>]*>([\s\S]*?)<\/dl>/g)].map((dl) =>
    Object.fromEntries(
      [...(dl[1] ?? '').matchAll(/<dt[^>]*>([\s\S]*?)<\/dt><dd[^>]*>([\s\S]*?)<\/dd>/g)].map((m) => [
        textOf(m[1] ?? ''),
        decodeEntities(m[2] ?? ''),
      ]),
    ),
  )
}

async function auditOfPack(personId: string) {
  return (await sealed(t.db))
    .selectFrom('audit_event')
    .select(['category', 'event', 'recipients', 'actor_username', 'detail'])
    .where('person_id', '=', personId)
    .where('event', '=', 'subject_access.exported')
    .orderBy('id')
    .execute()
}

describe('the subject access pack', () => {
  it('in HTML, holds every category of the person’s data, each canary in its own table’s section under its own column', async () => {
    const response = await supervisor.agent.get(`/people/${seeded.personId}/subject-access`).expect(200)
    expect(headingOf(response.text)).toMatch(/^Subject access pack: /)
    expect(response.text).toContain('OFFICIAL-SENSITIVE')
    const sections = htmlSections(response.text)
    expect([...sections.keys()]).toEqual(categories.map((c) => c.replace(/_/g, ' ')))
    for (const category of categories) {
      const section = sections.get(category.replace(/_/g, ' '))!
      expect(section.count, `${category} has rows`).toBeGreaterThan(0)
      expect(htmlRows(section.html)).toHaveLength(section.count)
    }
    for (const { table, column, value } of seeded.canaries) {
      const rows = htmlRows(sections.get(table.replace(/_/g, ' '))?.html ?? '')
      const values = rows.map((r) => r[column.replace(/_/g, ' ')] ?? '')
      expect(
        values.some((v) => v.includes(value)),
        `${table}.${column} in the HTML pack`,
      ).toBe(true)
    }
  })

  it('in JSON, holds every category, each canary in its own table’s rows under its own column', async () => {
    const response = await supervisor.agent.get(`/people/${seeded.personId}/subject-access.json`).expect(200)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect(response.headers['content-disposition']).toContain('OFFICIAL-SENSITIVE')
    const pack = JSON.parse(response.text) as Record<string, unknown>
    expect(pack.marking).toBe('OFFICIAL-SENSITIVE')
    for (const category of categories) {
      const section = category === 'person' ? [pack.person] : pack[category]
      expect(Array.isArray(section) && section.length > 0, `${category} has rows`).toBe(true)
    }
    for (const { table, column, value } of seeded.canaries) {
      const rows = (table === 'person' ? [pack.person] : pack[table]) as Record<string, unknown>[]
      const values = rows.map((r) => (typeof r[column] === 'string' ? r[column] : JSON.stringify(r[column])))
      expect(
        values.some((v) => v.includes(value)),
        `${table}.${column} in the JSON pack`,
      ).toBe(true)
    }
    // Nothing about anyone else: every row names this person, directly or through its parent row.
    for (const table of [
      'person_alias',
      'person_marker',
      'referral',
      'contact',
      'action',
      'drug_test',
      'appointment',
      'partner_link',
      'cid_entry',
      'retention_decision',
    ]) {
      expect(
        (pack[table] as { person_id: string }[]).every((r) => r.person_id === seeded.personId),
        table,
      ).toBe(true)
    }
  })

  it('is logged as a disclosure to "Subject access request", once per pack, with its format', async () => {
    const person = await createPerson(t.db)
    await supervisor.agent.get(`/people/${person.id}/subject-access`).expect(200)
    await supervisor.agent.get(`/people/${person.id}/subject-access.json`).expect(200)
    expect(await auditOfPack(person.id)).toEqual([
      {
        category: 'disclosure',
        event: 'subject_access.exported',
        recipients: 'Subject access request',
        actor_username: 'supervisor',
        detail: { format: 'html' },
      },
      {
        category: 'disclosure',
        event: 'subject_access.exported',
        recipients: 'Subject access request',
        actor_username: 'supervisor',
        detail: { format: 'json' },
      },
    ])
    // The next pack carries the log of the first two.
    const third = JSON.parse(
      (await supervisor.agent.get(`/people/${person.id}/subject-access.json`).expect(200)).text,
    ) as { access_log: { event: string; recipients: string }[] }
    expect(third.access_log.filter((r) => r.event === 'subject_access.exported').map((r) => r.recipients)).toEqual([
      'Subject access request',
      'Subject access request',
    ])
  })

  it('is forbidden to everyone but supervisors, and not found outside the supervisor’s areas', async () => {
    for (const username of ['admin', 'iom', 'dip', 'cid', 'partner']) {
      const session = await signInAs(t.app, username)
      for (const path of [
        `/people/${seeded.personId}/subject-access`,
        `/people/${seeded.personId}/subject-access.json`,
      ]) {
        expect((await session.agent.get(path)).status, `${username} GET ${path}`).toBe(403)
      }
    }
    const elsewhere = await createOutsideArea(t.db)
    const outsider = await createPerson(t.db, { areaCode: elsewhere.boroughCode })
    await supervisor.agent.get(`/people/${outsider.id}/subject-access`).expect(404)
    await supervisor.agent.get(`/people/${outsider.id}/subject-access.json`).expect(404)
    expect(await auditOfPack(outsider.id)).toEqual([])
  })
})
