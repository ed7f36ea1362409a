import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPassport } from '../../server/auth/passport.ts'
import { addDays, todayInLondon } from '../../server/domain/time.ts'
import { sweepDip } from '../../server/features/dip/dipSweep.ts'
import { buildRoutes } from '../../server/routes.ts'
import { marker } from '../features/cid/cidSupport.ts'
import { sealed } from '../helpers/factories.ts'
import { allowed, findRouteParams, principals, routeKey, urlsFor, type RouteParams } from '../helpers/routeCrawl.ts'
import { anonymousAgent, signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

/**
 * Reading writes nothing (server/decisions/0110): every GET route of the registry, called as every
 * demo role that may call it, leaves every table as it was but the audit log's, the sessions, the
 * sign-in rate limits and the report cache. The demo data is arranged first so that the clock has
 * work for the sweep: a failure past its time bar not yet closed, and an eligible failure not yet
 * proposed to CID. Then the sweep does that work, and does nothing the second time.
 */

/** Tables a GET may change: its audit rows, its session, the rate limits and the figures cache. */
const mayChange = (table: string) =>
  table.startsWith('audit_') || ['session', 'rate_limit_hit', 'report_cache'].includes(table)

let t: TestApp
const agents = new Map<string, Agent>()
let found: RouteParams
const today = todayInLondon()
let aged: { id: string; person_id: string }
let unproposed: string
let tables: string[]
let before: Record<string, string>
let after: Record<string, string>
const calls: string[] = []

/** One md5 per table over its rows in a fixed order: equal fingerprints, equal contents. */
async function fingerprints(names: readonly string[]): Promise<Record<string, string>> {
  const result: Record<string, string> = {}
  for (const name of names) {
    const row = await sql<{
      md5: string
    }>`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as md5 from ${sql.table(name)} t`.execute(
      t.db,
    )
    result[name] = row.rows[0]!.md5
  }
  return result
}

/** What the sweep has to do now: failures shown as time-barred but not closed, and eligible failures with no entry. */
async function sweepWork() {
  const closable = await sql<{ id: string }>`select id from dip_failure
     where status <> 'time_barred' and dip_failure_status_on(status, time_bar_date, ${today}::date) = 'time_barred' order by id`.execute(
    t.db,
  )
  const proposable = await sql<{ id: string }>`select f.id from dip_failure f
     where dip_failure_status_on(f.status, f.time_bar_date, ${today}::date) = 'wanted' and person_has_violence_marker(f.person_id)
       and not exists (select 1 from cid_entry e where e.failure_id = f.id) order by f.id`.execute(t.db)
  return { closable: closable.rows.map((r) => r.id), proposable: proposable.rows.map((r) => r.id) }
}

beforeAll(async () => {
  t = await createTestApp()
  const db = t.db
  // A wanted failure a day past its time bar, and an eligible failure with no proposal yet: the
  // demo data as it stands between two sweeps.
  aged = await db
    .updateTable('dip_failure')
    .set({ time_bar_date: addDays(today, -1) })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('dip_failure')
        .select('id')
        .where('status', '=', 'wanted')
        .where('time_bar_date', '>=', today)
        .orderBy('id')
        .limit(1),
    )
    .returning(['id', 'person_id'])
    .executeTakeFirstOrThrow()
  // Another wanted failure in date, of a violent person, its hand-off to CID not yet proposed.
  const eligible = await db
    .selectFrom('dip_failure')
    .select(['id', 'person_id'])
    .where('status', '=', 'wanted')
    .where('time_bar_date', '>=', today)
    .where('id', '<>', aged.id)
    .orderBy(
      sql`exists (select 1 from cid_entry e where e.failure_id = dip_failure.id and e.status = 'proposed')`,
      'desc',
    )
    .orderBy('id')
    .executeTakeFirstOrThrow()
  await db.deleteFrom('cid_entry').where('failure_id', '=', eligible.id).execute()
  if (
    !(await sql<{ yes: boolean }>`select person_has_violence_marker(${eligible.person_id}::uuid) as yes`.execute(db))
      .rows[0]?.yes
  ) {
    await marker(db, eligible.person_id, 'violent')
  }
  unproposed = eligible.id

  for (const p of principals)
    agents.set(
      p.name,
      p.username === null ? (await anonymousAgent(t.app)).agent : (await signInAs(t.app, p.username)).agent,
    )
  found = await findRouteParams(db, agents.get('supervisor')!)
  const searchSurname = (await db.selectFrom('person').select('surname').orderBy('surname').executeTakeFirstOrThrow())
    .surname

  const listed = await sql<{ name: string }>`select table_name as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db)
  tables = listed.rows.map((r) => r.name).filter((name) => !mayChange(name))
  // The audit sealer's batches are not a GET's doing: sealed before and after, the rows it moves are audit_* alone.
  await sealed(db)
  before = await fingerprints(tables)
  const routes = buildRoutes({
    db,
    databaseKind: t.database.kind,
    config: t.config,
    services: t.services,
    passport: createPassport(db, t.services.signInService),
  })
  for (const p of principals) {
    for (const route of routes.filter((r) => r.method === 'get' && allowed(r, p))) {
      for (const { url } of urlsFor(route, p, found, searchSurname).urls) {
        const response = await agents.get(p.name)!.get(url).buffer(true)
        calls.push(`${routeKey(route)} ${url} as ${p.name}: ${response.status}`)
      }
    }
  }
  await sealed(db)
  after = await fingerprints(tables)
}, 180_000)
afterAll(async () => {
  await t.close()
})

describe('reading writes nothing', () => {
  it('the demo data has work for the sweep: a failure past its time bar not yet closed, a proposal not yet made', async () => {
    const work = await sweepWork()
    expect(work.closable).toContain(aged.id)
    expect(work.proposable).toContain(unproposed)
  })

  it('no GET route, as any role that may call it, changes a table but the audit log, sessions, rate limits and report cache', () => {
    expect(calls.length).toBeGreaterThan(100)
    expect(
      calls.filter((c) => c.endsWith(': 500')),
      'no page failed',
    ).toEqual([])
    expect(tables).toEqual(
      expect.arrayContaining([
        'dip_failure',
        'dip_failure_event',
        'cid_entry',
        'cid_entry_event',
        'cid_listing',
        'person',
      ]),
    )
    const changed = tables.filter((name) => before[name] !== after[name])
    expect(changed, `tables changed by ${calls.length} reads`).toEqual([])
  })
})

describe('the DIP sweep', () => {
  it('closes exactly what the pages already show as time-barred, makes the proposals, and changes nothing the second time', async () => {
    const iom = agents.get('iom')!
    const shown = await iom.get(`/failures/${aged.id}`).expect(200)
    expect(shown.text).toContain('<strong class="govuk-tag">Time-barred</strong>')
    const work = await sweepWork()

    // Two instances at once: one sweeps, the other finds the lock taken or nothing left to do.
    const [first, second] = await Promise.all([sweepDip(t.db, today), sweepDip(t.db, today)])
    expect(first.closed + second.closed).toBe(work.closable.length)
    expect(first.proposed + second.proposed).toBe(work.proposable.length)

    const closed = await t.db
      .selectFrom('dip_failure')
      .select(['id', 'status'])
      .where('id', 'in', work.closable)
      .execute()
    expect(closed.every((f) => f.status === 'time_barred')).toBe(true)
    const events = await t.db
      .selectFrom('dip_failure_event')
      .select('failure_id')
      .where('kind', '=', 'time_barred')
      .where('failure_id', 'in', work.closable)
      .execute()
    expect(events.map((e) => e.failure_id).sort()).toEqual([...work.closable].sort())
    const audited = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select('entity_id')
      .where('event', '=', 'failure.time_barred')
      .where('entity_id', 'in', work.closable)
      .execute()
    expect(audited.map((a) => a.entity_id).sort()).toEqual([...work.closable].sort())
    const entries = await t.db
      .selectFrom('cid_entry')
      .select(['failure_id', 'source', 'status'])
      .where('failure_id', 'in', work.proposable)
      .execute()
    expect(entries).toHaveLength(work.proposable.length)
    expect(entries.every((e) => e.source === 'system' && e.status === 'proposed')).toBe(true)
    expect(await sweepWork()).toEqual({ closable: [], proposable: [] })

    // The page says what it said before the sweep.
    expect((await iom.get(`/failures/${aged.id}`).expect(200)).text).toContain(
      '<strong class="govuk-tag">Time-barred</strong>',
    )

    const all = [...tables, 'audit_pending', 'audit_event']
    const settled = await fingerprints(all)
    expect(await sweepDip(t.db, today)).toEqual({ closed: 0, proposed: 0 })
    expect(await fingerprints(all)).toEqual(settled)
  })
})
