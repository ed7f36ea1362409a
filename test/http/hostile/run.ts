import type { Response } from 'supertest'
import { sql } from 'kysely'
import { textOf } from '../../../server/presenters/format.ts'
import { createPassport } from '../../../server/auth/passport.ts'
import type { RouteDefinition } from '../../../server/http/routeDefinition.ts'
import { buildRoutes } from '../../../server/routes.ts'
import { testSessionSecret } from '../../helpers/constants.ts'
import { freshCroNumber, freshPncId, uniqueTag } from '../../helpers/factories.ts'
import { anonymousAgent, signInAs } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { emptyFound, learnFrom, patternsOf, routeFor, spider, type Found, type RoutePattern } from './crawl.ts'
import { changedTables, fingerprint, type Fingerprint } from './fingerprint.ts'
import { combinedRecordsPage, importPreviewPage, seedFormStates } from './formStates.ts'
import { encodeBody, plausibleValues, type Identifiers } from './formValues.ts'
import type { PageForm } from './htmlTags.ts'
import { problemsWith } from './pageChecks.ts'
import { deepPayloads, idPayloads, megabyte, payloads, type PayloadClass } from './payloads.ts'
import { allowed, chosen, key, principals, type Principal } from './principals.ts'
import { multipart, post, queryPayloads, sendable, takesText, withSegment, type Session } from './requests.ts'

// One run of the hostile-input check over a private app and database: the crawl that finds a
// URL for each GET route and the form for each POST route, the attacks, and what they found.
// A run owns its app and database, so a test file (or several, side by side) can make its own.

export type Finding = { route: string; who: string; request: string; status: number; problem: string }
type Send = { label: string; send: () => Promise<Response> }

/** Routes that end or erase things go last, so that the routes before them still have their records. */
export const weight = (route: RouteDefinition) => (route.path === '/sign-out' ? 2 : route.audit === 'erasure' ? 1 : 0)

export async function startRun() {
  const started = Date.now()
  const t: TestApp = await createTestApp()
  const routes = buildRoutes({
    db: t.db,
    databaseKind: t.database.kind,
    config: t.config,
    services: t.services,
    passport: createPassport(t.db, t.services.signInService),
  })
  const patterns: RoutePattern[] = patternsOf(routes)
  const secrets = [testSessionSecret]
  const sessions = new Map<string, Session>()
  const found = new Map<string, Found>()
  const findings: Finding[] = []
  const tally = {
    requests: 0,
    refusals: 0,
    accepted: 0,
    fingerprints: 0,
    fingerprintMs: 0,
    classes: new Map<string, Set<PayloadClass | 'id'>>(),
  }
  const timings: Record<string, number> = {}
  const ids: Identifiers = { pncId: await freshPncId(t.db), croNumber: await freshCroNumber(t.db), tag: uniqueTag() }

  async function print(): Promise<Fingerprint> {
    const s = Date.now()
    const result = await fingerprint(t.db)
    tally.fingerprints++
    tally.fingerprintMs += Date.now() - s
    return result
  }

  async function signIn(p: Principal): Promise<Session> {
    const session = p.username === null ? await anonymousAgent(t.app) : await signInAs(t.app, p.username)
    sessions.set(p.name, session)
    return session
  }

  /**
   * Sign-out, a changed role or a disabled account ends a session: start another. Asked of a
   * page that does not exist, since it is the cheapest to draw: its header holds the sign-out
   * form only for a signed-in user (and should that ever change, this signs in again each time).
   */
  async function stillSignedIn(p: Principal): Promise<Session> {
    const session = sessions.get(p.name)!
    if (p.username === null) return session
    const probe = await session.agent.get('/no-such-page')
    return probe.status === 404 && probe.text.includes('action="/sign-out"') ? session : signIn(p)
  }

  function note(route: string, field: string, cls: PayloadClass | 'id') {
    const k = `${route} ${field}`
    tally.classes.set(k, (tally.classes.get(k) ?? new Set()).add(cls))
  }

  /** Checks one answer: problems are findings; a refusal is counted for the database check. */
  function judge(route: string, who: string, request: string, response: Response): 'refused' | 'accepted' {
    tally.requests++
    for (const problem of problemsWith(response, secrets))
      findings.push({ route, who, request, status: response.status, problem })
    const refused = response.status >= 400 && response.status < 500
    if (refused) tally.refusals++
    else tally.accepted++
    return refused ? 'refused' : 'accepted'
  }

  /**
   * Runs requests that are expected to be refused, and proves that they changed nothing: one
   * fingerprint around them all; if some were accepted, each refused one again on its own.
   */
  async function batch(route: string, who: string, sends: Send[]) {
    const before = await print()
    const outcomes: ('refused' | 'accepted')[] = []
    for (const s of sends) outcomes.push(judge(route, who, s.label, await s.send()))
    if (outcomes.every((o) => o === 'refused')) {
      const changed = changedTables(before, await print())
      if (changed.length)
        findings.push({
          route,
          who,
          request: `${sends.length} refused requests`,
          status: 400,
          problem: `changed ${changed.join(', ')}`,
        })
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
  async function chain(route: string, who: string, sends: Send[], count = true) {
    let before = await print()
    for (const s of sends) {
      const response = await s.send()
      const refused = count
        ? judge(route, who, s.label, response) === 'refused'
        : response.status >= 400 && response.status < 500
      const after = await print()
      const changed = changedTables(before, after)
      if (refused && changed.length)
        findings.push({
          route,
          who,
          request: s.label,
          status: response.status,
          problem: `refused, yet changed ${changed.join(', ')}`,
        })
      before = after
    }
  }

  /** Follows the app's links, as each user who calls some route, from every page that needs no id and the seeded records. */
  async function discover() {
    // An account the user-admin forms may change freely, so that no signed-in demo user loses their session.
    const admin = await t.db
      .selectFrom('app_user')
      .select('password_hash')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow()
    const throwawayUsers: string[] = []
    // One active, one disabled and locked: between them their pages hold every user-admin form.
    for (const [suffix, state] of [
      ['a', {}],
      ['b', { disabled_at: new Date(), locked_until: new Date(Date.now() + 3_600_000), failed_sign_ins: 10 }],
    ] as const) {
      const row = await t.db
        .insertInto('app_user')
        .values({
          username: `target${suffix}${ids.tag.toLowerCase()}`,
          display_name: 'Hostile Target',
          role: 'iom_officer',
          agency: null,
          password_hash: admin.password_hash,
          ...state,
        })
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
      union all (select l.person_id from partner_link l join person p on p.id = l.person_id where not p.restricted order by l.id limit 1)`.execute(
      t.db,
    )
    const richPeople = people.rows.map((r) => r.id)
    // Records in the states that show the forms the demo data never shows.
    const seeded = await seedFormStates(t.db)
    const commit = routes.find((r) => r.method === 'post' && r.path === '/drug-tests/import/commit')
    const reverse = routes.find((r) => r.method === 'post' && r.path === '/people/:personId/combinations/reverse')

    // Who calls each route, and so whose pages are followed.
    const callers = new Set(routes.map((r) => chosen(r)?.name))
    for (const p of principals.filter((x) => callers.has(x.name))) {
      const session = await signIn(p)
      const mine = emptyFound()
      found.set(p.name, mine)
      // Every route without parameters is a starting point; the rest are reached by links.
      const start = [
        '/',
        ...routes.filter((r) => r.method === 'get' && !r.path.includes(':') && allowed(r, p)).map((r) => r.path),
      ]
      start.unshift(
        ...(p.role === 'administrator'
          ? throwawayUsers.map((id) => `/admin/users/${id}`)
          : [...richPeople.map((id) => `/people/${id}`), ...seeded]),
      )
      // Last, so that the richest records' pages are the ones the crawl reads for each page kind.
      if (reverse && chosen(reverse) === p) start.push(await combinedRecordsPage(t.db, session))
      await spider(session.agent, patterns, (r) => allowed(r, p), start, mine, 2)
      if (commit && chosen(commit) === p)
        learnFrom(mine, patterns, '/drug-tests/import', await importPreviewPage(session))
    }
    timings.discovery = Date.now() - started
  }

  async function attackGet(route: RouteDefinition) {
    const p = chosen(route)!
    const k = key(route)
    const pattern = patterns.find((x) => x.key === k)!
    const url = found.get(p.name)?.urls.get(k)?.[0]
    if (!url) return
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
      judge(k, p.name, `GET ?${keys.join(',')} rotation ${r}`, await get(`${path}?${query.join('&')}`))
    }
    for (const param of pattern.params) {
      for (const id of idPayloads) {
        note(k, `:${param}`, 'id')
        judge(k, p.name, `GET :${param} = ${id.label}`, await get(withSegment(pattern, url, param, id.segment)))
      }
    }
  }

  /**
   * One POST route, attacked through the form that posts to it, in one of two phases:
   *   - refusals: every field gets every payload class (rotated, so that each request carries a
   *     different class in each field), the form a 1 MB body, each path parameter ids that are
   *     not ids; all refused, so one fingerprint around them all proves nothing was written;
   *   - stored: every text field gets the values that can reach the database, one at a time with
   *     the rest of the form plausibly filled, so that what the app accepts is stored (and shown
   *     on the pages crawled afterwards); a fingerprint between each, since some are accepted.
   */
  async function attackPost(route: RouteDefinition, phase: 'refusals' | 'stored') {
    const p = chosen(route)!
    const k = key(route)
    const pattern = patterns.find((x) => x.key === k)!
    const place = found.get(p.name)?.forms.get(k)?.[0]
    const session = await stillSignedIn(p)
    // A route with no form found is still attacked with an empty body; the coverage check fails the run.
    const form: PageForm = place?.form ?? {
      method: 'post',
      action: route.path.replace(/:[A-Za-z_]+/g, '00000000-0000-4000-8000-000000000000'),
      multipart: false,
      fields: [],
    }
    const fields = form.fields.filter(sendable)
    const values = plausibleValues(fields, ids)
    values.set('_csrf', session.csrf)
    const send = (url: string, hostile: ReadonlyMap<string, { encoded: string }>) => () =>
      form.multipart ? multipart(session, url, form, values, hostile) : post(session, url, encodeBody(values, hostile))
    const learn = (response: Response) => {
      if (response.status === 200 && textOf(response.headers['content-type']).startsWith('text/html'))
        learnFrom(found.get(p.name)!, patterns, form.action, response.text)
      return response
    }

    if (phase === 'stored') {
      const deep = fields.filter(takesText).flatMap((f) =>
        deepPayloads.map((payload) => {
          note(k, f.name, payload.cls)
          return {
            label: `${f.name} = ${payload.label}`,
            send: () => send(form.action, new Map([[f.name, payload]]))().then(learn),
          }
        }),
      )
      return chain(k, p.name, deep)
    }
    const rotation = payloads.map((_, r) => {
      const hostile = new Map(fields.map((f, i) => [f.name, payloads[(r + i) % payloads.length]!]))
      for (const [name, payload] of hostile) note(k, name, payload.cls)
      return { label: `rotation ${r}`, send: () => send(form.action, hostile)().then(learn) }
    })
    // The body limit counts the whole body, whichever field holds it: one field per form is enough.
    const big = {
      label: '1 MB in one field',
      send: send(form.action, new Map(fields.slice(0, 1).map((f) => [f.name, { encoded: megabyte }]))),
    }
    const paths = pattern.params.flatMap((param) =>
      idPayloads.slice(1, 4).map((id) => {
        note(k, `:${param}`, 'id')
        return {
          label: `:${param} = ${id.label}`,
          send: send(withSegment(pattern, form.action, param, id.segment), new Map()),
        }
      }),
    )
    await batch(k, p.name, [...rotation, big, ...paths])
  }

  /** Every page seen in the crawl, again, now that the hostile values the app accepted are stored. */
  async function recrawl() {
    for (const p of principals.filter((x) => found.has(x.name))) {
      const session = await stillSignedIn(p)
      const again = emptyFound()
      const seen = [...found.get(p.name)!.urls.entries()].flatMap(([, urls]) =>
        urls.slice(0, 1).filter((u) => !/\.(csv|json)(\?|$)/.test(u)),
      )
      for (const url of seen) {
        const pattern = routeFor(patterns, 'get', url.split('?')[0]!)
        if (!pattern || !allowed(pattern.route, p)) continue
        const response = await session.agent.get(url)
        judge(pattern.key, p.name, `GET ${url} after the attack`, response)
        if (response.status === 200 && String(response.headers['content-type']).startsWith('text/html'))
          learnFrom(again, patterns, url, response.text)
      }
    }
  }

  /** Times one step of the run, for the summary. */
  async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
    const s = Date.now()
    try {
      return await step()
    } finally {
      timings[name] = (timings[name] ?? 0) + Date.now() - s
    }
  }

  function summary(): string {
    const { requests, refusals, accepted, fingerprints, fingerprintMs } = tally
    return `hostile input: ${requests} requests (${refusals} refused, ${accepted} accepted), ${fingerprints} fingerprints (${fingerprintMs} ms), in ${Date.now() - started} ms; ${JSON.stringify(timings)}`
  }

  await discover()
  return {
    t,
    routes,
    found,
    findings,
    tally,
    sessions,
    print,
    judge,
    attackGet,
    attackPost,
    recrawl,
    timed,
    summary,
    /** The routes of `method` whose caller found no page (GET) or no form (POST) for them. */
    unreached(method: 'get' | 'post'): string[] {
      return routes
        .filter((r) => r.method === method)
        .filter(
          (r) =>
            !(method === 'get' ? found.get(chosen(r)?.name ?? '')?.urls : found.get(chosen(r)?.name ?? '')?.forms)?.has(
              key(r),
            ),
        )
        .map(key)
    },
    close: () => t.close(),
  }
}

export type Run = Awaited<ReturnType<typeof startRun>>

export function report(list: readonly Finding[]): string {
  return list
    .slice(0, 40)
    .map((f) => `\n  ${f.route} as ${f.who}, ${f.request}: ${f.status} ${f.problem}`)
    .join('')
}
