import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createPerson,
  errorSummaryLinks,
  field,
  hostileForm,
  hostileText,
  hostileVersion,
  notAUuid,
  postForm,
  repeated,
  rowCounts,
  writeAuditCount,
  type FieldSpec,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { combinationOf, combine, combineForm, personFields, rowsOf } from './combinationSupport.ts'

let t: TestApp
let supervisor: { agent: Agent; csrf: string }
let pair: { keep: string; duplicate: string }
let combined: { keep: string; duplicate: string }

beforeAll(async () => {
  t = await createTestApp()
  supervisor = await signInAs(t.app, 'supervisor')
  pair = { keep: (await createPerson(t.db)).id, duplicate: (await createPerson(t.db)).id }
  combined = { keep: (await createPerson(t.db)).id, duplicate: (await createPerson(t.db)).id }
  await combine(t.db, supervisor, combined.keep, combined.duplicate)
})
afterAll(async () => {
  await t.close()
})

const numRuns = 30

/** Everything a combination or its reversal could change. */
async function state() {
  return {
    ...(await rowCounts(t.db, ['person', 'person_alias', 'person_combination', 'person_combination_change'])),
    writes: await writeAuditCount(t.db),
    pair: [await rowsOf(t.db, pair.keep), await rowsOf(t.db, pair.duplicate), await personFields(t.db, pair.duplicate)],
    combined: [
      await personFields(t.db, combined.duplicate),
      (await combinationOf(t.db, combined.duplicate)).reversed_at,
    ],
  }
}

/** A refused form: 400, a message, nothing unescaped from the input, and nothing written. */
async function expectRefused(post: () => Promise<{ status: number; text: string }>, message: 'summary' | 'page') {
  const before = await state()
  const response = await post()
  expect(response.status).toBe(400)
  if (message === 'summary') expect(errorSummaryLinks(response.text).length).toBeGreaterThan(0)
  else expect(response.text).toContain('Check what you entered and try again')
  expect(response.text).not.toContain('<script>alert(1)</script>')
  expect(await state()).toEqual(before)
}

const notTheTick = fc.oneof(
  fc.constantFrom(null, '', 'no', 'YES', ' yes', 'on', 'true'),
  repeated.map((r) => ['yes', ...r]),
)

describe('hostile input to the combination forms', () => {
  it('combining: a hostile reason or confirmation gets 400 with the error summary, and nothing is combined', async () => {
    const spec: Record<string, FieldSpec> = {
      reason: {
        valid: { reason: 'Same fingerprints' },
        hostile: field('reason', hostileText(1000, { required: true })),
      },
      confirmSamePerson: { valid: { confirmSamePerson: 'yes' }, hostile: field('confirmSamePerson', notTheTick) },
    }
    const keys = await combineForm(t.db, pair.keep, pair.duplicate)
    await fc.assert(
      fc.asyncProperty(hostileForm(spec), (form: FormData) =>
        expectRefused(
          () =>
            postForm(supervisor, `/people/${pair.keep}/combine`, {
              mergedId: keys.mergedId,
              survivorVersion: keys.survivorVersion,
              mergedVersion: keys.mergedVersion,
              ...form,
            }),
          'summary',
        ),
      ),
      { numRuns },
    )
  })

  it('combining: hidden fields the check page never sends get 400, and nothing is combined', async () => {
    const keys = await combineForm(t.db, pair.keep, pair.duplicate)
    const spec: Record<string, FieldSpec> = {
      mergedId: {
        valid: { mergedId: keys.mergedId },
        hostile: field('mergedId', fc.oneof(notAUuid(), fc.constant(null))),
      },
      survivorVersion: {
        valid: { survivorVersion: keys.survivorVersion },
        hostile: field('survivorVersion', hostileVersion),
      },
      mergedVersion: { valid: { mergedVersion: keys.mergedVersion }, hostile: field('mergedVersion', hostileVersion) },
    }
    await fc.assert(
      fc.asyncProperty(hostileForm(spec), (form: FormData) =>
        expectRefused(
          () =>
            postForm(supervisor, `/people/${pair.keep}/combine`, {
              ...form,
              reason: keys.reason,
              confirmSamePerson: 'yes',
            }),
          'page',
        ),
      ),
      { numRuns },
    )
  })

  it('reversing: a hostile reason gets 400 with the error summary; hostile hidden fields get 400; nothing is reversed', async () => {
    const combination = await combinationOf(t.db, combined.duplicate)
    const reasonSpec: Record<string, FieldSpec> = {
      reverseReason: {
        valid: { reverseReason: 'Wrong man' },
        hostile: field('reverseReason', hostileText(1000, { required: true })),
      },
    }
    const url = `/people/${combined.keep}/combinations/reverse`
    const keys = { combinationId: combination.id, version: String(combination.version) }
    await fc.assert(
      fc.asyncProperty(hostileForm(reasonSpec), (form: FormData) =>
        expectRefused(() => postForm(supervisor, url, { ...keys, ...form }), 'summary'),
      ),
      { numRuns },
    )
    const keySpec: Record<string, FieldSpec> = {
      combinationId: {
        valid: { combinationId: combination.id },
        hostile: field('combinationId', fc.oneof(notAUuid(), fc.constant(null))),
      },
      version: { valid: { version: keys.version }, hostile: field('version', hostileVersion) },
    }
    await fc.assert(
      fc.asyncProperty(hostileForm(keySpec), (form: FormData) =>
        expectRefused(() => postForm(supervisor, url, { ...form, reverseReason: 'Wrong man' }), 'page'),
      ),
      { numRuns },
    )
  })

  it('finding the duplicate: anything that is not a PNC ID, CRO number or reference gets 400 with the error summary', async () => {
    const notAReference = fc.oneof(
      hostileText(200, { required: true }).filter((v) => v !== null),
      fc
        .string({ maxLength: 40 })
        .filter((s) => !/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(s) && !/\d\/\d/.test(s)),
      fc.constantFrom('2012/0123456A', '123456/12A', 'SF12/123456A', '12/123456A'),
    )
    await fc.assert(
      fc.asyncProperty(notAReference, async (value) => {
        const query = new URLSearchParams()
        for (const v of ([] as string[]).concat(value ?? [])) query.append('duplicate', v)
        if (!query.has('duplicate')) query.append('duplicate', '')
        await expectRefused(() => supervisor.agent.get(`/people/${pair.keep}/combine?${query.toString()}`), 'summary')
      }),
      { numRuns },
    )
  })
})
