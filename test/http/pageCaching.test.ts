import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInAs } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
})

describe('what browsers may keep', () => {
  it('keeps no page that shows personal data: no-store, and no entity tag to revalidate it by', async () => {
    const { agent } = await signInAs(t.app, 'iom')
    for (const path of ['/', '/caseload', '/people/search?q=Smith']) {
      const page = await agent.get(path)
      expect(page.status, path).toBe(200)
      expect(page.headers['cache-control'], path).toBe('no-store')
      expect(page.headers.etag, path).toBeUndefined()
    }
  })

  it('still lets browsers cache and revalidate the static assets', async () => {
    const asset = await request(t.app).get('/static/css/cohort.css')
    expect(asset.status).toBe(200)
    expect(asset.headers.etag).toBeDefined()
    expect(asset.headers['cache-control']).not.toBe('no-store')
  })
})
