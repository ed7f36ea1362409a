import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { membershipEventSchema } from '../../../server/features/cohorts/cohortsSchemas.ts'
import { todayInLondon } from '../../../server/domain/time.ts'
import { gatherDates } from '../../../server/http/dates.ts'
import {
  createMembership,
  createPerson,
  dateFields,
  demoUserIds,
  postForm,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// A change to a membership: each kind's detail (a tier, a lead officer, a de-selection reason)
// sits under that kind on the form (decision 0117). The others' are ignored, whatever they hold;
// the kind's own detail is still required and checked.

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

const today = () => todayInLondon()
const parse = (form: FormData) =>
  membershipEventSchema.safeParse(
    gatherDates({ ...dateFields('eventDate', today()), eventNote: '', version: '1', ...form }, ['eventDate']),
  )
const hostileDetails = { tier: 'purple', leadOfficerId: 'not-a-uuid', deselectionReason: `x\u0000${'y'.repeat(50)}` }

describe('the membership event schema', () => {
  it.each(['in_custody', 'released'])('%s ignores every detail', (kind) => {
    expect(parse({ kind, ...hostileDetails }).data).toMatchObject({
      kind,
      tier: null,
      leadOfficerId: null,
      deselectionReason: null,
    })
  })

  it("each kind checks its own detail and ignores the others'", () => {
    expect(parse({ kind: 'tier_changed', ...hostileDetails, tier: 'red' }).data).toMatchObject({
      tier: 'red',
      leadOfficerId: null,
      deselectionReason: null,
    })
    expect(parse({ kind: 'lead_officer_changed', ...hostileDetails, leadOfficerId: users.iom }).data).toMatchObject({
      tier: null,
      leadOfficerId: users.iom,
    })
    expect(parse({ kind: 'deselected', ...hostileDetails, deselectionReason: 'moved_away' }).data).toMatchObject({
      tier: null,
      deselectionReason: 'moved_away',
    })
    for (const [kind, field] of [
      ['tier_changed', 'tier'],
      ['lead_officer_changed', 'leadOfficerId'],
      ['deselected', 'deselectionReason'],
    ] as const) {
      expect(new Set(parse({ kind, ...hostileDetails }).error?.issues.map((i) => i.path[0]))).toEqual(new Set([field]))
      expect(parse({ kind }).error?.issues.map((i) => i.path[0])).toEqual([field])
    }
  })
})

describe('posting a detail the chosen kind hides', () => {
  it('in custody with a tier typed and then hidden: accepted, and the tier is neither stored nor changed', async () => {
    const person = await createPerson(t.db)
    const membership = await createMembership(t.db, { personId: person.id, leadOfficerId: users.iom, tier: 'amber' })
    await postForm(iom, `/memberships/${membership.id}/events`, {
      kind: 'in_custody',
      ...dateFields('eventDate', today()),
      tier: 'not-a-tier',
      leadOfficerId: users.supervisor,
      deselectionReason: '',
      eventNote: '',
      version: '1',
    }).expect(303)
    const event = await t.db
      .selectFrom('membership_event')
      .select(['kind', 'tier', 'lead_officer_id', 'deselection_reason'])
      .where('membership_id', '=', membership.id)
      .where('kind', '=', 'in_custody')
      .executeTakeFirstOrThrow()
    expect(event).toEqual({ kind: 'in_custody', tier: null, lead_officer_id: null, deselection_reason: null })
    expect(
      await t.db
        .selectFrom('cohort_membership')
        .select(['status', 'tier', 'lead_officer_id'])
        .where('id', '=', membership.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'in_custody', tier: 'amber', lead_officer_id: users.iom })
  })

  it('the form puts each detail under its kind', async () => {
    const person = await createPerson(t.db)
    const membership = await createMembership(t.db, { personId: person.id, leadOfficerId: users.iom })
    const page = (await iom.agent.get(`/memberships/${membership.id}/events/new`).expect(200)).text
    const revealOf = (id: string) =>
      new RegExp(
        `<input class="govuk-radios__input" id="(kind(?:-\\d)?)"[^>]*value="${id}"[^>]*data-aria-controls="conditional-\\1"`,
      )
    for (const [kind, field] of [
      ['tier_changed', 'tier'],
      ['lead_officer_changed', 'leadOfficerId'],
      ['deselected', 'deselectionReason'],
    ] as const) {
      const id = revealOf(kind).exec(page)?.[1]
      expect(id, `${kind} reveals its detail`).toBeDefined()
      const block = page.slice(page.indexOf(`id="conditional-${id}"`))
      expect(block.slice(0, block.indexOf('govuk-radios__item'))).toContain(`name="${field}"`)
    }
    expect(page).not.toMatch(/value="(in_custody|released)"[^>]*data-aria-controls/)
  })
})
