import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import {
  dateFields,
  errorSummaryLinks,
  field,
  hostileDate,
  hostileForm,
  notAUuid,
  rowCounts,
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

/** A query string as a browser sends a GET form: repeated names for many values. */
function queryOf(form: FormData): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(form))
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v)
  return params.toString()
}

function filterSpec(): Record<string, FieldSpec> {
  const today = todayInLondon()
  return {
    from: { valid: dateFields('from', addMonths(today, -6)), hostile: hostileDate('from', { required: false }) },
    to: { valid: dateFields('to', today), hostile: hostileDate('to', { required: false }) },
    areaId: { valid: { areaId: '' }, hostile: field('areaId', notAUuid({ emptyAllowed: true })) },
    wardId: { valid: { wardId: '' }, hostile: field('wardId', notAUuid({ emptyAllowed: true })) },
    // Real dates, but no period: the wrong way round, longer than five years, or a from date alone that is after today or too long ago.
    period: {
      valid: {},
      hostile: fc.oneof(
        fc
          .integer({ min: 1, max: 400 })
          .map((days) => ({ ...dateFields('from', today), ...dateFields('to', addDays(today, -days)) })),
        fc.integer({ min: 1, max: 4000 }).map((days) => ({
          ...dateFields('from', addDays(addMonths(today, -60), -days)),
          ...dateFields('to', today),
        })),
        fc.integer({ min: 1, max: 400 }).map((days) => ({
          ...dateFields('from', addDays(today, days)),
          'to-day': '',
          'to-month': '',
          'to-year': '',
        })),
        fc.integer({ min: 1, max: 4000 }).map((days) => ({
          ...dateFields('from', addDays(addMonths(today, -60), -days)),
          'to-day': '',
          'to-month': '',
          'to-year': '',
        })),
      ),
    },
  }
}

async function expectRefused(form: FormData): Promise<void> {
  const before = (await rowCounts(t.db, ['audit_event'])).audit_event
  const response = await supervisor.agent.get(`/performance?${queryOf(form)}`)
  expect(response.status).toBe(400)
  expect(errorSummaryLinks(response.text).length).toBeGreaterThan(0)
  expect(response.text).not.toContain('<script>alert(1)</script>')
  expect((await supervisor.agent.get(`/performance/drug-tests.csv?${queryOf(form)}`)).status).toBe(400)
  expect((await rowCounts(t.db, ['audit_event'])).audit_event).toBe(before)
}

describe('hostile filters on the performance report', () => {
  it('any hostile filter gets 400 with a message, page and CSV alike', async () => {
    await fc.assert(fc.asyncProperty(hostileForm(filterSpec()), expectRefused), { numRuns })
  })

  it('the same filters all valid are answered, so the refusals above are about the hostile field', async () => {
    const valid = Object.assign({}, ...Object.values(filterSpec()).map((s) => s.valid)) as FormData
    await supervisor.agent.get(`/performance?${queryOf(valid)}`).expect(200)
    await supervisor.agent.get(`/performance/drug-tests.csv?${queryOf(valid)}`).expect(200)
    await supervisor.agent
      .get(`/performance?${queryOf(dateFields('from', addMonths(todayInLondon(), -59)))}`)
      .expect(200)
  })
})
