import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Request, Response } from 'express'
import { clientRequestIdOf, requestId } from '../../server/http/security.ts'
import { createPerson, sealed } from '../helpers/factories.ts'
import { signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

// The request id in logs, audit rows and the response header is always the server's own: a
// client's X-Request-Id is kept beside it, and only when it has the strict shape.

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

let t: TestApp
let iom: { agent: Agent; csrf: string }
let personId: string

beforeAll(async () => {
  t = await createTestApp()
  iom = await signInAs(t.app, 'iom')
  personId = (await createPerson(t.db)).id
})
afterAll(async () => {
  await t.close()
})

/** Opens a person's page sending `clientId`, and returns the answer's header and the consultation row it wrote. */
async function viewWith(clientId: string | undefined) {
  const call = iom.agent.get(`/people/${personId}`)
  const response = await (clientId === undefined ? call : call.set('X-Request-Id', clientId)).expect(200)
  const header = String(response.headers['x-request-id'])
  const rows = await (
    await sealed(t.db)
  )
    .selectFrom('audit_event')
    .select(['request_id', 'client_request_id', 'event'])
    .where('request_id', '=', header)
    .execute()
  return { header, rows }
}

describe('request ids', () => {
  it('a well-formed client id (a uuid, or a proxy’s token) is stored beside the server’s own, which the header carries', async () => {
    for (const clientId of ['0b6a8c9e-3f1d-4c2a-9e7b-5d4f3a2b1c0d', 'lb-7f3a.2026_12_05']) {
      const { header, rows } = await viewWith(clientId)
      expect(header).toMatch(uuidPattern)
      expect(header).not.toBe(clientId)
      expect(rows).toEqual([{ request_id: header, client_request_id: clientId, event: 'person.viewed' }])
    }
  })

  it('without a client id, the row has the server’s id alone', async () => {
    const { header, rows } = await viewWith(undefined)
    expect(header).toMatch(uuidPattern)
    expect(rows).toEqual([{ request_id: header, client_request_id: null, event: 'person.viewed' }])
  })

  it('a hostile client id (too long, too short, SQL, markup, spaces) is not stored anywhere, and the server’s id is used', async () => {
    const hostile = [
      'a'.repeat(500),
      'a'.repeat(65),
      'short',
      "x'; drop table audit_event; --",
      '<script>alert(1)</script>',
      'id with spaces',
      'tab\tinside1',
      'ünïcødé-id',
    ]
    for (const clientId of hostile) {
      const { header, rows } = await viewWith(clientId)
      expect(header, clientId).toMatch(uuidPattern)
      expect(rows, clientId).toEqual([{ request_id: header, client_request_id: null, event: 'person.viewed' }])
    }
    const stored = await t.db.selectFrom('audit_event').select('id').where('client_request_id', 'in', hostile).execute()
    expect(stored).toEqual([])
    expect(await t.db.selectFrom('audit_event').select('id').where('request_id', 'in', hostile).execute()).toEqual([])
  })

  it('a client id with a line break (which no HTTP client will send, but a raw socket could) is dropped', () => {
    for (const clientId of ['abcdefgh\r\nSet-Cookie: x=1', 'abcdefgh\nsecond-line', 'abcdefgh\u0000']) {
      const headers: Record<string, string> = {}
      const req = {
        get: (name: string) => (name.toLowerCase() === 'x-request-id' ? clientId : undefined),
      } as unknown as Request
      const res = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response
      let nextCalled = false
      requestId(req, res, () => (nextCalled = true))
      expect(nextCalled).toBe(true)
      expect(req.id).toMatch(uuidPattern)
      expect(headers['X-Request-Id']).toBe(req.id)
      expect(clientRequestIdOf(req)).toBeNull()
    }
  })

  it('the database itself refuses a client id of the wrong shape, whatever the app lets through', async () => {
    await expect(
      t.db
        .insertInto('audit_pending')
        .values({
          category: 'security',
          event: 'test.hostile_id',
          actor_user_id: null,
          actor_username: null,
          entity_type: null,
          entity_id: null,
          person_id: null,
          purpose: null,
          recipients: null,
          request_id: null,
          client_request_id: 'bad\nid<script>',
          ip: null,
          detail: null,
        })
        .execute(),
    ).rejects.toThrow(/client_request_id_shape/)
    expect(
      await t.db.selectFrom('audit_pending').select('seq').where('event', '=', 'test.hostile_id').execute(),
    ).toEqual([])
  })
})
