import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { londonInstant } from '../../../server/features/dip/dipRules.ts'
import {
  createAction,
  createMembership,
  createOutsideArea,
  createPerson,
  decodeEntities,
  createAppointmentAt,
  demoUserIds,
  errorSummaryLinks,
  uniqueTag,
} from '../../helpers/factories.ts'
import { textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { entry, failure, marker, onTheList, person } from '../cid/cidSupport.ts'

// Each count on the home page links to a list: follow the link and count what the list shows.
// Rows are added first that the unfiltered lists would also show (other statuses, older dates),
// so a link to the whole list cannot pass.

let t: TestApp
let users: Awaited<ReturnType<typeof demoUserIds>>

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
})
afterAll(async () => {
  await t.close()
})

const today = () => todayInLondon()

type Figure = { count: number; label: string; href: string }

/** The home page's linked figures, by label. */
async function linkedFigures(agent: Agent): Promise<Record<string, Figure>> {
  const page = await agent.get('/').expect(200)
  const found: Record<string, Figure> = {}
  for (const m of page.text.matchAll(
    /<li><span class="cohort-figures__number">(\d+)<\/span>\s*<a class="govuk-link" href="([^"]*)">([\s\S]*?)<\/a><\/li>/g,
  )) {
    const label = textOf(m[3] ?? '')
    found[label] = { count: Number(m[1]), label, href: decodeEntities(m[2] ?? '') }
  }
  return found
}

/** The rows of the page's first table body. */
function tableRows(html: string): number {
  const body = /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? ''
  return [...body.matchAll(/<tr class="govuk-table__row"/g)].length
}

/** How many rows each list shows, the way each list says it. */
const shownBy: Record<string, (html: string) => number> = {
  '/cohorts': (html) => {
    expect(html, 'one page holds them all').not.toContain('rel="next"')
    return tableRows(html)
  },
  '/actions': tableRows,
  '/cid': (html) => Number(/<caption[^>]*>\s*(\d+) (?:person|people)/.exec(html)?.[1] ?? 0),
  // Every entry the queue shows has a form: to close it, or to reject it (proposals and suspensions).
  '/cid/proposals': (html) => [...html.matchAll(/action="\/cid\/[^"/]+\/(?:close|reject)"/g)].length,
  '/partner-cases': tableRows,
  '/admin/users': (html) => Number(/id="users-total">(\d+) account/.exec(html)?.[1] ?? -1),
  '/tasks': tableRows,
}

/** Follows each named figure's link and checks the list shows exactly that many rows. */
async function expectLinksToAgree(agent: Agent, labels: string[]) {
  const figures = await linkedFigures(agent)
  for (const label of labels) {
    const figure = figures[label]
    expect(figure, `the figure "${label}"`).toBeDefined()
    if (!figure) continue
    expect(figure.count, `"${label}" counts something`).toBeGreaterThan(0)
    const page = await agent.get(figure.href).expect(200)
    const path = figure.href.split('?')[0] ?? ''
    const count = shownBy[path]
    expect(count, `a way to count ${path}`).toBeDefined()
    expect(count?.(page.text), `${figure.href} shows what "${label}" counts`).toBe(figure.count)
  }
}

/** A required assessment's appointment for `personId` at `when`, closed if asked. */
const appointmentAt = (personId: string, when: Date, closedOn: string | null = null) =>
  createAppointmentAt(t.db, { personId, when, closedOn, recordedBy: users.dip })

describe('home page counts link to exactly what they count', () => {
  it('DIP worker: today’s appointments not yet recorded, later today included, closed ones not', async () => {
    const who = await createPerson(t.db)
    const dayStart = londonInstant(today(), '00:00')
    const dayEnd = londonInstant(addDays(today(), 1), '00:00')
    await appointmentAt(who.id, new Date(dayStart.getTime() + 60_000))
    await appointmentAt(who.id, new Date(dayEnd.getTime() - 60_000))
    await appointmentAt(who.id, new Date(dayStart.getTime() + 120_000), today())
    await appointmentAt(who.id, new Date(dayEnd.getTime() + 3_600_000))

    const dip = await signInAs(t.app, 'dip')
    await expectLinksToAgree(dip.agent, ['not yet recorded'])
  })

  it('IOM officer: each tier, in custody and actions due today', async () => {
    for (const [tier, status] of [
      ['red', 'active'],
      ['red', 'in_custody'],
      ['amber', 'active'],
      ['amber', 'in_custody'],
      ['green', 'active'],
    ] as const) {
      const who = await createPerson(t.db)
      await createMembership(t.db, { personId: who.id, leadOfficerId: users.iom, tier, status })
    }
    const owner = await createPerson(t.db)
    await createMembership(t.db, { personId: owner.id, leadOfficerId: users.iom })
    await createAction(t.db, { personId: owner.id, ownerId: users.iom, dueDate: today() })
    await createAction(t.db, { personId: owner.id, ownerId: users.iom, dueDate: addDays(today(), 3) })
    await createAction(t.db, { personId: owner.id, ownerId: users.iom, dueDate: addDays(today(), -3) })

    const iom = await signInAs(t.app, 'iom')
    await expectLinksToAgree(iom.agent, ['red tier', 'amber tier', 'green tier', 'in custody', 'actions due today'])
  })

  it('IOM officer: actions overdue, in their areas only', async () => {
    const owner = await createPerson(t.db)
    await createMembership(t.db, { personId: owner.id, leadOfficerId: users.iom })
    await createAction(t.db, { personId: owner.id, ownerId: users.iom, dueDate: addDays(today(), -2) })
    // Theirs and overdue, but for a person in an area they are not granted: the task list leaves it out.
    const elsewhere = await createOutsideArea(t.db)
    const away = await createPerson(t.db, { area_id: elsewhere.boroughId })
    await createAction(t.db, { personId: away.id, ownerId: users.iom, dueDate: addDays(today(), -2) })

    const iom = await signInAs(t.app, 'iom')
    await expectLinksToAgree(iom.agent, ['actions overdue'])
  })

  it('supervisor: CID proposals to countersign, not their own nor those no longer wanted', async () => {
    const waiting = await onTheList(t.db)
    await t.db.updateTable('cid_entry').set({ status: 'proposed' }).where('id', '=', waiting.entry.id).execute()
    // Proposed by the supervisor themselves: another supervisor countersigns it.
    const own = await onTheList(t.db)
    await t.db
      .updateTable('cid_entry')
      .set({ status: 'proposed', proposed_by: users.supervisor })
      .where('id', '=', own.entry.id)
      .execute()
    // Arrested since it was proposed: no longer wanted, so nothing to countersign.
    const arrested = await person(t.db)
    await marker(t.db, arrested.id, 'violent')
    await entry(t.db, await failure(t.db, arrested.id, { status: 'arrested' }), 'proposed')

    const supervisor = await signInAs(t.app, 'supervisor')
    await expectLinksToAgree(supervisor.agent, ['CID proposals to countersign'])
  })

  it('CID officer: people countersigned in the last 7 days', async () => {
    await onTheList(t.db)
    // On the list, but countersigned a fortnight ago: not in the last 7 days.
    const older = await onTheList(t.db)
    await t.db
      .updateTable('cid_entry')
      .set({ decided_at: new Date(Date.now() - 14 * 86_400_000) })
      .where('id', '=', older.entry.id)
      .execute()

    const cid = await signInAs(t.app, 'cid')
    await expectLinksToAgree(cid.agent, ['people on the list', 'countersigned in the last 7 days'])
  })

  it('supervisor: time-barred CID entries to close, countersigned or arrested', async () => {
    await onTheList(t.db, { timeBarDate: addDays(today(), -2), failureDate: addDays(today(), -200) })
    const arrested = await person(t.db)
    await marker(t.db, arrested.id, 'violent')
    const arrestedFailure = await failure(t.db, arrested.id, {
      status: 'arrested',
      failureDate: addDays(today(), -200),
      timeBarDate: addDays(today(), -1),
    })
    await entry(t.db, arrestedFailure, 'arrested')
    // Waiting for a decision, not to be closed: the unfiltered queue shows it too.
    const proposed = await onTheList(t.db)
    await t.db.updateTable('cid_entry').set({ status: 'proposed' }).where('id', '=', proposed.entry.id).execute()

    const supervisor = await signInAs(t.app, 'supervisor')
    await expectLinksToAgree(supervisor.agent, ['time-barred CID entries to close'])
    const queue = await supervisor.agent.get('/cid/proposals?show=to-close').expect(200)
    expect(queue.text).toContain('Showing: time-barred entries to close only')
    expect(queue.text).not.toContain(proposed.person.surname.toUpperCase())
  })

  it('partner: cases opened in the last 30 days', async () => {
    const agreement = await t.db
      .insertInto('sharing_agreement')
      .values({
        name: `Count links ${uniqueTag()}`,
        agency: 'mash',
        categories: ['identity', 'link_details'],
        starts_on: '2020-01-01',
        ends_on: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const openedOn of [addDays(today(), -5), addDays(today(), -45), addDays(today(), -400)]) {
      await t.db
        .insertInto('partner_link')
        .values({
          person_id: (await createPerson(t.db)).id,
          agency: 'mash',
          reference: `MASH/${uniqueTag()}`,
          opened_on: openedOn,
          status: 'open',
          agreement_id: agreement.id,
          brag_rating: 'amber',
        })
        .execute()
    }

    const partner = await signInAs(t.app, 'partner')
    await expectLinksToAgree(partner.agent, ['opened in the last 30 days'])
  })

  it('administrator: active, locked and disabled accounts', async () => {
    for (const fields of [{ locked: true }, { disabled: true }, {}]) {
      await t.db
        .insertInto('app_user')
        .values({
          username: `links${uniqueTag().toLowerCase()}`,
          display_name: 'Count Links',
          role: 'iom_officer',
          password_hash: 'not-a-real-hash',
          locked_until: 'locked' in fields ? new Date(Date.now() + 3_600_000) : null,
          disabled_at: 'disabled' in fields ? new Date() : null,
        })
        .execute()
    }

    const admin = await signInAs(t.app, 'admin')
    await expectLinksToAgree(admin.agent, ['active users', 'locked accounts', 'disabled accounts'])
  })
})

describe('a filter value no list knows', () => {
  it.each([
    ['iom', '/cohorts?status=ended'],
    ['iom', '/actions?due=yesterday'],
    ['cid', '/cid?countersigned=abc'],
    ['cid', '/cid?countersigned=0'],
    ['supervisor', '/cid/proposals?show=everything'],
    ['partner', '/partner-cases?opened=-1'],
    ['admin', '/admin/users?status=gone'],
  ])('%s: %s is refused with the error summary', async (username, path) => {
    const session = await signInAs(t.app, username)
    const page = await session.agent.get(path).expect(400)
    expect(page.text).toContain('There is a problem')
    expect(errorSummaryLinks(page.text).length).toBe(1)
  })
})
