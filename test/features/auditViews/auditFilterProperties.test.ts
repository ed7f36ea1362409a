import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import {
  createPerson,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  field,
  hostileDate,
  hostileForm,
  notOneOf,
  repeated,
  rowCounts,
  type FieldSpec,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let supervisor: { agent: Agent; csrf: string }
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  supervisor = await signInAs(t.app, 'supervisor')
})
afterAll(async () => {
  await t.close()
})

const numRuns = 40
const categories = [
  'collection',
  'alteration',
  'consultation',
  'disclosure',
  'combination',
  'erasure',
  'security',
  'administration',
]

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
    from: { valid: dateFields('from', addDays(today, -30)), hostile: hostileDate('from', { required: false }) },
    to: { valid: dateFields('to', today), hostile: hostileDate('to', { required: false }) },
    category: { valid: { category: '' }, hostile: field('category', notOneOf(categories, { emptyAllowed: true })) },
    // A page is a chain id: digits, and few enough of them (15) to be exact as a number.
    before: {
      valid: { before: '' },
      hostile: field(
        'before',
        fc.oneof(
          fc.string({ maxLength: 12 }).filter((s) => s !== '' && !/^\d{1,15}$/.test(s)),
          fc.bigInt({ min: 10n ** 15n, max: 10n ** 22n }).map(String),
          fc.integer({ min: -1000, max: -1 }).map(String),
          repeated,
        ),
      ),
    },
    // Two real dates the wrong way round.
    period: {
      valid: {},
      hostile: fc
        .integer({ min: 1, max: 400 })
        .map((days) => ({ ...dateFields('from', today), ...dateFields('to', addDays(today, -days)) })),
    },
  }
}

async function auditRows(): Promise<number> {
  return (await rowCounts(t.db, ['audit_event'])).audit_event
}

async function expectRefused(path: string, form: FormData): Promise<void> {
  const before = await auditRows()
  const response = await supervisor.agent.get(`${path}?${queryOf(form)}`)
  expect(response.status).toBe(400)
  expect(errorSummaryLinks(response.text).length).toBeGreaterThan(0)
  expect(response.text).not.toContain('<script>alert(1)</script>')
  expect(await auditRows(), 'a refused filter reads and logs nothing').toBe(before)
  const csv = await supervisor.agent.get(
    `${path.replace(/\/audit$/, '/audit.csv').replace(/(\/audit\/users\/[^/]+)$/, '$1/activity.csv')}?${queryOf(form)}`,
  )
  expect(csv.status).toBe(400)
  expect(await auditRows(), 'a refused CSV discloses and logs nothing').toBe(before)
}

describe('hostile filters on the audit pages', () => {
  it('"Who has looked at this record": any hostile filter gets 400 with a message, and nothing is logged', async () => {
    const person = await createPerson(t.db)
    await fc.assert(
      fc.asyncProperty(hostileForm(filterSpec()), (form) => expectRefused(`/people/${person.id}/audit`, form)),
      { numRuns },
    )
  })

  it('user activity: any hostile filter gets 400 with a message, and nothing is logged', async () => {
    await fc.assert(
      fc.asyncProperty(hostileForm(filterSpec()), (form) => expectRefused(`/audit/users/${users.iom}`, form)),
      { numRuns },
    )
  })

  it('the same filters all valid are answered, so the refusals above are about the hostile field', async () => {
    const person = await createPerson(t.db)
    const valid = Object.assign({}, ...Object.values(filterSpec()).map((s) => s.valid)) as FormData
    await supervisor.agent.get(`/people/${person.id}/audit?${queryOf(valid)}`).expect(200)
    await supervisor.agent
      .get(`/audit/users/${users.iom}?${queryOf({ ...valid, category: 'security', before: '999999999999999' })}`)
      .expect(200)
    await supervisor.agent
      .get(`/audit/users/${users.iom}?${queryOf({ ...dateFields('from', addMonths(todayInLondon(), -1)) })}`)
      .expect(200)
  })
})
