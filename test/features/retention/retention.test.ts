import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../server/features/audit/auditChainVerify.ts'
import { personTables } from '../../../server/features/retention/retentionRepository.ts'
import { createRetentionService } from '../../../server/features/retention/retentionService.ts'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import { formatDate } from '../../../server/presenters/format.ts'
import {
  createAction,
  createMembership,
  createOutsideArea,
  createPerson,
  createReferral,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  postForm,
  sealed,
} from '../../helpers/factories.ts'
import { headingOf, tableCaptioned, tablesOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { appWithServices, createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { seedPersonInEveryTable, textColumns, whereFound } from './personDataSupport.ts'

let t: TestApp
let supervisor: { agent: Agent; csrf: string }
let iom: { agent: Agent; csrf: string }
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  supervisor = await signInAs(t.app, 'supervisor')
  iom = await signInAs(t.app, 'iom')
})
afterAll(async () => {
  await t.close()
})

const today = () => todayInLondon()
const queueCaption = 'Records due for review, oldest first'

/** A person whose record was last touched `monthsAgo` months ago, and nothing since. */
async function untouchedFor(monthsAgo: number, areaCode = 'HV') {
  const at = new Date(`${addMonths(today(), -monthsAgo)}T10:00:00Z`)
  return createPerson(t.db, { created_at: at, updated_at: at, areaCode })
}

/** A person adopted onto a cohort whose last event (de-selection) was `monthsAgo` months ago. */
async function adoptedAndLeft(monthsAgo: number) {
  const person = await untouchedFor(monthsAgo)
  const adoptedOn = addMonths(today(), -monthsAgo - 12)
  const endedOn = addMonths(today(), -monthsAgo)
  const membership = await createMembership(t.db, {
    personId: person.id,
    leadOfficerId: users.iom,
    adoptedOn,
    status: 'ended',
  })
  await t.db.updateTable('cohort_membership').set({ ended_on: endedOn }).where('id', '=', membership.id).execute()
  await t.db
    .insertInto('membership_event')
    .values({
      membership_id: membership.id,
      kind: 'deselected',
      event_date: endedOn,
      deselection_reason: 'sustained_non_offending',
      recorded_by: users.iom,
    })
    .execute()
  return person
}

async function queueRows() {
  const page = await supervisor.agent.get('/retention').expect(200)
  expect(headingOf(page.text)).toBe('Retention reviews')
  return tablesOf(page.text).length ? tableCaptioned(page.text, queueCaption).rows : []
}

const shown = (p: { surname: string; forenames: string }) => `${p.surname.toUpperCase()}, ${p.forenames}`
const onQueue = (rows: string[][], p: { surname: string; forenames: string }) => rows.find((r) => r[0] === shown(p))

function decision(form: { decision?: string; reason?: string; nextReviewOn?: string | null; confirm?: boolean }) {
  return {
    ...(form.decision !== undefined ? { decision: form.decision } : {}),
    reason: form.reason ?? '',
    ...(form.nextReviewOn
      ? dateFields('nextReviewOn', form.nextReviewOn)
      : { 'nextReviewOn-day': '', 'nextReviewOn-month': '', 'nextReviewOn-year': '' }),
    ...(form.confirm ? { confirmDisposal: 'yes' } : {}),
  }
}

async function decisionsOf(personId: string) {
  return t.db
    .selectFrom('retention_decision')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('decided_at')
    .execute()
}

async function personExists(personId: string) {
  return (await t.db.selectFrom('person').select('id').where('id', '=', personId).executeTakeFirst()) !== undefined
}

describe('the retention queue', () => {
  it('lists a never-adopted person last touched 4 years ago (3-year rule), but not an adopted one (6-year rule)', async () => {
    const neverAdopted = await untouchedFor(48)
    const adopted = await adoptedAndLeft(48)
    const adoptedLongAgo = await adoptedAndLeft(75)
    const recent = await untouchedFor(30)

    const rows = await queueRows()
    expect(onQueue(rows, neverAdopted)).toEqual([
      shown(neverAdopted),
      formatDate(neverAdopted.date_of_birth),
      'Havering',
      formatDate(addMonths(addMonths(today(), -48), 36)),
    ])
    expect(onQueue(rows, adopted), 'adopted, last event 4 years ago: 6-year rule, not yet due').toBeUndefined()
    expect(onQueue(rows, adoptedLongAgo)?.[3], 'adopted, last event 6¼ years ago: due').toBe(
      formatDate(addMonths(addMonths(today(), -75), 72)),
    )
    expect(onQueue(rows, recent), 'never adopted, 2½ years ago: not yet due').toBeUndefined()
    // Oldest review date first: the never-adopted one was due a year ago, the adopted one three months ago.
    expect(rows.indexOf(onQueue(rows, neverAdopted)!)).toBeLessThan(rows.indexOf(onQueue(rows, adoptedLongAgo)!))
  })

  it('counts the last event of any kind: a recent contact, drug test or membership event keeps an old record off the queue', async () => {
    const contacted = await untouchedFor(48)
    await postForm(iom, `/people/${contacted.id}/contacts`, {
      ...dateFields('contactDate', addDays(today(), -10)),
      contactType: 'phone',
      pathway: 'health',
      note: 'Checked in by phone',
      outcome: 'engaged',
    }).expect(303)
    await t.db
      .updateTable('person')
      .set({ updated_at: new Date(`${addMonths(today(), -48)}T10:00:00Z`) })
      .where('id', '=', contacted.id)
      .execute()
    const rows = await queueRows()
    expect(onQueue(rows, contacted)).toBeUndefined()
  })

  it('counts a recent referral, partner case or action as activity too, so a live case is not put up for disposal', async () => {
    const referred = await untouchedFor(48)
    await createReferral(t.db, { personId: referred.id, referredBy: users.iom })
    const actioned = await untouchedFor(48)
    await createAction(t.db, { personId: actioned.id, ownerId: users.iom, dueDate: addDays(today(), 7) })
    const linked = await untouchedFor(48)
    const agreement = await t.db
      .selectFrom('sharing_agreement')
      .select('id')
      .where('agency', '=', 'marac')
      .executeTakeFirstOrThrow()
    await t.db
      .insertInto('partner_link')
      .values({
        person_id: linked.id,
        agency: 'marac',
        reference: 'MARAC/2026/001',
        opened_on: addDays(today(), -20),
        agreement_id: agreement.id,
        marac_role: 'victim',
        dash_score: 15,
      })
      .execute()
    const rows = await queueRows()
    expect(onQueue(rows, referred), 'a referral sent last week').toBeUndefined()
    expect(onQueue(rows, linked), 'a MARAC case opened 20 days ago').toBeUndefined()
    expect(onQueue(rows, actioned), 'an action set today').toBeUndefined()
  })

  it('shows only the supervisor’s own areas, and a review page outside them is not found', async () => {
    const elsewhere = await createOutsideArea(t.db)
    const outsider = await untouchedFor(60, elsewhere.boroughCode)
    expect(onQueue(await queueRows(), outsider)).toBeUndefined()
    await supervisor.agent.get(`/people/${outsider.id}/retention`).expect(404)
    await postForm(
      supervisor,
      `/people/${outsider.id}/retention`,
      decision({ decision: 'dispose', reason: 'Out of area', confirm: true }),
    ).expect(404)
    expect(await personExists(outsider.id)).toBe(true)
  })

  it('is forbidden to everyone but supervisors', async () => {
    const person = await untouchedFor(48)
    for (const username of ['admin', 'iom', 'dip', 'cid', 'partner']) {
      const session = await signInAs(t.app, username)
      expect((await session.agent.get('/retention')).status, `${username} GET /retention`).toBe(403)
      expect((await session.agent.get(`/people/${person.id}/retention`)).status, `${username} GET review`).toBe(403)
      expect(
        (
          await postForm(
            session,
            `/people/${person.id}/retention`,
            decision({ decision: 'dispose', reason: 'x', confirm: true }),
          )
        ).status,
        `${username} POST`,
      ).toBe(403)
    }
    expect(await personExists(person.id)).toBe(true)
  })
})

describe('retaining a record', () => {
  it('needs a reason and a next review date in the future', async () => {
    const person = await untouchedFor(48)
    const cases: [ReturnType<typeof decision>, { href: string; text: string }[]][] = [
      [
        decision({ decision: 'retain', reason: '', nextReviewOn: addMonths(today(), 24) }),
        [{ href: '#reason', text: 'Enter the reason for the decision' }],
      ],
      [
        decision({ decision: 'retain', reason: 'Still active with MARAC', nextReviewOn: null }),
        [{ href: '#nextReviewOn', text: 'Enter next review date' }],
      ],
      [
        decision({ decision: 'retain', reason: 'Still active with MARAC', nextReviewOn: addDays(today(), -1) }),
        [{ href: '#nextReviewOn', text: 'Next review date must be in the future' }],
      ],
      [
        decision({ decision: 'retain', reason: 'Still active with MARAC', nextReviewOn: today() }),
        [{ href: '#nextReviewOn', text: 'Next review date must be in the future' }],
      ],
      [
        decision({ reason: 'Still active with MARAC', nextReviewOn: addMonths(today(), 24) }),
        [{ href: '#decision', text: 'Select retain or dispose' }],
      ],
    ]
    for (const [form, summary] of cases) {
      const response = await postForm(supervisor, `/people/${person.id}/retention`, form)
      expect(response.status, JSON.stringify(form)).toBe(400)
      expect(errorSummaryLinks(response.text), JSON.stringify(form)).toEqual(summary)
    }
    expect(await decisionsOf(person.id)).toEqual([])
    expect(onQueue(await queueRows(), person)).toBeDefined()
  })

  it('with a reason and a future date, records the decision, logs an alteration and takes the person off the queue until then', async () => {
    const person = await untouchedFor(48)
    const next = addMonths(today(), 24)
    const response = await postForm(
      supervisor,
      `/people/${person.id}/retention`,
      decision({ decision: 'retain', reason: 'Open MARAC case: keep for the panel', nextReviewOn: next }),
    )
    expect(response.status).toBe(303)
    expect(response.headers.location).toBe('/retention')
    const after = await supervisor.agent.get('/retention').expect(200)
    expect(after.text).toContain(`Record retained until the next review on ${formatDate(next)}`)
    expect(
      onQueue(tablesOf(after.text).length ? tableCaptioned(after.text, queueCaption).rows : [], person),
    ).toBeUndefined()

    expect(await decisionsOf(person.id)).toEqual([
      expect.objectContaining({
        decision: 'retain',
        reason: 'Open MARAC case: keep for the panel',
        next_review_on: next,
        decided_by: users.supervisor,
      }),
    ])
    const audit = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['category', 'event', 'actor_username'])
      .where('person_id', '=', person.id)
      .where('event', '=', 'retention.retained')
      .execute()
    expect(audit).toEqual([{ category: 'alteration', event: 'retention.retained', actor_username: 'supervisor' }])

    const review = await supervisor.agent.get(`/people/${person.id}/retention`).expect(200)
    expect(review.text).toContain(`Review due: <strong>${formatDate(next)}</strong>`)
    expect(review.text).toContain('Open MARAC case: keep for the panel')
  })
})

describe('disposing of a record', () => {
  it('needs the confirmation tick, and without it nothing is erased or decided', async () => {
    const person = await untouchedFor(48)
    const response = await postForm(
      supervisor,
      `/people/${person.id}/retention`,
      decision({ decision: 'dispose', reason: 'No activity for four years' }),
    )
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#confirmDisposal', text: 'Confirm that the record is to be erased: this cannot be undone' },
    ])
    expect(await personExists(person.id)).toBe(true)
    expect(await decisionsOf(person.id)).toEqual([])
  })

  it('is refused before the minimum retention (disposalProblem), even when a shorter review period has made the record due: nothing is erased or decided', async () => {
    const person = await untouchedFor(48)
    expect(onQueue(await queueRows(), person)).toBeDefined()
    const review = await supervisor.agent.get(`/people/${person.id}/retention`).expect(200)
    const lastOn = addMonths(today(), -48)
    expect(review.text).toContain(`It may be disposed of from <strong>${formatDate(addMonths(lastOn, 72))}</strong>`)
    const response = await postForm(
      supervisor,
      `/people/${person.id}/retention`,
      decision({ decision: 'dispose', reason: 'No activity for four years', confirm: true }),
    )
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      {
        href: '#decision',
        text: `This record was last active on ${formatDate(lastOn)}: it must be kept for 6 years, until ${formatDate(addMonths(lastOn, 72))}, before it can be disposed of`,
      },
    ])
    expect(response.text).toContain('No activity for four years')
    expect(await personExists(person.id)).toBe(true)
    expect(await decisionsOf(person.id)).toEqual([])
  })

  it('is refused for a record not yet due for review, however old its activity', async () => {
    const person = await untouchedFor(12 * 7)
    await t.db
      .insertInto('retention_decision')
      .values({
        person_id: person.id,
        decision: 'retain',
        reason: 'Kept for an appeal',
        next_review_on: addMonths(today(), 6),
        decided_by: users.supervisor,
      })
      .execute()
    const response = await postForm(
      supervisor,
      `/people/${person.id}/retention`,
      decision({ decision: 'dispose', reason: 'Early', confirm: true }),
    )
    expect(response.status).toBe(400)
    expect(errorSummaryLinks(response.text)[0]?.text).toBe(
      `This record is not due for review until ${formatDate(addMonths(today(), 6))}: it cannot be disposed of before then`,
    )
    expect(await personExists(person.id)).toBe(true)
  })

  it('erases the person and every row of theirs in one go: no trace of their data is left in any column of any table', async () => {
    const partner = await signInAs(t.app, 'partner')
    const cid = await signInAs(t.app, 'cid')
    const seeded = await seedPersonInEveryTable(t.db, iom)
    const { personId } = seeded

    // The record is used the ordinary ways first, so the audit log holds what those leave behind.
    await iom.agent.get(`/people/${personId}`).expect(200)
    await supervisor.agent.get(`/people/${personId}/subject-access`).expect(200)
    await supervisor.agent.get(`/people/${personId}/subject-access.json`).expect(200)
    await supervisor.agent.get(`/people/${personId}/audit`).expect(200)
    await supervisor.agent.get(`/people/${personId}/audit.csv`).expect(200)
    await supervisor.agent.get(`/people/${personId}/retention`).expect(200)
    await supervisor.agent.get('/cohorts').expect(200)
    await partner.agent.get('/partner-cases').expect(200)
    await cid.agent.get('/cid').expect(200)
    await cid.agent.get('/cid/export.csv').expect(200)

    const columns = await textColumns(t.db)
    const before = await whereFound(t.db, seeded.prefix, columns)
    // The arrangement reached every table it meant to, so a clean scan afterwards means something.
    for (const c of seeded.canaries)
      expect(
        before.some((f) => f.startsWith(`${c.table}.${c.column} `)),
        `${c.table}.${c.column} seeded`,
      ).toBe(true)
    const countsBefore = Object.fromEntries(
      await Promise.all(
        personTables.map(
          async ([table, column]) =>
            [
              table,
              Number(
                (
                  await t.db
                    .selectFrom(table)
                    .select((eb) => eb.fn.countAll<string>().as('n'))
                    .where(column, '=', personId)
                    .executeTakeFirstOrThrow()
                ).n,
              ),
            ] as const,
        ),
      ),
    )

    // Everything was seeded today: disposal waits for the minimum retention, so it is decided by
    // the same app with its retention clock seven years on.
    const sevenYearsOn = new Date(`${addMonths(today(), 12 * 7)}T12:00:00Z`)
    const later = appWithServices(t, {
      retentionService: createRetentionService(t.db, t.config.retention, () => sevenYearsOn),
    })
    const laterSupervisor = await signInAs(later, 'supervisor')
    const response = await postForm(
      laterSupervisor,
      `/people/${personId}/retention`,
      decision({ decision: 'dispose', reason: 'Reviewed under MoPI: no policing purpose remains', confirm: true }),
    )
    expect(response.status).toBe(303)
    expect(response.headers.location).toBe('/retention')
    const queue = await laterSupervisor.agent.get('/retention').expect(200)
    expect(queue.text).toContain('The record has been erased')

    // Every text, JSON and array column of every table: no canary left (each one contains the prefix).
    const after = await whereFound(t.db, seeded.prefix, columns)
    expect(after, `canaries left behind after disposal (table.column): ${after.join(', ')}`).toEqual([])

    // The person's id survives only where the design keeps it: the audit log and the disposal decision.
    const idLeft = await whereFound(await sealed(t.db), personId, columns)
    expect(
      idLeft.filter((f) => !f.startsWith('audit_event.') && !f.startsWith('retention_decision.person_id ')),
    ).toEqual([])

    expect(await personExists(personId)).toBe(false)
    // The decisions outlive the person: the earlier one keeps its facts but not its words.
    expect(await decisionsOf(personId)).toEqual([
      expect.objectContaining({
        decision: 'retain',
        reason: 'Reason erased with the record',
        next_review_on: addDays(today(), -1),
        decided_by: users.supervisor,
      }),
      expect.objectContaining({
        decision: 'dispose',
        reason: 'Reviewed under MoPI: no policing purpose remains',
        next_review_on: null,
        decided_by: users.supervisor,
      }),
    ])
    const erasure = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .selectAll()
      .where('person_id', '=', personId)
      .where('category', '=', 'erasure')
      .execute()
    expect(erasure).toHaveLength(1)
    expect(erasure[0]).toMatchObject({ event: 'person.disposed', actor_username: 'supervisor', entity_id: personId })
    expect((erasure[0]?.detail as { rowsErased: Record<string, number> }).rowsErased).toEqual(countsBefore)
    expect(countsBefore).toMatchObject({
      person_alias: 1,
      person_marker: 1,
      referral: 2,
      contact: 1,
      action: 1,
      drug_test: 1,
      appointment: 2,
      partner_link: 3,
      cid_entry: 1,
    })

    const chain = await verifyAuditChain(t.db)
    expect(chain).toMatchObject({ firstBrokenId: null, reason: null })
    expect(chain.rowsChecked).toBeGreaterThan(0)

    for (const path of [
      `/people/${personId}`,
      `/people/${personId}/retention`,
      `/people/${personId}/subject-access`,
      `/people/${personId}/audit`,
    ]) {
      expect((await supervisor.agent.get(path)).status, path).toBe(404)
    }
    await postForm(
      supervisor,
      `/people/${personId}/retention`,
      decision({ decision: 'dispose', reason: 'Again', confirm: true }),
    ).expect(404)
    expect(await decisionsOf(personId)).toHaveLength(2)
  })
})
