import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPassport } from '../../server/auth/passport.ts'
import { buildRoutes } from '../../server/routes.ts'
import { formsOf } from './hostile/htmlTags.ts'
import { seedFormStates } from './hostile/formStates.ts'
import { allowed, findRouteParams, principals, routeKey, urlsFor } from '../helpers/routeCrawl.ts'
import { anonymousAgent, signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

/**
 * Every id on a page is unique (WCAG 4.1.1 and 1.3.1 in practice): a label's `for`, an error
 * summary's link and `aria-describedby` all find the first element with an id, so a second one
 * sends a person to the wrong field. Every GET route of the registry is called as every demo
 * role that may call it, with real ids from the demo caseload, and each HTML page is parsed; then
 * the records whose forms only some states show (an open failure holds two forms with a
 * reference), and each of their forms sent back empty, so that the error messages are read too.
 */

/** The id attributes of a page, leaving out scripts and styles, whose text is not markup. */
function idsOf(html: string): string[] {
  const markup = html.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, '')
  return [...markup.matchAll(/<[a-zA-Z][^>]*?\sid\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((m) => m[1] ?? m[2] ?? '')
}

function duplicatesOf(ids: string[]): string[] {
  const seen = new Set<string>()
  return [...new Set(ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false))))]
}

let t: TestApp
const pages: { call: string; status: number; duplicates: string[]; ids: number }[] = []

function read(call: string, response: { status: number; text: string; headers: Record<string, unknown> }): void {
  const type = response.headers['content-type']
  if (typeof type !== 'string' || !type.startsWith('text/html')) return
  const ids = idsOf(response.text)
  pages.push({ call, status: response.status, duplicates: duplicatesOf(ids), ids: ids.length })
}

beforeAll(async () => {
  t = await createTestApp()
  const agents = new Map<string, Agent>()
  for (const p of principals)
    agents.set(
      p.name,
      p.username === null ? (await anonymousAgent(t.app)).agent : (await signInAs(t.app, p.username)).agent,
    )
  const found = await findRouteParams(t.db, agents.get('supervisor')!)
  const searchSurname = (await t.db.selectFrom('person').select('surname').orderBy('surname').executeTakeFirstOrThrow())
    .surname
  const routes = buildRoutes({
    db: t.db,
    databaseKind: t.database.kind,
    config: t.config,
    services: t.services,
    passport: createPassport(t.db, t.services.signInService),
  })
  for (const p of principals) {
    for (const route of routes.filter((r) => r.method === 'get' && allowed(r, p))) {
      for (const { url } of urlsFor(route, p, found, searchSurname).urls) {
        read(`${routeKey(route)} ${url} as ${p.name}`, await agents.get(p.name)!.get(url).buffer(true))
      }
    }
  }
  // The records in states whose forms the demo data never shows, as every role, then each of their
  // forms sent with its hidden fields alone (refused, so the page comes back with its error messages).
  const statePages = await seedFormStates(t.db)
  const forms: { principal: string; page: string; action: string; body: string }[] = []
  for (const p of principals.filter((x) => x.username)) {
    for (const url of statePages) {
      const page = await agents.get(p.name)!.get(url).buffer(true)
      read(`GET ${url} as ${p.name}`, page)
      for (const form of formsOf(page.text).filter((f) => f.method === 'post' && !f.multipart)) {
        if (form.action === '/sign-out') continue
        const hidden = form.fields.filter((f) => f.kind === 'hidden')
        const body = hidden.map((f) => `${encodeURIComponent(f.name)}=${encodeURIComponent(f.value)}`).join('&')
        forms.push({ principal: p.name, page: url, action: form.action, body })
      }
    }
  }
  for (const { principal, page, action, body } of forms) {
    const refused = await agents.get(principal)!.post(action).type('form').send(body).buffer(true)
    if (refused.status === 400) read(`POST ${action} (empty, from ${page}) as ${principal}`, refused)
  }
}, 180_000)

afterAll(async () => {
  await t?.close()
})

describe('unique ids', () => {
  it('reads ids the way a browser does, and leaves scripts out', () => {
    const html = `<label for="a">A</label><input id="a" name="a"><div class='x' id='b'></div>
      <script>document.querySelector('[id="a"]')</script><p data-id="a">x</p>`
    expect(idsOf(html)).toEqual(['a', 'b'])
    expect(duplicatesOf(['a', 'b', 'a', 'a'])).toEqual(['a'])
  })

  it('no page, as any role that may see it, carries the same id twice', () => {
    expect(pages.length, 'pages crawled').toBeGreaterThan(100)
    expect(
      pages.filter((p) => p.status >= 500).map((p) => p.call),
      'no page failed',
    ).toEqual([])
    expect(
      pages.filter((p) => p.ids > 0).length,
      'pages with ids were read (the layout has at least the main content)',
    ).toBe(pages.length)
    const offenders = pages.filter((p) => p.duplicates.length).map((p) => `${p.call}: ${p.duplicates.join(', ')}`)
    expect(offenders).toEqual([])
  })
})
