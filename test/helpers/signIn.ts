import type { Express } from 'express'
import request from 'supertest'
import { demoPassword } from './constants.ts'

export type Agent = ReturnType<typeof request.agent>

/** The CSRF token a page's forms carry. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!match?.[1]) throw new Error('No CSRF token on the page')
  return match[1]
}

export function sessionIdFrom(response: { headers: Record<string, unknown> }): string | undefined {
  const cookies = response.headers['set-cookie'] as string[] | undefined
  const cookie = cookies?.find((c) => c.startsWith('cohort.sid='))
  return cookie?.split(';')[0]?.split('=')[1]
}

/** An anonymous agent with a session and the CSRF token of the sign-in page. */
export async function anonymousAgent(app: Express): Promise<{ agent: Agent; csrf: string }> {
  const agent = request.agent(app)
  const page = await agent.get('/sign-in').expect(200)
  return { agent, csrf: csrfFrom(page.text) }
}

/** Signs a demo user in through the real form and returns the agent and a current CSRF token. */
export async function signInAs(
  app: Express,
  username: string,
  password = demoPassword,
): Promise<{ agent: Agent; csrf: string }> {
  const { agent, csrf } = await anonymousAgent(app)
  const response = await agent.post('/sign-in').type('form').send({ _csrf: csrf, username, password })
  if (response.status !== 303) throw new Error(`Sign-in as ${username} failed with ${response.status}`)
  const home = await agent.get('/sign-in')
  // Signed-in users are sent home from /sign-in; the home page carries the sign-out form's token.
  const page = home.status === 303 ? await agent.get(home.headers.location as string) : home
  return { agent, csrf: csrfFrom(page.text) }
}
