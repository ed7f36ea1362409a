import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMonths, todayInLondon } from '../../../server/domain/time.ts'
import {
  createPerson,
  dateFields,
  errorSummaryLinks,
  field,
  hostileDate,
  hostileForm,
  hostileText,
  notOneOf,
  postForm,
  repeated,
  rowCounts,
  writeAuditCount,
  type FieldSpec,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let supervisor: { agent: Agent; csrf: string }

beforeAll(async () => {
  t = await createTestApp()
  supervisor = await signInAs(t.app, 'supervisor')
})
afterAll(async () => {
  await t.close()
})

const numRuns = 40

/** A hostile decision gets a 400 with a message, echoes nothing unescaped, records no decision and erases nothing. */
async function expectRefused(personId: string, form: FormData): Promise<void> {
  const snapshot = async () => ({
    ...(await rowCounts(t.db, ['retention_decision', 'person'])),
    writes: await writeAuditCount(t.db),
  })
  const before = await snapshot()
  const response = await postForm(supervisor, `/people/${personId}/retention`, form)
  expect(response.status).toBe(400)
  expect(errorSummaryLinks(response.text).length).toBeGreaterThan(0)
  expect(response.text).not.toContain('<script>alert(1)</script>')
  expect(await snapshot()).toEqual(before)
  expect(await t.db.selectFrom('person').select('id').where('id', '=', personId).executeTakeFirst()).toBeDefined()
}

const reason = {
  valid: { reason: 'Active MARAC case: keep until the next panel' },
  hostile: field('reason', hostileText(1000, { required: true })),
}

function retainSpec(): Record<string, FieldSpec> {
  return {
    decision: { valid: { decision: 'retain' }, hostile: field('decision', notOneOf(['retain', 'dispose'])) },
    reason,
    nextReviewOn: {
      valid: dateFields('nextReviewOn', addMonths(todayInLondon(), 24)),
      // Besides dates that are not dates, or are past: today, which would leave the record on the queue.
      hostile: fc.oneof(
        hostileDate('nextReviewOn', { notPast: true, required: true }),
        fc.constant(dateFields('nextReviewOn', todayInLondon())),
      ),
    },
  }
}

function disposeSpec(): Record<string, FieldSpec> {
  return {
    decision: { valid: { decision: 'dispose' }, hostile: field('decision', notOneOf(['retain', 'dispose'])) },
    reason,
    // Anything but the one tick: left out, blank, another value, or sent twice.
    confirmDisposal: {
      valid: { confirmDisposal: 'yes' },
      hostile: field(
        'confirmDisposal',
        fc.oneof(
          fc.constantFrom(null, '', 'no', 'YES', ' yes', 'on', 'true'),
          repeated.map((r) => ['yes', ...r]),
        ),
      ),
    },
  }
}

describe('hostile input to the retention decision', () => {
  it('retaining: any hostile field gets 400 with a message and records nothing', async () => {
    const person = await createPerson(t.db)
    await fc.assert(
      fc.asyncProperty(hostileForm(retainSpec()), (form) => expectRefused(person.id, form)),
      { numRuns },
    )
  })

  it('disposing: any hostile field gets 400 with a message, and the person is still there', async () => {
    const person = await createPerson(t.db)
    await fc.assert(
      fc.asyncProperty(hostileForm(disposeSpec()), (form) => expectRefused(person.id, form)),
      { numRuns },
    )
  })

  it('the same forms with every field valid are accepted, so the refusals above are about the hostile field', async () => {
    const valid = (spec: Record<string, FieldSpec>) =>
      Object.assign({}, ...Object.values(spec).map((s) => s.valid)) as FormData
    const kept = await createPerson(t.db)
    await postForm(supervisor, `/people/${kept.id}/retention`, valid(retainSpec())).expect(303)
    // Last active seven years ago: due, and past the minimum retention, so it may be disposed of.
    const sevenYearsAgo = new Date(Date.now() - 7 * 366 * 86_400_000)
    const erased = await createPerson(t.db, { created_at: sevenYearsAgo, updated_at: sevenYearsAgo })
    await postForm(supervisor, `/people/${erased.id}/retention`, valid(disposeSpec())).expect(303)
    expect(await t.db.selectFrom('person').select('id').where('id', '=', erased.id).executeTakeFirst()).toBeUndefined()
  })
})
