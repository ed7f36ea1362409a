import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../db/types.ts'
import { createPassport } from '../../server/auth/passport.ts'
import { roleCan } from '../../server/auth/permissions.ts'
import type { PersonVia } from '../../server/domain/personVia.ts'
import type { RouteDefinition } from '../../server/http/routeDefinition.ts'
import { buildRoutes, personParams } from '../../server/routes.ts'
import { todayInLondon } from '../../server/domain/time.ts'
import { tableOf } from '../../server/features/people/restrictedRecordRepository.ts'
import { demoAccounts } from '../helpers/constants.ts'
import { lastAuditId, sealed } from '../helpers/factories.ts'
import { signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

/**
 * The restricted record gate, checked from the route registry (DPA 2018 s62; people/RULES.md):
 * every route that declares the person it touches is sent, by every demo role that may call it,
 * for a restricted person whose purpose that role has not stated. Each answer must be the purpose
 * question (200 for a page, 403 for a form post), or a 403/404 that shows nothing; no answer may
 * carry the person's surname, forenames, PNC ID, CRO number or address; no audit row may name
 * them; and not one row of any table may change.
 */

const roles = demoAccounts

/** Tables that a refused request may write: the audit log's own tables, the sessions, the counters, the report cache. */
const mayChange = (table: string) =>
  table.startsWith('audit_') || ['session', 'rate_limit_hit', 'report_cache'].includes(table)

type Person = {
  id: string
  surname: string
  forenames: string
  pnc_id: string | null
  cro_number: string | null
  address: string | null
}
type Cell = { route: string; role: string; status: number; problem?: string }

let t: TestApp
let routes: RouteDefinition[]
const agents = new Map<string, { agent: Agent; csrf: string }>()
const recordOf = new Map<PersonVia, string>()
const people = new Map<string, Person>()
const cells: Cell[] = []
let before = ''
let after = ''
let lastAuditIdBefore = 0

const key = (r: RouteDefinition) => `${r.method.toUpperCase()} ${r.path}`

/** One record of each kind, each belonging to a person in the IOM officer's areas (partner links: under the partner's agreement). */
async function chooseRecords(): Promise<void> {
  const db = t.db
  const today = todayInLondon()
  const inIomScope = sql<boolean>`p.area_id in (select a.id from area a join user_area ua on ua.area_id in (a.id, a.parent_id)
    join app_user u on u.id = ua.user_id where u.username = 'iom')`
  const first = async (table: string, via: PersonVia, extra = sql`true`) => {
    const personColumn = table === 'person' ? sql.ref('r.id') : sql.ref('r.person_id')
    const { rows } = await sql<{
      id: string
      person_id: string
    }>`select r.id, ${personColumn} as person_id from ${sql.table(table)} r join person p on p.id = ${personColumn}
      where ${inIomScope} and p.combined_into is null and ${extra} order by r.id limit 1`.execute(db)
    if (!rows[0]) throw new Error(`The demo caseload has no ${table} in the IOM officer's areas`)
    recordOf.set(via, rows[0].id)
    return rows[0].person_id
  }
  const personIds = [
    await first('person', 'person', sql`(select count(*) from drug_test d where d.person_id = r.id) > 0`),
    await first('action', 'action'),
    await first('appointment', 'appointment'),
    await first('cid_entry', 'cidEntry'),
    await first('drug_test', 'drugTest'),
    await first('dip_failure', 'failure'),
    await first('cohort_membership', 'membership'),
    await first(
      'partner_link',
      'partnerLink',
      sql`r.agreement_id in (select id from sharing_agreement s where s.agency = (select agency from app_user where username = 'partner')
      and s.starts_on <= ${today}::date and (s.ends_on is null or s.ends_on >= ${today}::date))`,
    ),
    await first('referral', 'referral', sql`r.status = 'pending'`),
  ]
  await db.updateTable('person').set({ restricted: true }).where('id', 'in', personIds).execute()
  for (const p of await db
    .selectFrom('person')
    .select(['id', 'surname', 'forenames', 'pnc_id', 'cro_number', 'address'])
    .where('id', 'in', personIds)
    .execute()) {
    people.set(p.id, p)
  }
}

/** A digest of every row of every table a refused request must not touch. */
async function fingerprint(): Promise<string> {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely%' order by table_name`.execute(
    t.db,
  )
  const digests: string[] = []
  for (const { name } of tables.rows.filter((r) => !mayChange(r.name))) {
    const { rows } = await sql<{
      digest: string | null
    }>`select md5(string_agg(x::text, '|' order by x::text)) as digest from ${sql.table(name)} x`.execute(t.db)
    digests.push(`${name}:${rows[0]?.digest ?? 'empty'}`)
  }
  return digests.join('\n')
}

function identifiersIn(body: string, person: Person): string[] {
  const found: string[] = []
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  for (const [label, value] of [
    ['surname', person.surname],
    ['forenames', person.forenames],
    ['PNC ID', person.pnc_id],
    ['CRO number', person.cro_number],
    ['address', person.address],
  ] as const) {
    if (value && new RegExp(`\\b${escape(value)}\\b`, 'i').test(body)) found.push(label)
  }
  return found
}

async function send(route: RouteDefinition, who: { username: string; role: Role }): Promise<Cell> {
  const via = route.person!.via
  const recordId = recordOf.get(via)!
  const personId = via === 'person' ? recordId : await personOf(via, recordId)
  const person = people.get(personId)!
  const url = route.path.replace(/:(\w+)/g, (_, name: string) =>
    name === route.person!.param ? recordId : '00000000-0000-4000-8000-000000000000',
  )
  const { agent, csrf } = agents.get(who.username)!
  const response =
    route.method === 'get' ? await agent.get(url) : await agent.post(url).type('form').send({ _csrf: csrf })
  const body = Buffer.isBuffer(response.body) ? response.body.toString('utf8') : response.text
  const cell: Cell = { route: key(route), role: who.username, status: response.status }
  const asks = body.includes('This record is restricted')
  const expected = route.method === 'get' ? [200, 403, 404] : [403, 404]
  const leaks = identifiersIn(body, person)
  // Reached through another record, the page must not say whose it is: not even the person's id.
  if (via !== 'person' && body.includes(person.id)) leaks.push('id of the person')
  if (!expected.includes(response.status)) cell.problem = `answered ${response.status}`
  else if (response.status === 200 && !asks) cell.problem = 'answered 200 without asking for a purpose'
  else if (leaks.length > 0) cell.problem = `shows the ${leaks.join(', ')}`
  return cell
}

async function personOf(via: PersonVia, recordId: string): Promise<string> {
  const { rows } = await sql<{
    person_id: string
  }>`select person_id from ${sql.table(tableOf[via])} where id = ${recordId}`.execute(t.db)
  return rows[0]!.person_id
}

beforeAll(async () => {
  t = await createTestApp()
  routes = buildRoutes({
    db: t.db,
    databaseKind: t.database.kind,
    config: t.config,
    services: t.services,
    passport: createPassport(t.db, t.services.signInService),
  })
  for (const r of roles) agents.set(r.username, await signInAs(t.app, r.username))
  await chooseRecords()
  before = await fingerprint()
  lastAuditIdBefore = await lastAuditId(t.db)
  for (const route of routes.filter((r) => r.person)) {
    for (const who of roles.filter(
      (r) => route.access === 'signedIn' || (route.access !== 'public' && roleCan(r.role, route.access)),
    )) {
      cells.push(await send(route, who))
    }
  }
  after = await fingerprint()
}, 300_000)
afterAll(async () => {
  await t.close()
})

describe('the restricted record gate, for every route that touches a person, as every role that may call it', () => {
  it('the registry gives every route whose path names a person’s record the person the gate checks', () => {
    const undeclared = routes
      .filter((r) => [...r.path.matchAll(/:(\w+)/g)].some((m) => (m[1] ?? '') in personParams) && !r.person)
      .map(key)
    expect(undeclared).toEqual([])
    // Every kind of record a path can name is exercised below.
    expect(new Set(routes.flatMap((r) => (r.person ? [r.person.via] : [])))).toEqual(
      new Set(Object.values(personParams)),
    )
  })

  it('answers the purpose question, or a 403/404 that shows nothing, and never the person', () => {
    expect(cells.length).toBeGreaterThan(100)
    expect(cells.filter((c) => c.problem)).toEqual([])
    // The question is really asked: of pages by the police roles, and refused form posts with it.
    expect(cells.filter((c) => c.status === 200).length).toBeGreaterThan(20)
    expect(cells.filter((c) => c.route.startsWith('POST') && c.status === 403).length).toBeGreaterThan(20)
  })

  it('changes no row of any table, and writes no audit row about the restricted people', async () => {
    expect(after).toBe(before)
    const rows = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['event', 'person_id'])
      .where('person_id', 'in', [...people.keys()])
      .where('id', '>', lastAuditIdBefore)
      .execute()
    expect(rows).toEqual([])
  })

  it('once a purpose is stated, the same pages open, and their rows carry it', async () => {
    const { agent, csrf } = agents.get('dip')!
    const testId = recordOf.get('drugTest')!
    const personId = await personOf('drugTest', testId)
    await agent
      .post('/restricted-records/access')
      .type('form')
      .send({
        _csrf: csrf,
        via: 'drugTest',
        recordId: testId,
        purpose: 'offender_management',
        purposeDetail: 'DIP assessment today',
        returnTo: `/drug-tests/${testId}`,
      })
      .expect(303)
      .expect('Location', `/drug-tests/${testId}`)
    const page = await agent.get(`/drug-tests/${testId}`).expect(200)
    expect(identifiersIn(page.text, people.get(personId)!)).toContain('surname')
    const rows = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['category', 'purpose'])
      .where('person_id', '=', personId)
      .where('id', '>', lastAuditIdBefore)
      .execute()
    expect(rows).toEqual([
      { category: 'consultation', purpose: 'Managing this person (IOM or DIP): DIP assessment today' },
    ])
  })
})
