import express from 'express'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isRefusedInput } from '../../server/http/databaseErrors.ts'
import { errorHandler } from '../../server/http/errorHandler.ts'
import { cspNonce } from '../../server/http/security.ts'
import { useViews } from '../../server/http/views.ts'
import { createLogger } from '../../server/logger.ts'
import { headingOf } from '../helpers/html.ts'
import { signInAs } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

// The fixes the hostile-input suite (hostileInput.test.ts) led to, each pinned on its own.

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
})

describe('input the database would refuse', () => {
  it('when a reference code in the path holds a NUL byte, the administrator gets page not found, not a server error', async () => {
    const { agent, csrf } = await signInAs(t.app, 'admin')
    const page = await agent.get('/admin/reference/offences/abc%00def')
    expect(page.status).toBe(404)
    const save = await agent
      .post('/admin/reference/offences/abc%00def')
      .type('form')
      .send({ _csrf: csrf, label: 'Theft', active: 'yes' })
    expect(save.status).toBe(404)
  })

  it('when a value reaches the database and is refused there, the user gets a 400 page that says to check what they entered', async () => {
    const app = express()
    useViews(app, { cache: false })
    app.locals.serviceName = 'Cohort'
    app.use(cspNonce)
    app.get('/nul', () => {
      throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' })
    })
    app.get('/too-long', () => {
      throw Object.assign(new Error('value too long for type character varying(50)'), { code: '22001' })
    })
    app.use(errorHandler({ logger: createLogger('silent'), showStack: false }))
    for (const url of ['/nul', '/too-long']) {
      const response = await request(app).get(url)
      expect(response.status, url).toBe(400)
      expect(headingOf(response.text)).toBe('There is a problem with the request')
      expect(response.text).toContain('Check what you entered and try again.')
    }
  })

  it('only errors about the value sent count as refused input, not a lost connection or a broken query', () => {
    expect(isRefusedInput(Object.assign(new Error('x'), { code: '22021' }))).toBe(true)
    expect(isRefusedInput(Object.assign(new Error('x'), { code: '22P02' }))).toBe(true)
    expect(isRefusedInput(Object.assign(new Error('x'), { code: '42P01' }))).toBe(false)
    expect(isRefusedInput(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false)
    expect(isRefusedInput(null)).toBe(false)
  })
})

describe('bodies over the limit', () => {
  it('when a form is sent with a megabyte in a field, the user gets a 413 page saying it is too large, and nothing is saved', async () => {
    const { agent, csrf } = await signInAs(t.app, 'admin')
    const before = await t.db
      .selectFrom('offence')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    const response = await agent
      .post('/admin/reference/offences')
      .type('form')
      .send({ _csrf: csrf, code: 'BIG', label: 'A'.repeat(1024 * 1024) })
    expect(response.status).toBe(413)
    expect(headingOf(response.text)).toBe('What you sent is too large')
    expect(response.text).toContain('Shorten the text you entered and try again.')
    const after = await t.db
      .selectFrom('offence')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })
})
