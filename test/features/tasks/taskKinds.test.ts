import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { londonInstant } from '../../../server/features/dip/dipRules.ts'
import { formatDate } from '../../../server/presenters/format.ts'
import {
  appointmentsToRecord,
  failuresAwaitingStatement,
  pendingReferrals,
  proposalsToCountersign,
  suspendedOrReturnedEntries,
  taskPage,
  type TaskSource,
} from '../../../server/features/tasks/tasksRepository.ts'
import {
  areaIdsByCode,
  createAction,
  createMembership,
  createOutsideArea,
  createReferral,
  decodeEntities,
  demoUserIds,
  lastAuditId,
  auditSince,
  uniqueTag,
} from '../../helpers/factories.ts'
import { textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { appointment, drugTest, entry, failure, marker, person } from '../cid/cidSupport.ts'

// Each kind against the roles: arrange one item in the demo areas and one outside them, then ask
// every role's list. The right role sees the first, no role sees the second.

let t: TestApp
let users: Awaited<ReturnType<typeof demoUserIds>>
let elsewhere: Awaited<ReturnType<typeof createOutsideArea>>
const agents = new Map<string, Agent>()
const roles = ['admin', 'supervisor', 'iom', 'dip', 'cid'] as const
const today = () => todayInLondon()

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  elsewhere = await createOutsideArea(t.db)
  for (const role of roles) agents.set(role, (await signInAs(t.app, role)).agent)
})
afterAll(async () => {
  await t.close()
})

/** Who, of the demo roles, sees `surname` in their list of `kind`. */
async function seenBy(kind: string, surname: string) {
  const seen: string[] = []
  for (const role of roles) {
    const page = await agents.get(role)!.get(`/tasks?kind=${kind}`).expect(200)
    if (page.text.includes(surname.toUpperCase())) seen.push(role)
  }
  return seen
}

/** Who, of the demo roles, sees `text` anywhere in their list of `kind` (for tasks that name no person). */
async function textSeenBy(kind: string, text: string) {
  const seen: string[] = []
  for (const role of roles) {
    const page = await agents.get(role)!.get(`/tasks?kind=${kind}`).expect(200)
    if (page.text.includes(text)) seen.push(role)
  }
  return seen
}

type ListedTask = { text: string; due: string; href: string }

/** `role`'s list of `kind` as shown, top to bottom: each row's text, its due cell and its action's link. */
async function listOf(role: (typeof roles)[number], kind: string): Promise<ListedTask[]> {
  const page = await agents.get(role)!.get(`/tasks?kind=${kind}`).expect(200)
  const body = /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(page.text)?.[1] ?? ''
  return [...body.matchAll(/<tr class="govuk-table__row"[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => {
    const cells = [...(row[1] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1] ?? '')
    return {
      text: textOf(row[1] ?? ''),
      due: textOf(cells[3] ?? ''),
      href: decodeEntities(/data-task-kind="[^"]*" href="([^"]*)"/.exec(row[1] ?? '')?.[1] ?? ''),
    }
  })
}

/** The rows of `role`'s list of `kind` that mention any of `names`, in the order shown. */
async function rowsNaming(role: (typeof roles)[number], kind: string, names: string[]) {
  return (await listOf(role, kind)).filter((row) => names.some((name) => row.text.includes(name)))
}

/**
 * A kind read a borough at a time up to each page's end and merged (`pageFrom`) gives, page after
 * page, the items of the same condition sorted whole: in each borough alone and in all of them.
 */
async function expectMergedPagesSorted(sourceIn: (areaIds: string[]) => TaskSource | null) {
  const areas = Object.values(await areaIdsByCode(t.db))
  for (const areaIds of [...areas.map((id) => [id]), areas]) {
    const source = sourceIn(areaIds)!
    expect(source.pageFrom).toBeDefined()
    const { total } = await taskPage(t.db, source, { limit: 1, offset: 0 })
    // Where the kind's count is kept, it is the count of its own condition.
    expect(total).toBe((await taskPage(t.db, { ...source, total: undefined }, { limit: 1, offset: 0 })).total)
    for (let offset = 0; offset < total + 2; offset += 2) {
      const merged = await taskPage(t.db, source, { limit: 2, offset })
      const sorted = await taskPage(t.db, { ...source, pageFrom: undefined }, { limit: 2, offset })
      expect(merged, `offset ${offset} of ${total}`).toEqual(sorted)
    }
  }
}

async function twoPeople(tag: string) {
  const here = await person(t.db, { surname: `Here${tag}` })
  const away = await person(t.db, { surname: `Away${tag}`, area_id: elsewhere.boroughId })
  return { here, away }
}

describe('each kind appears for the roles that act on it, in their areas', () => {
  it('positive tests awaiting an assessment decision: those who record DIP work', async () => {
    const { here, away } = await twoPeople('Tests')
    await drugTest(t.db, here.id, { sampledOn: addDays(today(), -1) })
    await drugTest(t.db, away.id, { sampledOn: addDays(today(), -1) })
    expect(await seenBy('tests', here.surname)).toEqual(['supervisor', 'iom', 'dip'])
    expect(await seenBy('tests', away.surname)).toEqual([])
  })

  it('failures awaiting a statement: the DIP workers and supervisors', async () => {
    const { here, away } = await twoPeople('Statements')
    await failure(t.db, here.id, { status: 'open', statementProducedOn: null })
    await failure(t.db, away.id, { status: 'open', statementProducedOn: null })
    expect(await seenBy('statements', here.surname)).toEqual(['supervisor', 'dip'])
    expect(await seenBy('statements', away.surname)).toEqual([])

    // Several in each borough, on the same day and on others, beside one past its time bar that
    // the sweep has not closed and one with its statement: the pages read in index order are
    // the pages of the whole list sorted, and leave those two out.
    const boroughs = [here, away, await person(t.db, { surname: 'OtherStatements', areaCode: 'BD' })]
    for (const [n, who] of boroughs.entries())
      for (const daysAgo of [40, 40, 20 + n, 3])
        await failure(t.db, who.id, {
          status: 'open',
          statementProducedOn: null,
          failureDate: addDays(today(), -daysAgo),
        })
    const barred = await person(t.db, { surname: 'BarredStatements' })
    await failure(t.db, barred.id, { status: 'open', statementProducedOn: null, timeBarDate: addDays(today(), -1) })
    const written = await person(t.db, { surname: 'WrittenStatements' })
    await failure(t.db, written.id, { status: 'open' })
    await expectMergedPagesSorted((areaIds) => failuresAwaitingStatement(areaIds, today()))
    for (const left of [barred, written]) expect(await seenBy('statements', left.surname), left.surname).toEqual([])
  })

  it('statements signed and awaiting circulation: the police', async () => {
    const { here, away } = await twoPeople('Circulation')
    await failure(t.db, here.id, { status: 'open' })
    await failure(t.db, away.id, { status: 'open' })
    expect(await seenBy('circulation', here.surname)).toEqual(['supervisor', 'iom'])
    expect(await seenBy('circulation', away.surname)).toEqual([])
  })

  it('CID proposals awaiting countersignature: supervisors', async () => {
    const { here, away } = await twoPeople('Proposals')
    await entry(t.db, await failure(t.db, here.id), 'proposed')
    await entry(t.db, await failure(t.db, away.id), 'proposed')
    expect(await seenBy('proposals', here.surname)).toEqual(['supervisor'])
    expect(await seenBy('proposals', away.surname)).toEqual([])

    // More in each borough, beside one whose failure is past its time bar and one the supervisor
    // made: the merged pages are the sorted list's, for the supervisor and for someone else.
    for (const who of [here, away, await person(t.db, { surname: 'OtherProposals', areaCode: 'RB' })])
      for (let n = 0; n < 3; n++) await entry(t.db, await failure(t.db, who.id), 'proposed')
    const barred = await person(t.db, { surname: 'BarredProposals' })
    await entry(t.db, await failure(t.db, barred.id, { timeBarDate: addDays(today(), -1) }), 'proposed')
    const own = await person(t.db, { surname: 'OwnProposals' })
    const ownEntry = await entry(t.db, await failure(t.db, own.id), 'proposed')
    await t.db.updateTable('cid_entry').set({ proposed_by: users.supervisor }).where('id', '=', ownEntry.id).execute()
    for (const userId of [users.supervisor, users.cid])
      await expectMergedPagesSorted((areaIds) => proposalsToCountersign(userId, areaIds, today()))
    for (const left of [barred, own]) expect(await seenBy('proposals', left.surname), left.surname).toEqual([])
  })

  it('suspended CID entries: every supervisor, and the officer who proposed it', async () => {
    const { here, away } = await twoPeople('Suspended')
    const mine = await entry(t.db, await failure(t.db, here.id), 'suspended')
    await t.db.updateTable('cid_entry').set({ proposed_by: users.iom }).where('id', '=', mine.id).execute()
    await entry(t.db, await failure(t.db, away.id), 'suspended')
    expect(await seenBy('returned', here.surname)).toEqual(['supervisor', 'iom'])
    expect(await seenBy('returned', away.surname)).toEqual([])
  })

  it('rejected CID entries: for 30 days while the failure is still wanted, from the day of the decision', async () => {
    const { here, away } = await twoPeople('Rejected')
    const decided = (entryId: string, daysAgo: number) =>
      t.db
        .updateTable('cid_entry')
        .set({ decided_at: londonInstant(addDays(today(), -daysAgo), '10:00') })
        .where('id', '=', entryId)
        .execute()
    await decided((await entry(t.db, await failure(t.db, here.id), 'rejected')).id, 30)
    await decided((await entry(t.db, await failure(t.db, away.id), 'rejected')).id, 3)
    const lapsed = await person(t.db, { surname: 'LapsedRejection' })
    await decided((await entry(t.db, await failure(t.db, lapsed.id), 'rejected')).id, 31)
    const arrested = await person(t.db, { surname: 'ArrestedRejection' })
    await decided((await entry(t.db, await failure(t.db, arrested.id, { status: 'arrested' }), 'rejected')).id, 3)
    expect(await seenBy('returned', here.surname)).toEqual(['supervisor'])
    expect(await seenBy('returned', away.surname)).toEqual([])
    for (const left of [lapsed, arrested]) expect(await seenBy('returned', left.surname), left.surname).toEqual([])
    const [row] = await rowsNaming('supervisor', 'returned', [here.surname.toUpperCase()])
    expect(row?.text).toContain(formatDate(addDays(today(), -30)))
    // Suspended and rejected entries are counted apart: the sum is every item the list holds.
    const areaIds = Object.values(await areaIdsByCode(t.db))
    const all = await taskPage(t.db, suspendedOrReturnedEntries(areaIds, today()), { limit: 1000, offset: 0 })
    expect(all.rows.map((r) => r.detail)).toEqual(expect.arrayContaining(['rejected', 'suspended']))
    expect(all.total).toBe(all.rows.length)
  })

  it('people on the CID list near the time bar: CID and supervisors', async () => {
    const { here, away } = await twoPeople('Wanted')
    const near = { failureDate: addDays(today(), -170), timeBarDate: addDays(today(), 10) }
    for (const who of [here, away]) await marker(t.db, who.id, 'violent')
    await entry(t.db, await failure(t.db, here.id, near))
    await entry(t.db, await failure(t.db, away.id, near))
    expect(await seenBy('wanted', here.surname)).toEqual(['supervisor', 'cid'])
    expect(await seenBy('wanted', away.surname)).toEqual([])
  })

  it('referrals awaiting the panel: supervisors', async () => {
    const { here, away } = await twoPeople('Referrals')
    await createReferral(t.db, { personId: here.id, referredBy: users.iom })
    await createReferral(t.db, { personId: away.id, referredBy: users.iom })
    expect(await seenBy('referrals', here.surname)).toEqual(['supervisor'])
    expect(await seenBy('referrals', away.surname)).toEqual([])
    await expectMergedPagesSorted((areaIds) => pendingReferrals(areaIds, today()))
  })

  it('overdue actions: only their owner', async () => {
    const { here } = await twoPeople('Actions')
    await createAction(t.db, { personId: here.id, ownerId: users.iom, dueDate: addDays(today(), -3) })
    expect(await seenBy('actions', here.surname)).toEqual(['iom'])
    const dueLater = await person(t.db, { surname: 'HereActionsLater' })
    await createAction(t.db, { personId: dueLater.id, ownerId: users.iom, dueDate: addDays(today(), 3) })
    expect(await seenBy('actions', dueLater.surname)).toEqual([])
  })

  it("today's appointments not yet recorded: DIP workers and supervisors, earliest first", async () => {
    const { here, away } = await twoPeople('Appointments')
    const later = await person(t.db, { surname: 'LaterAppointments' })
    const at = async (who: { id: string }, day: string, time: string) => {
      const made = await appointment(t.db, who.id, { scheduledOn: day })
      await t.db
        .updateTable('appointment')
        .set({ scheduled_at: londonInstant(day, time) })
        .where('id', '=', made.id)
        .execute()
      return made
    }
    const first = await at(here, today(), '00:05')
    const second = await at(later, today(), '23:50')
    await at(away, today(), '00:05')
    // Recorded already, closed (the requirement fell away), or not today: none waits today.
    const recorded = await person(t.db, { surname: 'RecordedAppointments' })
    const recordedAppointment = await at(recorded, today(), '00:05')
    await t.db
      .insertInto('attendance')
      .values({
        appointment_id: recordedAppointment.id,
        outcome: 'attended',
        good_cause: false,
        recorded_by: users.dip,
      })
      .execute()
    const closed = await person(t.db, { surname: 'ClosedAppointments' })
    const closedAppointment = await at(closed, today(), '00:05')
    await t.db
      .updateTable('appointment')
      .set({ closed_on: today(), closed_reason: 'The requirement fell away' })
      .where('id', '=', closedAppointment.id)
      .execute()
    const yesterday = await person(t.db, { surname: 'YesterdayAppointments' })
    await at(yesterday, addDays(today(), -1), '12:00')
    const tomorrow = await person(t.db, { surname: 'TomorrowAppointments' })
    await at(tomorrow, addDays(today(), 1), '12:00')

    expect(await seenBy('appointments', here.surname)).toEqual(['supervisor', 'dip'])
    expect(await seenBy('appointments', away.surname)).toEqual([])
    for (const left of [recorded, closed, yesterday, tomorrow])
      expect(await seenBy('appointments', left.surname), left.surname).toEqual([])
    const rows = await rowsNaming('dip', 'appointments', [here.surname.toUpperCase(), later.surname.toUpperCase()])
    expect(rows.map((r) => r.href)).toEqual([`/appointments/${first.id}`, `/appointments/${second.id}`])
    expect(rows.map((r) => r.due)).toEqual([formatDate(today()), formatDate(today())])

    // The kind's count is kept by the day tally: it agrees with counting the condition itself, in
    // every borough and in all of them, and a page past the end still says how many there are.
    const areas = await areaIdsByCode(t.db)
    for (const areaIds of [...Object.values(areas).map((id) => [id]), Object.values(areas)]) {
      const source = appointmentsToRecord(
        areaIds,
        today(),
        londonInstant(today(), '00:00'),
        londonInstant(addDays(today(), 1), '00:00'),
      )!
      const everything = { limit: 10_000, offset: 0 }
      const counted = await taskPage(t.db, { ...source, total: undefined }, everything)
      const kept = await taskPage(t.db, source, everything)
      expect(kept).toEqual(counted)
      expect(await taskPage(t.db, source, { limit: 10, offset: counted.total + 5 })).toEqual({
        rows: [],
        total: counted.total,
      })
      // Read a borough at a time up to each page's end and merged, the pages are the sorted list's.
      for (let offset = 0; offset < counted.total + 2; offset += 2) {
        const merged = await taskPage(t.db, source, { limit: 2, offset })
        const sorted = await taskPage(t.db, { ...source, pageFrom: undefined }, { limit: 2, offset })
        expect(merged, `offset ${offset}`).toEqual(sorted)
      }
    }
  })

  it('arrested and awaiting charge near the time bar: the police officer who leads the case, oldest arrest first', async () => {
    const { here, away } = await twoPeople('Charge')
    const later = await person(t.db, { surname: 'LaterCharge' })
    const arrested = async (
      who: { id: string },
      timeBarIn: number,
      arrestedAgo: number,
      status = 'arrested' as const,
    ) => {
      const failed = await failure(t.db, who.id, {
        status,
        failureDate: addDays(today(), timeBarIn - 180),
        timeBarDate: addDays(today(), timeBarIn),
      })
      await t.db
        .insertInto('dip_failure_event')
        .values({ failure_id: failed.id, kind: 'arrested', event_date: addDays(today(), -arrestedAgo) })
        .execute()
      return failed
    }
    for (const who of [here, away, later]) await createMembership(t.db, { personId: who.id, leadOfficerId: users.iom })
    // Arrested longer ago, though its time bar is later: the list is oldest first.
    const first = await arrested(here, 10, 20)
    const second = await arrested(later, 3, 2)
    await arrested(away, 10, 20)
    // Led by someone else, charged already, or the time bar still more than 14 days off.
    const othersCase = await person(t.db, { surname: 'OthersCharge' })
    await createMembership(t.db, { personId: othersCase.id, leadOfficerId: users.supervisor })
    await arrested(othersCase, 10, 20)
    const charged = await person(t.db, { surname: 'ChargedCharge' })
    await createMembership(t.db, { personId: charged.id, leadOfficerId: users.iom })
    await t.db
      .updateTable('dip_failure')
      .set({ status: 'charged' })
      .where('id', '=', (await arrested(charged, 10, 20)).id)
      .execute()
    const notYet = await person(t.db, { surname: 'NotYetCharge' })
    await createMembership(t.db, { personId: notYet.id, leadOfficerId: users.iom })
    await arrested(notYet, 30, 20)

    expect(await seenBy('charge', here.surname)).toEqual(['iom'])
    expect(await seenBy('charge', away.surname)).toEqual([])
    expect(await seenBy('charge', othersCase.surname)).toEqual(['supervisor'])
    for (const left of [charged, notYet]) expect(await seenBy('charge', left.surname), left.surname).toEqual([])
    const rows = await rowsNaming('iom', 'charge', [here.surname.toUpperCase(), later.surname.toUpperCase()])
    expect(rows.map((r) => r.href)).toEqual([`/failures/${first.id}`, `/failures/${second.id}`])
    expect(rows.map((r) => r.due)).toEqual([formatDate(first.time_bar_date), formatDate(second.time_bar_date)])
  })

  it('partner links whose sharing agreement ends within 30 days: those who manage partner links', async () => {
    const agreementEnding = async (endsIn: number) =>
      t.db
        .insertInto('sharing_agreement')
        .values({
          name: `Tasks links ${uniqueTag()}`,
          agency: 'mash',
          categories: ['identity', 'link_details'],
          starts_on: addDays(today(), -400),
          ends_on: addDays(today(), endsIn),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
    const link = async (
      who: { id: string },
      agreementId: string,
      openedAgo: number,
      status: 'open' | 'closed' = 'open',
    ) =>
      t.db
        .insertInto('partner_link')
        .values({
          person_id: who.id,
          agency: 'mash',
          reference: `MASH/${uniqueTag()}`,
          opened_on: addDays(today(), -openedAgo),
          closed_on: status === 'closed' ? addDays(today(), -1) : null,
          status,
          agreement_id: agreementId,
          brag_rating: 'amber',
        })
        .returningAll()
        .executeTakeFirstOrThrow()
    const soon = await agreementEnding(10)
    const sooner = await agreementEnding(5)
    const { here, away } = await twoPeople('Links')
    const later = await person(t.db, { surname: 'LaterLinks' })
    // Opened earlier, under the agreement that ends later: the list is oldest first.
    const first = await link(here, soon.id, 90)
    const second = await link(later, sooner.id, 30)
    await link(away, soon.id, 90)
    // Closed already, under an agreement ending in 60 days, or under one that has ended.
    const closed = await person(t.db, { surname: 'ClosedLinks' })
    await link(closed, soon.id, 90, 'closed')
    const notYet = await person(t.db, { surname: 'NotYetLinks' })
    await link(notYet, (await agreementEnding(60)).id, 90)
    const ended = await person(t.db, { surname: 'EndedLinks' })
    await link(ended, (await agreementEnding(-1)).id, 90)

    expect(await seenBy('links', here.surname)).toEqual(['supervisor', 'iom'])
    expect(await seenBy('links', away.surname)).toEqual([])
    for (const left of [closed, notYet, ended]) expect(await seenBy('links', left.surname), left.surname).toEqual([])
    const rows = await rowsNaming('iom', 'links', [here.surname.toUpperCase(), later.surname.toUpperCase()])
    expect(rows.map((r) => r.href)).toEqual([`/partner-links/${first.id}`, `/partner-links/${second.id}`])
    expect(rows.map((r) => r.due)).toEqual([formatDate(soon.ends_on), formatDate(sooner.ends_on)])
  })

  it('sharing agreements in force ending within 30 days: the administrator, longest in force first', async () => {
    const agreement = async (label: string, startsIn: number, endsIn: number | null) =>
      t.db
        .insertInto('sharing_agreement')
        .values({
          name: `Tasks agreement ${label} ${uniqueTag()}`,
          agency: 'marac',
          categories: ['identity'],
          starts_on: addDays(today(), startsIn),
          ends_on: endsIn === null ? null : addDays(today(), endsIn),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
    const first = await agreement('older', -700, 20)
    const second = await agreement('newer', -100, 5)
    // Ending in 60 days, ended yesterday, not yet started, or open-ended: none ends within the window.
    const left = [
      await agreement('later', -100, 60),
      await agreement('ended', -400, -1),
      await agreement('unstarted', 1, 10),
      await agreement('open-ended', -100, null),
    ]

    expect(await textSeenBy('agreements', first.name)).toEqual(['admin'])
    for (const ag of left) expect(await textSeenBy('agreements', ag.name), ag.name).toEqual([])
    const rows = (await listOf('admin', 'agreements')).filter((r) =>
      [first.name, second.name].some((n) => r.text.includes(n)),
    )
    expect(rows.map((r) => r.href)).toEqual([`/admin/agreements/${first.id}`, `/admin/agreements/${second.id}`])
    expect(rows.map((r) => r.due)).toEqual([formatDate(first.ends_on), formatDate(second.ends_on)])
  })

  it('retention reviews due: supervisors, the longest overdue first', async () => {
    const decided = async (who: { id: string }, nextReviewIn: number, decidedAgo = 1) =>
      t.db
        .insertInto('retention_decision')
        .values({
          person_id: who.id,
          decision: 'retain',
          reason: 'Still on the IOM cohort',
          next_review_on: addDays(today(), nextReviewIn),
          decided_by: users.supervisor,
          decided_at: new Date(Date.now() - decidedAgo * 86_400_000),
        })
        .execute()
    const { here, away } = await twoPeople('Retention')
    const later = await person(t.db, { surname: 'LaterRetention' })
    await decided(here, -10)
    await decided(later, -2)
    await decided(away, -10)
    // Not due until tomorrow, or reviewed again since and retained for another year.
    const notYet = await person(t.db, { surname: 'NotYetRetention' })
    await decided(notYet, 1)
    const reviewed = await person(t.db, { surname: 'ReviewedRetention' })
    await decided(reviewed, -10, 30)
    await decided(reviewed, 365)

    expect(await seenBy('retention', here.surname)).toEqual(['supervisor'])
    expect(await seenBy('retention', away.surname)).toEqual([])
    for (const left of [notYet, reviewed]) expect(await seenBy('retention', left.surname), left.surname).toEqual([])
    const rows = await rowsNaming('supervisor', 'retention', [here.surname.toUpperCase(), later.surname.toUpperCase()])
    expect(rows.map((r) => r.href)).toEqual([`/people/${here.id}/retention`, `/people/${later.id}/retention`])
    // Past their review date, so marked overdue.
    expect(rows.map((r) => r.due)).toEqual([
      `${formatDate(addDays(today(), -10))} Overdue`,
      `${formatDate(addDays(today(), -2))} Overdue`,
    ])
  })

  it('writes one consultation row naming the people shown, and none for an empty list', async () => {
    const before = await lastAuditId(t.db)
    await agents.get('supervisor')!.get('/tasks').expect(200)
    const rows = await auditSince(t.db, before)
    expect(rows.map((r) => r.category)).toEqual(['consultation'])
    const empty = await lastAuditId(t.db)
    await agents.get('cid')!.get('/tasks?kind=retention').expect(200)
    expect(await auditSince(t.db, empty)).toEqual([])
  })
})
