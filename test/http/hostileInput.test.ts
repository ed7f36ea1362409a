import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changedTables } from './hostile/fingerprint.ts'
import { payloadClasses } from './hostile/payloads.ts'
import { report, startRun, weight, type Run } from './hostile/run.ts'

/**
 * Hostile input, generated from the route registry. Every route is called by a user allowed to
 * call it (the first of `principals` that may), at a real URL found by following the app's own
 * links. Its query parameters are those of the links and GET forms aimed at it; its form fields
 * are those of the form that posts to it, read from the page that holds the form
 * (hostile/formStates.ts seeds the records whose state shows the forms the demo data never shows).
 *
 *   - every query parameter and form field gets every payload class (rotated, so that each
 *     request carries a different class in each field);
 *   - every form gets a 1 MB body (over the parser's limit), every path parameter ids that are not ids;
 *   - every text field also gets the values that can reach the database (NUL, quotes, markup,
 *     odd Unicode) one at a time, with the other fields plausibly filled, so that the hostile
 *     value is stored if the app accepts it and shown on the pages crawled afterwards;
 * and then:
 *   - no answer is a 5xx;
 *   - no HTML answer carries markup a payload made (a script without the response's CSP nonce,
 *     an on* attribute, a javascript: URL, an element the views never write, an evaluated template);
 *   - a refused request (4xx) writes no table but the session, audit and rate-limit tables
 *     (see hostile/fingerprint.ts for why those three).
 *
 * One file, not one per phase: each phase needs the same crawl first (the costliest part), and
 * vitest runs files one at a time on a two-core machine (its default is a worker per core but
 * one), so separate files would each repeat the crawl and finish later, not sooner.
 */

/**
 * POST routes whose form the crawl need not find, with the reason. Every other POST route must
 * have its form found on a page, so that its own fields are attacked, not just an empty body.
 * (Sign-out's form is in every signed-in page's header: found, with no field but the token.)
 */
const formlessPosts: Readonly<Record<string, string>> = {}

let run: Run
const posts = () => run.routes.filter((r) => r.method === 'post').sort((a, b) => weight(a) - weight(b))
const fieldsAttacked = () => [...run.tally.classes].filter(([name]) => !/ :[A-Za-z]+$/.test(name))

beforeAll(async () => {
  run = await startRun()
}, 180_000)

afterAll(async () => {
  if (run) console.info(run.summary())
  await run?.close()
})

describe('hostile input into every route of the registry', () => {
  it('finds a page for every GET route and the form of every POST route, so that its own fields are attacked', () => {
    expect(run.unreached('get'), 'GET routes no page links to').toEqual([])
    const unreached = run.unreached('post')
    expect(
      unreached.filter((k) => !(k in formlessPosts)),
      'POST routes whose form no crawled page holds: seed a record that shows it (hostile/formStates.ts)',
    ).toEqual([])
    expect(
      Object.keys(formlessPosts).filter((k) => !unreached.includes(k)),
      'exceptions whose form is found after all',
    ).toEqual([])
  })

  it('every GET route, its query parameters and its path parameters: no 5xx, no injected markup, nothing written', async () => {
    const before = await run.print()
    await run.timed('gets', async () => {
      for (const route of run.routes.filter((r) => r.method === 'get')) await run.attackGet(route)
      // Once: a URL over Node's header limit is refused before the app sees it: Node 20 answers
      // 431, Node 24 may close the connection while the client is still sending. Either way the
      // app never sees it; any other answer is judged like the rest.
      const huge = await run.sessions
        .get('supervisor')!
        .agent.get(`/people/search?q=${'A'.repeat(1024 * 1024)}`)
        .catch((error: { code?: string }) => {
          if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return undefined
          throw error
        })
      if (huge) run.judge('GET /people/search', 'supervisor', '1 MB query string', huge)
    })
    // Reading pages writes only sessions and audit rows, whatever the query.
    expect(changedTables(before, await run.print()), 'tables written by GET requests').toEqual([])
    const mine = run.findings.filter((f) => f.route.startsWith('GET'))
    expect(mine.length, `problems:${report(mine)}`).toBe(0)
  }, 180_000)

  it('every POST route and every field of its form, every payload class: no 5xx, no injected markup, nothing written', async () => {
    const before = run.findings.length
    await run.timed('refusals', async () => {
      for (const route of posts()) await run.attackPost(route, 'refusals')
    })
    const mine = run.findings.slice(before)
    expect(mine.length, `problems:${report(mine)}`).toBe(0)
    const short = fieldsAttacked().flatMap(([name, classes]) => {
      const missing = payloadClasses.filter((c) => !classes.has(c))
      return missing.length ? [`${name}: ${missing.join(', ')}`] : []
    })
    expect(short, 'fields short of some payload class').toEqual([])
  }, 300_000)

  it('every text field, with the rest of its form valid, given values that can be stored: no 5xx, no injected markup, nothing written on refusal', async () => {
    const before = run.findings.length
    const accepted = run.tally.accepted
    await run.timed('stored', async () => {
      for (const route of posts()) await run.attackPost(route, 'stored')
    })
    const mine = run.findings.slice(before)
    expect(mine.length, `problems:${report(mine)}`).toBe(0)
    expect(
      run.tally.accepted - accepted,
      'hostile text stored by some form, for the pages crawled next to show',
    ).toBeGreaterThan(0)
  }, 300_000)

  it('the pages shown after the hostile values were stored carry none of them as markup', async () => {
    const before = run.findings.length
    await run.timed('recrawl', () => run.recrawl())
    const mine = run.findings.slice(before)
    expect(mine.length, `problems:${report(mine)}`).toBe(0)
  }, 180_000)
})
