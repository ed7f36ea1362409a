import type { Response } from 'supertest'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../db/types.ts'
import { createPassport } from '../../server/auth/passport.ts'
import { roleCan } from '../../server/auth/permissions.ts'
import { importColumns } from '../../server/features/dip/import/drugTestCsv.ts'
import type { RouteDefinition } from '../../server/http/routeDefinition.ts'
import { buildRoutes } from '../../server/routes.ts'
import { testSessionSecret } from '../helpers/constants.ts'
import { freshCroNumber, freshPncId, uniqueTag } from '../helpers/factories.ts'
import { anonymousAgent, signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'
import { emptyFound, learnFrom, patternsOf, routeFor, spider, type Found, type RoutePattern } from './hostile/crawl.ts'
import { changedTables, fingerprint } from './hostile/fingerprint.ts'
import { bytesOf, encodeBody, plausibleValues, type Identifiers, type Values } from './hostile/formValues.ts'
import type { FormField, PageForm } from './hostile/htmlTags.ts'
import { problemsWith } from './hostile/pageChecks.ts'
import { deepPayloads, idPayloads, megabyte, payloadClasses, payloads, type Payload, type PayloadClass } from './hostile/payloads.ts'

/**
 * Hostile input, generated from the route registry. Every route is called by a user allowed to
 * call it (the first of `principals` that may), at a real URL found by following the app's own
 * links. Its query parameters are those of the links and GET forms aimed at it; its form
 * fields are those of the form that posts to it, read from the page that holds the form.
 *
 *   - every query parameter and form field gets every payload class (rotated, so that each
 *     request carries a different class in each field);
 *   - every text field also gets the values that can reach the database (NUL, quotes, markup,
 *     odd Unicode) one at a time, with the other fields plausibly filled, so that the hostile
 *     value is stored if the app accepts it and shown on the pages crawled afterwards;
 *   - every form gets a 1 MB body (over the parser's limit), every path parameter ids that are not ids;
 * and then:
 *   - no answer is a 5xx;
 *   - no HTML answer carries markup a payload made (a script without the response's CSP nonce,
 *     an on* attribute, a javascript: URL, an element the views never write, an evaluated template);
 *   - a refused request (4xx) leaves every table but the session, audit and rate-limit tables
 *     exactly as it was (see hostile/fingerprint.ts for why those three).
 */

type Principal = { name: string; username: string | null; role: Role | null }

// The order in which a route picks who calls it: the widest police role first.
const principals: Principal[] = [
  { name: 'supervisor', username: 'supervisor', role: 'supervisor' },
  { name: 'admin', username: 'admin', role: 'administrator' },
  { name: 'iom', username: 'iom', role: 'iom_officer' },
  { name: 'dip', username: 'dip', role: 'dip_worker' },
  { name: 'cid', username: 'cid', role: 'cid_officer' },
  { name: 'partner', username: 'partner', role: 'partner' },
  { name: 'anonymous', username: null, role: null },
]

function allowed(route: RouteDefinition, p: Principal): boolean {
  if (route.access === 'public') return p.role === null
  if (p.role === null) return false
  return route.access === 'signedIn' || roleCan(p.role, route.access)
}

type Session = { agent: Agent; csrf: string }
type Finding = { route: string; who: string; request: string; status: number; problem: string }
type Tally = { requests: number; refusals: number; accepted: number; classes: Map<string, Set<PayloadClass | 'id'>> }

let t: TestApp
let routes: RouteDefinition[]
let patterns: RoutePattern[]
const sessions = new Map<string, Session>()
const found = new Map<string, Found>()
const findings: Finding[] = []
const tally: Tally = { requests: 0, refusals: 0, accepted: 0, classes: new Map() }
const uncovered: string[] = []
let ids: Identifiers
let secrets: string[]
const throwawayUsers: string[] = []
let richPeople: string[] = []

const key = (route: RouteDefinition) => `${route.method.toUpperCase()} ${route.path}`
const chosen = (route: RouteDefinition) => principals.find((p) => allowed(route, p))

async function signIn(p: Principal): Promise<Session> {
  const session = p.username === null ? await anonymousAgent(t.app) : await signInAs(t.app, p.username)
  sessions.set(p.name, session)
  return session
}

/** Sign-out, a changed role or a disabled account ends a session: start another. */
async function stillSignedIn(p: Principal): Promise<Session> {
  const session = sessions.get(p.name)!
  if (p.username === null) return session
  const home = await session.agent.get('/')
  return home.status === 200 ? session : signIn(p)
}

function note(route: string, field: string, cls: PayloadClass | 'id') {
  const k = `${route} ${field}`
  tally.classes.set(k, (tally.classes.get(k) ?? new Set()).add(cls))
}

/** Checks one answer: problems are findings; a refusal is counted for the database check. */
function judge(route: string, who: string, request: string, response: Response): 'refused' | 'accepted' {
  tally.requests++
  for (const problem of problemsWith(response, secrets)) findings.push({ route, who, request, status: response.status, problem })
  const refused = response.status >= 400 && response.status < 500
  if (refused) tally.refusals++
  else tally.accepted++
  return refused ? 'refused' : 'accepted'
}

/**
 * Runs requests that are expected to be refused, and proves that they changed nothing: one
 * fingerprint around them all; if some were accepted, each refused one again on its own.
 */
async function batch(route: string, who: string, sends: { label: string; send: () => Promise<Response> }[]) {
  const before = await fingerprint(t.db)
  const outcomes: ('refused' | 'accepted')[] = []
  for (const s of sends) outcomes.push(judge(route, who, s.label, await s.send()))
  if (outcomes.every((o) => o === 'refused')) {
    const changed = changedTables(before, await fingerprint(t.db))
    if (changed.length) findings.push({ route, who, request: `${sends.length} refused requests`, status: 400, problem: `changed ${changed.join(', ')}` })
    return
  }
  await chain(
    route,
    who,
    sends.filter((_s, i) => outcomes[i] === 'refused'),
    false,
  )
}

/** Runs requests that may be accepted, with a fingerprint between each: a refused one must match the one before it. */
async function chain(route: string, who: string, sends: { label: string; send: () => Promise<Response> }[], count = true) {
  let before = await fingerprint(t.db)
  for (const s of sends) {
    const response = await s.send()
    const refused = count ? judge(route, who, s.label, response) === 'refused' : response.status >= 400 && response.status < 500
    const after = await fingerprint(t.db)
    const changed = changedTables(before, after)
    if (refused && changed.length) findings.push({ route, who, request: s.label, status: response.status, problem: `refused, yet changed ${changed.join(', ')}` })
    before = after
  }
}

const sendable = (f: FormField) => f.name !== '_csrf'
const isDatePart = (f: FormField) => /-(day|month|year)$/.test(f.name)
const takesText = (f: FormField) => (f.kind === 'text' || f.kind === 'textarea' || f.kind === 'password') && !isDatePart(f)

/** A GOV.UK URL limit: a query longer than Node's 16 KB header limit never reaches the app. */
const queryPayloads: readonly Payload[] = payloads.map((p) => (p.cls === 'size' ? { ...p, encoded: p.encoded.slice(0, 6_000).replace(/%[0-9A-F]?$/, '') } : p))

function post(session: Session, url: string, body: string) {
  return session.agent.post(url).set('Content-Type', 'application/x-www-form-urlencoded').send(body)
}

function multipart(session: Session, url: string, form: PageForm, values: Values, hostile: ReadonlyMap<string, { encoded: string }>) {
  let request = session.agent.post(url).field('_csrf', session.csrf)
  for (const field of form.fields.filter(sendable)) {
    const payload = hostile.get(field.name)
    if (field.kind === 'file') {
      const cell = payload ? bytesOf(payload.encoded) : Buffer.from('x')
      const row = Buffer.concat(importColumns.flatMap((_c, i) => (i ? [Buffer.from(','), cell] : [cell])))
      const file = Buffer.concat([Buffer.from(`${importColumns.join(',')}\r\n`), row, Buffer.from('\r\n')])
      request = request.attach(field.name, file, { filename: payload ? `"><img src=x onerror=alert(1)>.csv` : 'tests.csv', contentType: 'text/csv' })
    } else {
      request = request.field(field.name, payload ? bytesOf(payload.encoded) : (values.get(field.name) ?? ''))
    }
  }
  return request
}

/** The URL with one path parameter's segment replaced by `segment`. */
function withSegment(pattern: RoutePattern, url: string, param: string, segment: string): string {
  const [path, query] = url.split('?')
  const template = pattern.route.path.split('/')
  const parts = path!.split('/')
  const at = template.findIndex((s) => s.includes(`:${param}`))
  parts[at] = template[at]!.replace(`:${param}`, segment)
  return parts.join('/') + (query ? `?${query}` : '')
}

async function attackGet(route: RouteDefinition, p: Principal) {
  const k = key(route)
  const pattern = patterns.find((x) => x.key === k)!
  const url = found.get(p.name)?.urls.get(k)?.[0]
  if (!url) return uncovered.push(`${k}: no page links to it for ${p.name}`)
  const session = sessions.get(p.name)!
  const path = url.split('?')[0]!
  const keys = [...(found.get(p.name)?.queryKeys.get(k) ?? [])]
  const get = (u: string) => session.agent.get(u).buffer(true)
  for (let r = 0; r < (keys.length ? queryPayloads.length : 0); r++) {
    const query = keys.map((name, i) => {
      const payload = queryPayloads[(r + i) % queryPayloads.length]!
      note(k, `?${name}`, payload.cls)
      return `${encodeURIComponent(name)}=${payload.encoded}`
    })
    const target = `${path}?${query.join('&')}`
    judge(k, p.name, `GET ?${keys.join(',')} rotation ${r}`, await get(target))
  }
  for (const param of pattern.params) {
    for (const id of idPayloads) {
      note(k, `:${param}`, 'id')
      judge(k, p.name, `GET :${param} = ${id.label}`, await get(withSegment(pattern, url, param, id.segment)))
    }
  }
}

async function attackPost(route: RouteDefinition, p: Principal) {
  const k = key(route)
  const pattern = patterns.find((x) => x.key === k)!
  const place = found.get(p.name)?.forms.get(k)?.[0]
  let session = await stillSignedIn(p)
  if (!place) uncovered.push(`${k}: no page holds its form for ${p.name}; attacked with no fields`)
  const form: PageForm = place?.form ?? { method: 'post', action: route.path.replace(/:[A-Za-z_]+/g, '00000000-0000-4000-8000-000000000000'), multipart: false, fields: [] }
  const fields = form.fields.filter(sendable)
  const values = plausibleValues(fields, ids)
  values.set('_csrf', session.csrf)
  const send = (url: string, hostile: ReadonlyMap<string, { encoded: string }>) => () =>
    form.multipart ? multipart(session, url, form, values, hostile) : post(session, url, encodeBody(values, hostile))
  const learn = async (response: Response) => {
    if (response.status === 200 && String(response.headers['content-type']).startsWith('text/html')) learnFrom(found.get(p.name)!, patterns, form.action, response.text)
    return response
  }

  const rotation = payloads.map((_, r) => {
    const hostile = new Map(fields.map((f, i) => [f.name, payloads[(r + i) % payloads.length]!]))
    for (const [name, payload] of hostile) note(k, name, payload.cls)
    return { label: `rotation ${r}`, send: () => send(form.action, hostile)().then(learn) }
  })
  const deep = fields.filter(takesText).flatMap((f) =>
    deepPayloads.map((payload) => {
      note(k, f.name, payload.cls)
      return { label: `${f.name} = ${payload.label}`, send: () => send(form.action, new Map([[f.name, payload]]))().then(learn) }
    }),
  )
  // The body limit counts the whole body, whichever field holds it: one field per form is enough.
  const big = { label: '1 MB in one field', send: send(form.action, new Map(fields.slice(0, 1).map((f) => [f.name, { encoded: megabyte }]))) }
  const paths = pattern.params.flatMap((param) =>
    idPayloads.slice(1, 4).map((id) => {
      note(k, `:${param}`, 'id')
      return { label: `:${param} = ${id.label}`, send: send(withSegment(pattern, form.action, param, id.segment), new Map()) }
    }),
  )
  await batch(k, p.name, [...rotation, big, ...paths])
  session = await stillSignedIn(p)
  values.set('_csrf', session.csrf)
  await chain(k, p.name, deep)
}

/** Routes that end or erase things go last, so that the routes before them still have their records. */
const weight = (route: RouteDefinition) => (route.path === '/sign-out' ? 2 : route.audit === 'erasure' ? 1 : 0)

let started = 0
const timings: Record<string, number> = {}

beforeAll(async () => {
  started = Date.now()
  t = await createTestApp()
  routes = buildRoutes({ db: t.db, databaseKind: t.database.kind, config: t.config, services: t.services, passport: createPassport(t.db, t.services.signInService) })
  patterns = patternsOf(routes)
  secrets = [testSessionSecret]
  ids = { pncId: await freshPncId(t.db), croNumber: await freshCroNumber(t.db), tag: uniqueTag() }
  // An account the user-admin forms may change freely, so that no signed-in demo user loses their session.
  const admin = await t.db.selectFrom('app_user').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow()
  // One active, one disabled and locked: between them their pages hold every user-admin form.
  for (const [suffix, state] of [['a', {}], ['b', { disabled_at: new Date(), locked_until: new Date(Date.now() + 3_600_000), failed_sign_ins: 10 }]] as const) {
    const row = await t.db
      .insertInto('app_user')
      .values({ username: `target${suffix}${ids.tag.toLowerCase()}`, display_name: 'Hostile Target', role: 'iom_officer', agency: null, password_hash: admin.password_hash, ...state })
      .returning('id')
      .executeTakeFirstOrThrow()
    throwawayUsers.push(row.id)
  }
  // The pages of the person with most records link to most record pages; a restricted one asks for a purpose.
  const people = await sql<{ id: string }>`
    (select p.id from person p where not p.restricted order by (select count(*) from drug_test d where d.person_id = p.id)
      + (select count(*) from dip_failure f where f.person_id = p.id) + (select count(*) from partner_link l where l.person_id = p.id)
      + (select count(*) from person_marker m where m.person_id = p.id and m.ended_on is null) desc, p.id limit 1)
    union all (select id from person where restricted order by id limit 1)
    union all (select l.person_id from partner_link l join person p on p.id = l.person_id where not p.restricted order by l.id limit 1)`.execute(t.db)
  richPeople = people.rows.map((r) => r.id)

  // Who calls each route, and so whose pages are followed.
  const callers = new Set(routes.map((r) => chosen(r)?.name))
  for (const p of principals.filter((x) => callers.has(x.name))) {
    const session = await signIn(p)
    const mine = emptyFound()
    found.set(p.name, mine)
    // Every route without parameters is a starting point; the rest are reached by links.
    const start = ['/', ...routes.filter((r) => r.method === 'get' && !r.path.includes(':') && allowed(r, p)).map((r) => r.path)]
    start.unshift(...(p.role === 'administrator' ? throwawayUsers.map((id) => `/admin/users/${id}`) : richPeople.map((id) => `/people/${id}`)))
    await spider(session.agent, patterns, (r) => allowed(r, p), start, mine, 2)
  }
  timings.discovery = Date.now() - started
}, 120_000)

afterAll(async () => {
  await t?.close()
})

function report(list: Finding[]): string {
  return list
    .slice(0, 40)
    .map((f) => `\n  ${f.route} as ${f.who}, ${f.request}: ${f.status} ${f.problem}`)
    .join('')
}

describe('hostile input into every route of the registry', () => {
  it('finds a page for every GET route and a form for every POST route', () => {
    const missingGets = routes.filter((r) => r.method === 'get' && !found.get(chosen(r)?.name ?? '')?.urls.has(key(r))).map(key)
    expect(missingGets, 'GET routes no page links to').toEqual([])
  })

  it('every GET route, its query parameters and its path parameters: no 5xx, no injected markup, nothing written', async () => {
    const before = await fingerprint(t.db)
    const s = Date.now()
    for (const route of routes.filter((r) => r.method === 'get')) await attackGet(route, chosen(route)!)
    // Once: a URL over Node's header limit is refused before the app sees it.
    const huge = await sessions.get('supervisor')!.agent.get(`/people/search?q=${'A'.repeat(1024 * 1024)}`)
    judge('GET /people/search', 'supervisor', '1 MB query string', huge)
    timings.gets = Date.now() - s
    // Reading pages writes only sessions and audit rows, whatever the query.
    expect(changedTables(before, await fingerprint(t.db)), 'tables written by GET requests').toEqual([])
    const mine = findings.filter((f) => f.route.startsWith('GET'))
    expect(mine.length, `problems:${report(mine)}`).toBe(0)
  }, 180_000)

  it('every POST route and every field of its form: no 5xx, no injected markup, nothing written on refusal', async () => {
    const s = Date.now()
    const posts = routes.filter((r) => r.method === 'post').sort((a, b) => weight(a) - weight(b))
    for (const route of posts) await attackPost(route, chosen(route)!)
    timings.posts = Date.now() - s
    const mine = findings.filter((f) => f.route.startsWith('POST'))
    expect(mine.length, `problems:${report(mine)}`).toBe(0)
  }, 180_000)

  it('every field got every payload class', () => {
    const short = [...tally.classes]
      .filter(([name]) => !/ :[A-Za-z]+$/.test(name))
      .flatMap(([name, classes]) => {
        const missing = payloadClasses.filter((c) => !classes.has(c))
        return missing.length ? [`${name}: ${missing.join(', ')}`] : []
      })
    expect(short).toEqual([])
    expect(tally.accepted, 'hostile text stored by some form, for the pages crawled next to show').toBeGreaterThan(0)
  })

  it('the pages shown after the hostile values were stored carry none of them as markup', async () => {
    const s = Date.now()
    const before = findings.length
    for (const p of principals.filter((x) => found.has(x.name))) {
      const session = await stillSignedIn(p)
      const again = emptyFound()
      const seen = [...found.get(p.name)!.urls.entries()].flatMap(([, urls]) => urls.slice(0, 1).filter((u) => !/\.(csv|json)(\?|$)/.test(u)))
      for (const url of seen) {
        const pattern = routeFor(patterns, 'get', url.split('?')[0]!)
        if (!pattern || !allowed(pattern.route, p)) continue
        const response = await session.agent.get(url)
        judge(pattern.key, p.name, `GET ${url} after the attack`, response)
        if (response.status === 200) learnFrom(again, patterns, url, response.text)
      }
    }
    timings.recrawl = Date.now() - s
    const mine = findings.slice(before)
    expect(mine.length, `problems:${report(mine)}`).toBe(0)
    console.info(
      `hostile input: ${tally.requests} requests (${tally.refusals} refused, ${tally.accepted} accepted) in ${Date.now() - started} ms;`,
      JSON.stringify(timings),
      uncovered.length ? `\n  not fully covered:\n  ${uncovered.join('\n  ')}` : '',
    )
  }, 180_000)
})
