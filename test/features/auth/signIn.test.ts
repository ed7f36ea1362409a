import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anonymousAgent, signInAs } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
})

describe('signing in', () => {
  it('when a demo user signs in with the right password, they reach the home page with their name and role', async () => {
    const { agent } = await signInAs(t.app, 'iom')
    const home = await agent.get('/').expect(200)
    expect(home.text).toContain('IOM officer')
    expect(home.text).toContain('East Area BCU')
    expect(home.text).toContain('OFFICIAL-SENSITIVE')
  })

  it('an unknown user and a wrong password get the same status and the same message', async () => {
    const { agent, csrf } = await anonymousAgent(t.app)
    const unknown = await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrf, username: 'nobody-here', password: 'whatever-123' })
    const wrong = await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrf, username: 'cid', password: 'not-the-password' })
    expect(unknown.status).toBe(401)
    expect(wrong.status).toBe(unknown.status)
    const message = (html: string) =>
      /<ul class="govuk-list govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1]?.trim()
    expect(message(unknown.text)).toContain('Enter a correct username and password')
    expect(message(wrong.text)).toBe(message(unknown.text))
  })
})
