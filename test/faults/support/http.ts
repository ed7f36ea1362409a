import http from 'node:http'
import { demoPassword } from '../../helpers/constants.ts'

/** One request's fate: an answer, or the network error that ended it, and how long it took. */
export type Reply = {
  label: string
  status?: number
  location?: string
  body: string
  setCookie: string[]
  error?: string
  startedAt: number
  ms: number
}

export type RequestSpec = {
  method: 'GET' | 'POST'
  path: string
  cookie?: string
  form?: Record<string, string>
  /** Far longer than any answer should take: past it the request is recorded as hung. */
  timeoutMs?: number
  label?: string
  /** A keep-alive agent, as a browser would hold its connections open; by default a connection of its own. */
  agent?: http.Agent
  /** Called once the connection is made and the whole request handed to the operating system. */
  onSent?: () => void
}

/**
 * A request on a connection of its own (no keep-alive pool), so that a reset, a refusal or a
 * hang belongs to that request alone. Never rejects: failures come back as `error`.
 */
export function send(baseUrl: string, spec: RequestSpec): Promise<Reply> {
  const startedAt = Date.now()
  const body = spec.form ? new URLSearchParams(spec.form).toString() : undefined
  return new Promise((resolve) => {
    let settled = false
    const finish = (reply: Omit<Reply, 'startedAt' | 'ms' | 'label'>) => {
      if (settled) return
      settled = true
      resolve({ label: spec.label ?? `${spec.method} ${spec.path}`, ...reply, startedAt, ms: Date.now() - startedAt })
    }
    const request = http.request(
      new URL(spec.path, baseUrl),
      {
        method: spec.method,
        agent: spec.agent ?? false,
        headers: {
          ...(spec.agent ? {} : { connection: 'close' }),
          ...(spec.cookie ? { cookie: spec.cookie } : {}),
          ...(body
            ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }
            : {}),
        },
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (text += chunk))
        response.on('end', () =>
          finish({
            status: response.statusCode,
            location: response.headers.location,
            body: text,
            setCookie: response.headers['set-cookie'] ?? [],
          }),
        )
        response.on('error', (error) => finish({ error: describe(error), body: text, setCookie: [] }))
      },
    )
    request.setTimeout(spec.timeoutMs ?? 10_000, () => {
      finish({ error: 'hung: no answer in time', body: '', setCookie: [] })
      request.destroy()
    })
    request.on('error', (error) => finish({ error: describe(error), body: '', setCookie: [] }))
    // Sent means connected and written: a request still waiting for its connection is not yet in flight.
    let connected = false
    let written = false
    const sent = () => connected && written && spec.onSent?.()
    request.on('socket', (socket) => {
      if (!socket.connecting) connected = true
      else socket.once('connect', () => ((connected = true), sent()))
    })
    request.on('finish', () => ((written = true), sent()))
    request.end(body)
  })
}

function describe(error: Error): string {
  const code = (error as { code?: string }).code
  return code ? `${code}: ${error.message}` : error.message
}

export function csrfFrom(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
}

/** The idempotency key of the form that posts to `action`, as rendered on the page. */
export function formKey(html: string, action: string): string | undefined {
  const form = new RegExp(`<form method="post" action="${action.replace(/[/.]/g, '\\$&')}"[\\s\\S]*?</form>`).exec(
    html,
  )?.[0]
  return form ? /name="_idempotencyKey" value="([^"]+)"/.exec(form)?.[1] : undefined
}

/** A signed-in browser: its session cookie (followed as the app renews it) and its CSRF token. */
export class Browser {
  cookie = ''
  csrf = ''
  readonly replies: Reply[] = []

  constructor(public baseUrl: string) {}

  async request(spec: RequestSpec): Promise<Reply> {
    const reply = await send(this.baseUrl, { ...spec, cookie: this.cookie || undefined })
    const sid = reply.setCookie.map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('cohort.sid='))
    if (sid) this.cookie = sid
    this.replies.push(reply)
    return reply
  }

  get(path: string, label?: string) {
    return this.request({ method: 'GET', path, label })
  }

  post(path: string, form: Record<string, string>, label?: string) {
    return this.request({ method: 'POST', path, form: { _csrf: this.csrf, ...form }, label })
  }

  /** Signs in through the real form; the CSRF token then comes from the home page's sign-out form. */
  static async signIn(baseUrl: string, username: string): Promise<Browser> {
    const browser = new Browser(baseUrl)
    const page = await browser.get('/sign-in')
    const token = csrfFrom(page.body)
    if (page.status !== 200 || !token) throw new Error(`The sign-in page answered ${page.status ?? page.error}`)
    const signIn = await browser.request({
      method: 'POST',
      path: '/sign-in',
      form: { _csrf: token, username, password: demoPassword },
    })
    if (signIn.status !== 303) throw new Error(`Signing in as ${username} answered ${signIn.status ?? signIn.error}`)
    const home = await browser.get('/')
    browser.csrf = csrfFrom(home.body) ?? ''
    if (home.status !== 200 || !browser.csrf) throw new Error(`The home page answered ${home.status ?? home.error}`)
    return browser
  }
}
