import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { programmes, selectionMethods, tiers } from '../../../server/features/people/vocabulary.ts'
import { todayInLondon } from '../../../server/domain/time.ts'
import {
  createMembership,
  createPerson,
  createReferral,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  field,
  hostileDate,
  hostileForm,
  hostileText,
  hostileVersion,
  notAUuid,
  notOneOf,
  overLong,
  postForm,
  repeated,
  rowCounts,
  withControlCharacter,
  writeAuditCount,
  type FieldSpec,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let iom: { agent: Agent; csrf: string }
let supervisor: { agent: Agent; csrf: string }
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  iom = await signInAs(t.app, 'iom')
  supervisor = await signInAs(t.app, 'supervisor')
})
afterAll(async () => {
  await t.close()
})

const numRuns = 25
const valid = (spec: Record<string, FieldSpec>) =>
  Object.assign({}, ...Object.values(spec).map((s) => s.valid)) as FormData

/**
 * A hostile form gets a 400 with a message, echoes nothing unescaped, and writes nothing.
 * (Showing a referral again is itself logged as a consultation; only writes are compared.)
 */
async function expectRefused(
  session: { agent: Agent; csrf: string },
  path: string,
  form: FormData,
  state: () => Promise<unknown>,
) {
  const snapshot = async () => ({
    ...(await rowCounts(t.db, ['referral', 'cohort_membership', 'membership_event'])),
    writes: await writeAuditCount(t.db),
    state: await state(),
  })
  const before = await snapshot()
  const response = await postForm(session, path, form)
  expect(response.status).toBe(400)
  expect(errorSummaryLinks(response.text).length).toBeGreaterThan(0)
  expect(response.text).not.toContain('<script>alert(1)</script>')
  expect(await snapshot()).toEqual(before)
}

function referralSpec(sources: string[]): Record<string, FieldSpec> {
  return {
    programme: { valid: { programme: 'iom_free' }, hostile: field('programme', notOneOf(programmes)) },
    source: {
      valid: { source: 'custody' },
      hostile: field('source', fc.oneof(notOneOf(sources), hostileText(40, { required: true }))),
    },
    reason: {
      valid: { reason: 'Repeat shoplifting to fund crack use' },
      hostile: field('reason', hostileText(2000, { required: true })),
    },
  }
}

const hostileScore = fc.oneof(
  fc.constantFrom('', '   ', 'abc', '-1', '100001', '1e3', '0x10', 'NaN', 'Infinity', '12.345', '4,2', null),
  fc.string({ maxLength: 8 }).filter((s) => !/^\s*\d{1,6}(\.\d{1,2})?\s*$/.test(s)),
  repeated,
)

function acceptSpec(): Record<string, FieldSpec> {
  return {
    tier: { valid: { tier: 'amber' }, hostile: field('tier', notOneOf(tiers)) },
    score: { valid: { score: '17' }, hostile: field('score', hostileScore) },
    method: { valid: { method: 'rfg' }, hostile: field('method', notOneOf(selectionMethods)) },
    scoreDate: {
      valid: dateFields('scoreDate', todayInLondon()),
      hostile: hostileDate('scoreDate', { notFuture: true, required: true }),
    },
    leadOfficerId: {
      valid: { leadOfficerId: users.iom },
      hostile: field('leadOfficerId', fc.oneof(notAUuid(), fc.uuid(), fc.constant(users.cid))),
    },
    version: { valid: { version: '1' }, hostile: field('version', hostileVersion) },
  }
}

function eventSpec(): Record<string, FieldSpec> {
  return {
    kind: {
      valid: { kind: 'tier_changed' },
      hostile: field(
        'kind',
        notOneOf(['in_custody', 'released', 'tier_changed', 'lead_officer_changed', 'deselected']),
      ),
    },
    eventDate: {
      valid: dateFields('eventDate', todayInLondon()),
      hostile: hostileDate('eventDate', { notFuture: true, required: true }),
    },
    tier: { valid: { tier: 'red' }, hostile: field('tier', notOneOf(tiers, { emptyAllowed: true })) },
    // Each applies only to its own kind of change (decision 0117), so its hostile values are sent with that kind.
    leadOfficerId: {
      valid: { leadOfficerId: '' },
      hostile: field('leadOfficerId', notAUuid({ emptyAllowed: true })).map((f) => ({
        ...f,
        kind: 'lead_officer_changed',
      })),
    },
    deselectionReason: {
      valid: { deselectionReason: '' },
      hostile: field('deselectionReason', fc.oneof(withControlCharacter, overLong(40), repeated)).map((f) => ({
        ...f,
        kind: 'deselected',
      })),
    },
    eventNote: { valid: { eventNote: '' }, hostile: field('eventNote', hostileText(1000, { required: false })) },
    version: { valid: { version: '1' }, hostile: field('version', hostileVersion) },
  }
}

describe('hostile input to the referral and cohort forms', () => {
  it('referring a person: any hostile field gets 400 with a message and writes nothing', async () => {
    const person = await createPerson(t.db)
    const sources = (await t.db.selectFrom('referral_source').select('code').execute()).map((s) => s.code)
    await fc.assert(
      fc.asyncProperty(hostileForm(referralSpec(sources)), (form) =>
        expectRefused(iom, `/people/${person.id}/referrals`, form, () => Promise.resolve(null)),
      ),
      { numRuns },
    )
  })

  it('accepting a referral: any hostile field gets 400 with a message, the referral stays pending and nobody is adopted', async () => {
    const person = await createPerson(t.db)
    const referral = await createReferral(t.db, { personId: person.id, referredBy: users.iom })
    const referralState = () =>
      t.db.selectFrom('referral').selectAll().where('id', '=', referral.id).executeTakeFirstOrThrow()
    await fc.assert(
      fc.asyncProperty(hostileForm(acceptSpec()), (form) =>
        expectRefused(supervisor, `/referrals/${referral.id}/accept`, form, referralState),
      ),
      { numRuns },
    )
    expect((await referralState()).status).toBe('pending')
  })

  it('recording a membership change: any hostile field gets 400 with a message and the history and membership are unchanged', async () => {
    const person = await createPerson(t.db)
    const membership = await createMembership(t.db, { personId: person.id, leadOfficerId: users.iom, tier: 'green' })
    const membershipState = () =>
      t.db.selectFrom('cohort_membership').selectAll().where('id', '=', membership.id).executeTakeFirstOrThrow()
    await fc.assert(
      fc.asyncProperty(hostileForm(eventSpec()), (form) =>
        expectRefused(iom, `/memberships/${membership.id}/events`, form, membershipState),
      ),
      { numRuns },
    )
  })

  it('the same forms with every field valid are accepted, so the refusals above are about the hostile field', async () => {
    const person = await createPerson(t.db)
    await postForm(iom, `/people/${person.id}/referrals`, valid(referralSpec([]))).expect(303)
    const referral = await createReferral(t.db, { personId: person.id, referredBy: users.iom, programme: 'iom_flex' })
    await postForm(supervisor, `/referrals/${referral.id}/accept`, valid(acceptSpec())).expect(303)
    const other = await createPerson(t.db)
    const membership = await createMembership(t.db, { personId: other.id, leadOfficerId: users.iom, tier: 'green' })
    await postForm(iom, `/memberships/${membership.id}/events`, valid(eventSpec())).expect(303)
  })
})
