import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditCategory } from '../../db/types.ts'
import { createPassport } from '../../server/auth/passport.ts'
import type { RouteDefinition } from '../../server/http/routeDefinition.ts'
import { buildRoutes } from '../../server/routes.ts'
import { decodeEntities, sealed } from '../helpers/factories.ts'
import { anonymousAgent, signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'
import {
  allowed,
  findRouteParams,
  principals,
  routeKey as key,
  urlsFor as crawlUrls,
  type Principal,
  type RouteParams,
} from '../helpers/routeCrawl.ts'

/**
 * DPA 2018 s62, checked from the route registry: every GET route is called by every role that
 * may call it, with real ids from the demo caseload in its path, and the audit rows written by
 * that one request (matched on its X-Request-Id) must agree with the route's declared `audit`.
 *
 * "Shows personal data" means the body contains any of:
 *   - a path to a person's record, /people/<uuid> (a link, a form's action, a URL in a file);
 *   - a person's PNC ID (dddd/dddddddL, one held in the database: form hints carry an example);
 *   - the surname of a person named by the request's path ids (the person, or the person whose
 *     drug test, appointment, failure, referral, membership, case link or CID entry it is);
 *   - any demo surname that cannot be mistaken for an ordinary word: five letters or more, and
 *     not a word of the views, the server's source, the reference data or `ordinaryWords`.
 * Then, for a 200:
 *   - declared consultation or disclosure and showing personal data: exactly one row, of that
 *     category, naming the person of the path ids (if they name one person);
 *   - declared consultation or disclosure, showing no one (an empty list): no row, or one of that category;
 *   - a CSV file declared disclosure: exactly one disclosure row, whatever it holds;
 *   - declared 'none': no row, and no personal data in the body;
 *   - declared anything else: a page that shows personal data is a consultation, so it fails;
 *     otherwise at most one row, of that category.
 */

/** GET routes that answer some allowed callers with something other than 200, on purpose. */
const expectedNotOk: Record<string, { status: number; when: 'signedIn'; why: string }> = {
  'GET /sign-in': { status: 303, when: 'signedIn', why: 'a signed-in user is sent home' },
}

/** POST routes that write no audit row, and why that is right. Everything else must declare a category. */
const postsWithoutAudit: Record<string, string> = {
  'POST /restricted-records/access':
    'keeps the purpose stated for a restricted record in the session only; the GET of the record that follows writes the consultation row carrying that purpose',
}

/** Common surnames that are also everyday English words, never evidence of a person on the page. */
const ordinaryWords =
  `baker banks black bishop booth brooks brown butler carter chambers cooper cross dean fisher fletcher
  fowler french gardner green grant hardy hunter knight lane long mason miller moore newman page palmer parker payne
  porter power price reed rich rose shaw short stone summers swift turner walker wall ward waters watts webb wells west
  white wood woods young`.split(/\s+/)

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const personPath = new RegExp(`/people/(${uuid})`, 'i')
const pncIds = /\b\d{4}\/\d{7}[A-Z]\b/g

type Lookups = RouteParams & {
  surnameOf: Map<string, string>
  pncIds: Set<string>
  distinctiveSurnames: string[]
  searchSurname: string
}

type Crawl = {
  route: string
  who: string
  url: string
  status: number
  rows: { category: AuditCategory; person_id: string | null }[]
  shows: string[]
  problem?: string
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
let t: TestApp
let routes: RouteDefinition[]
let lookups: Lookups
const agents = new Map<string, Agent>()
const crawled: Crawl[] = []

beforeAll(async () => {
  t = await createTestApp()
  routes = buildRoutes({
    db: t.db,
    databaseKind: t.database.kind,
    config: t.config,
    services: t.services,
    passport: createPassport(t.db, t.services.signInService),
  })
  for (const p of principals)
    agents.set(
      p.name,
      p.username === null ? (await anonymousAgent(t.app)).agent : (await signInAs(t.app, p.username)).agent,
    )
  lookups = await buildLookups()
  for (const p of principals) {
    for (const route of routes.filter((r) => r.method === 'get' && allowed(r, p)))
      crawled.push(...(await crawl(route, p)))
  }
}, 120_000)
afterAll(async () => {
  await t.close()
})

/** The words the app itself prints: labels in views and source, area, ward, agency and staff names. */
async function ownWords(): Promise<Set<string>> {
  const words = new Set(ordinaryWords)
  const add = (text: string) => {
    for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) words.add(w)
  }
  for (const dir of ['views', 'server']) {
    for (const file of await readdir(path.join(root, dir), { recursive: true })) {
      if (/\.(ejs|ts)$/.test(file)) add(await readFile(path.join(root, dir, file), 'utf8'))
    }
  }
  const reference = await sql<{ text: string }>`
    select name as text from area union all select name from ward union all select display_name from app_user
    union all select name from sharing_agreement union all select name from custody_suite union all select label from offence
    union all select label from marker_type union all select label from contact_type union all select label from referral_source
    union all select label from deselection_reason`.execute(t.db)
  for (const row of reference.rows) add(row.text)
  return words
}

async function buildLookups(): Promise<Lookups> {
  const db = t.db
  const people = await db.selectFrom('person').select(['id', 'surname', 'pnc_id']).execute()
  const surnameOf = new Map(people.map((p) => [p.id, p.surname]))
  const words = await ownWords()
  const distinctiveSurnames = [...new Set(people.map((p) => p.surname))].filter(
    (s) => /^[A-Za-z'-]{5,}$/.test(s) && !words.has(s.toLowerCase()),
  )
  const { params, personOf } = await findRouteParams(db, agents.get('supervisor')!)
  const searchSurname = distinctiveSurnames[0] ?? people[0]?.surname ?? ''
  return {
    params,
    personOf,
    surnameOf,
    pncIds: new Set(people.flatMap((p) => (p.pnc_id ? [p.pnc_id] : []))),
    distinctiveSurnames,
    searchSurname,
  }
}

/** Every URL to call for a route as one principal, or the names of the parameters with no value. */
const urlsFor = (route: RouteDefinition, p: Principal) => crawlUrls(route, p, lookups, lookups.searchSurname)

function personalDataIn(body: string, involved: string[]): string[] {
  const found: string[] = []
  const link = personPath.exec(body)
  if (link) found.push(`link /people/${link[1]!.slice(0, 8)}…`)
  // Form hints carry an example PNC ID: only a person's own counts.
  const pnc = [...body.matchAll(pncIds)].find((m) => lookups.pncIds.has(m[0]))
  if (pnc) found.push(`PNC ${pnc[0]}`)
  const names = [...involved.map((id) => lookups.surnameOf.get(id) ?? ''), ...lookups.distinctiveSurnames].filter(
    Boolean,
  )
  const named = names.find((s) => new RegExp(`\\b(${escape(s)}|${escape(s.toUpperCase())})\\b`).test(body))
  if (named) found.push(`surname ${named}`)
  return found
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** What is wrong with one 200 response, judged by the rules at the top of this file. */
function judge(route: RouteDefinition, rows: Crawl['rows'], shows: string[], involved: string[]): string | undefined {
  const declared = route.audit
  const counted = rows.map((r) => r.category).join(', ') || 'no rows'
  if (declared === 'none') {
    if (rows.length) return `declared 'none' but wrote ${counted}`
    return shows.length ? `declared 'none' but shows personal data (${shows.join('; ')}): a consultation` : undefined
  }
  if (rows.some((r) => r.category !== declared)) return `declared '${declared}' but wrote ${counted}`
  if (rows.length > 1) return `wrote ${rows.length} rows (${counted}); one request, one row`
  const mustLog = route.path.endsWith('.csv') && declared === 'disclosure'
  if (shows.length && declared !== 'consultation' && declared !== 'disclosure') {
    return `declared '${declared}' but shows personal data (${shows.join('; ')}): a consultation under s62`
  }
  if ((shows.length || mustLog) && rows.length === 0)
    return `shows ${shows.join('; ') || 'a CSV file'} but wrote no ${declared} row`
  const person = new Set(involved).size === 1 ? involved[0] : undefined
  const row = rows[0]
  if (row && person && row.person_id !== person)
    return `the ${declared} row names person ${row.person_id ?? 'null'}, not ${person}`
  return undefined
}

async function crawl(route: RouteDefinition, p: Principal): Promise<Crawl[]> {
  const { urls, missing } = urlsFor(route, p)
  if (missing.length)
    return [
      {
        route: key(route),
        who: p.name,
        url: route.path,
        status: 0,
        rows: [],
        shows: [],
        problem: `no real value for ${missing.join(', ')}`,
      },
    ]
  const results: Crawl[] = []
  for (const { url, ids } of urls) {
    const response = await agents.get(p.name)!.get(url).buffer(true)
    const requestId = String(response.headers['x-request-id'] ?? '')
    const rows = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['category', 'person_id'])
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute()
    // Entities undone, so that O'Brien in an escaped page is O'Brien again.
    const body = decodeEntities(response.text ?? String(response.body ?? ''))
    const involved = ids.flatMap((id) => (lookups.personOf.has(id) ? [lookups.personOf.get(id)!] : []))
    const shows = response.status === 200 ? personalDataIn(body, involved) : []
    const result: Crawl = { route: key(route), who: p.name, url, status: response.status, rows, shows }
    const expected = expectedNotOk[key(route)]
    if (!requestId) result.problem = 'no X-Request-Id header'
    else if (response.status === 200) result.problem = judge(route, rows, shows, involved)
    else if (!(expected && expected.status === response.status && (expected.when !== 'signedIn' || p.role !== null)))
      result.problem = `answered ${response.status}, not 200: the route was not checked`
    else if (rows.length)
      result.problem = `answered ${response.status} but wrote ${rows.map((r) => r.category).join(', ')}`
    results.push(result)
  }
  return results
}

function crawlTable(entries: Crawl[]): string {
  const cells = entries.map((c) => [
    c.route + (c.url.includes('?') ? c.url.slice(c.url.indexOf('?')) : ''),
    c.who,
    String(c.status),
    c.rows.length
      ? c.rows.map((r) => `${r.category}${r.person_id ? `(${r.person_id.slice(0, 8)})` : ''}`).join(' ')
      : '0 rows',
    c.shows.join('; ') || '-',
    c.problem ?? 'ok',
  ])
  const header = ['route', 'role', 'status', 'rows written', 'personal data shown', 'problem']
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...cells.map((r) => r[i]!.length))))
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')
  return ['', line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)].join('\n')
}

describe('audit coverage (DPA 2018 s62), generated from the route registry', () => {
  it('finds a real value for every path parameter of every GET route, for every role that may call it', () => {
    const missing = principals.flatMap((p) =>
      routes
        .filter((r) => r.method === 'get' && allowed(r, p))
        .flatMap((r) => urlsFor(r, p).missing.map((m) => `${key(r)} as ${p.name}: ${m}`)),
    )
    expect(missing, `no real value for ${missing.join(', ')}`).toEqual([])
    expect(lookups.distinctiveSurnames.length, 'demo surnames that cannot be mistaken for words').toBeGreaterThan(10)
  })

  for (const p of principals) {
    it(`every GET route the ${p.name} may call writes the audit rows its page calls for`, () => {
      const mine = crawled.filter((c) => c.who === p.name)
      expect(mine.length).toBeGreaterThan(0)
      const wrong = mine.filter((c) => c.problem)
      if (wrong.length)
        expect.fail(
          `${wrong.length} of ${mine.length} calls as ${p.name} disagree with the declared audit:${crawlTable(wrong)}`,
        )
    })
  }

  it('crawled every GET route with a 200 for at least one role, and every CSV export is among them', () => {
    const ok = new Set(crawled.filter((c) => c.status === 200).map((c) => c.route))
    const unchecked = routes.filter((r) => r.method === 'get' && !ok.has(key(r))).map(key)
    expect(unchecked, `never answered 200, so never checked: ${unchecked.join(', ')}`).toEqual([])
    const csv = routes.filter((r) => r.method === 'get' && r.path.endsWith('.csv'))
    expect(csv.length).toBeGreaterThan(0)
    for (const route of csv.filter((r) => r.audit === 'disclosure')) {
      const calls = crawled.filter((c) => c.route === key(route) && c.status === 200)
      expect(calls.map((c) => `${c.who}: ${c.rows.map((r) => r.category).join(',')}`)).toEqual(
        calls.map((c) => `${c.who}: disclosure`),
      )
    }
  })

  it('every POST route declares the audit row it writes, but for the listed routes that write nothing personal', () => {
    const posts = routes.filter((r) => r.method === 'post')
    const undeclared = posts.filter((r) => r.audit === 'none' && !(key(r) in postsWithoutAudit)).map(key)
    expect(undeclared, `POST routes declared 'none': ${undeclared.join(', ')}`).toEqual([])
    // The exceptions stay true: each still exists and still declares 'none'.
    for (const exception of Object.keys(postsWithoutAudit)) {
      expect(posts.find((r) => key(r) === exception)?.audit, exception).toBe('none')
    }
  })
})
