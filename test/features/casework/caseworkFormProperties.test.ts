import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contactOutcomes } from '../../../server/features/casework/contactOutcomes.ts'
import { pathways } from '../../../server/features/people/vocabulary.ts'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import {
  createPerson,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  field,
  hostileDate,
  hostileForm,
  hostileText,
  notAUuid,
  notOneOf,
  postForm,
  rowCounts,
  writeAuditCount,
  type FieldSpec,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let iom: { agent: Agent; csrf: string }
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  iom = await signInAs(t.app, 'iom')
})
afterAll(async () => {
  await t.close()
})

const numRuns = 25

/** A hostile form gets a 400 with a message, echoes nothing unescaped, and leaves the database as it was. */
async function expectRefused(path: string, form: FormData): Promise<void> {
  const snapshot = async () => ({
    ...(await rowCounts(t.db, ['contact', 'action'])),
    writes: await writeAuditCount(t.db),
  })
  const before = await snapshot()
  const response = await postForm(iom, path, form)
  expect(response.status).toBe(400)
  expect(errorSummaryLinks(response.text).length).toBeGreaterThan(0)
  expect(response.text).not.toContain('<script>alert(1)</script>')
  expect(await snapshot()).toEqual(before)
}

function contactSpec(contactTypes: string[]): Record<string, FieldSpec> {
  return {
    contactDate: {
      valid: dateFields('contactDate', todayInLondon()),
      hostile: hostileDate('contactDate', { notFuture: true, required: true }),
    },
    contactType: {
      valid: { contactType: 'phone' },
      hostile: field('contactType', fc.oneof(notOneOf(contactTypes), hostileText(40, { required: true }))),
    },
    pathway: { valid: { pathway: 'health' }, hostile: field('pathway', notOneOf(pathways)) },
    note: {
      valid: { note: 'Spoke about the GP appointment' },
      hostile: field('note', hostileText(4000, { required: true })),
    },
    outcome: { valid: { outcome: 'engaged' }, hostile: field('outcome', notOneOf(contactOutcomes)) },
  }
}

function actionSpec(): Record<string, FieldSpec> {
  return {
    description: {
      valid: { description: 'Book the GP appointment' },
      hostile: field('description', hostileText(500, { required: true })),
    },
    // Besides ids that are not ids: ids of no one, and of a user who may not own actions.
    ownerId: {
      valid: { ownerId: users.iom },
      hostile: field('ownerId', fc.oneof(notAUuid(), fc.uuid(), fc.constant(users.cid), fc.constant(users.admin))),
    },
    dueDate: {
      valid: dateFields('dueDate', addDays(todayInLondon(), 3)),
      hostile: hostileDate('dueDate', { notPast: true, required: true }),
    },
    actionPathway: { valid: { actionPathway: 'accommodation' }, hostile: field('actionPathway', notOneOf(pathways)) },
  }
}

describe('hostile input to the casework forms', () => {
  it('recording a contact: any hostile field gets 400 with a message and writes nothing', async () => {
    const person = await createPerson(t.db)
    const contactTypes = (await t.db.selectFrom('contact_type').select('code').execute()).map((c) => c.code)
    await fc.assert(
      fc.asyncProperty(hostileForm(contactSpec(contactTypes)), (form) =>
        expectRefused(`/people/${person.id}/contacts`, form),
      ),
      { numRuns },
    )
  })

  it('setting an action: any hostile field gets 400 with a message and writes nothing', async () => {
    const person = await createPerson(t.db)
    await fc.assert(
      fc.asyncProperty(hostileForm(actionSpec()), (form) => expectRefused(`/people/${person.id}/actions`, form)),
      { numRuns },
    )
  })

  it('the same forms with every field valid are accepted, so the refusals above are about the hostile field', async () => {
    const person = await createPerson(t.db)
    const valid = (spec: Record<string, FieldSpec>) =>
      Object.assign({}, ...Object.values(spec).map((s) => s.valid)) as FormData
    await postForm(iom, `/people/${person.id}/contacts`, valid(contactSpec([]))).expect(303)
    await postForm(iom, `/people/${person.id}/actions`, valid(actionSpec())).expect(303)
  })
})
