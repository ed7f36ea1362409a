import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { londonInstant } from '../../../server/features/dip/dipRules.ts'
import {
  createOutsideArea,
  createPerson,
  decodeEntities,
  demoUserIds,
  errorSummaryLinks,
} from '../../helpers/factories.ts'
import { textOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// More of one kind than the list of all shows (50): the count, the "showing" line and the kind's
// own pages must agree, and its pages together hold every item once, oldest first. Each kind's
// count and rows come from one condition, so rows it must not show are added too: decided
// referrals, pending ones outside the user's areas, and actions not yet overdue.

let t: TestApp
let users: Awaited<ReturnType<typeof demoUserIds>>
let supervisor: Agent
let iom: Agent
const today = () => todayInLondon()

/** The 73 pending referrals added here, by id, with when each was made. */
const added = new Map<string, Date>()
const pendingAdded = 73

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  const here = await createPerson(t.db)
  const away = await createPerson(t.db, { area_id: (await createOutsideArea(t.db)).boroughId })
  // Three a day at the same minute, so that items alike in age must be kept in one order by their id.
  const referral = (personId: string, daysAgo: number, status: 'pending' | 'accepted' = 'pending') => ({
    person_id: personId,
    programme: 'iom_fixed' as const,
    source: 'custody',
    reason: 'Three burglaries in the last six months',
    referred_by: users.iom,
    referred_at: londonInstant(addDays(today(), -daysAgo), '09:00'),
    status,
  })
  const rows = await t.db
    .insertInto('referral')
    .values(Array.from({ length: pendingAdded }, (_, i) => referral(here.id, 30 + Math.floor(i / 3))))
    .returning(['id', 'referred_at'])
    .execute()
  for (const row of rows) added.set(row.id, new Date(row.referred_at))
  await t.db
    .insertInto('referral')
    .values([referral(here.id, 5, 'accepted'), referral(away.id, 5), referral(away.id, 60)])
    .execute()
  supervisor = (await signInAs(t.app, 'supervisor')).agent
  iom = (await signInAs(t.app, 'iom')).agent
})
afterAll(async () => {
  await t.close()
})

/** The count the filter gives `kind`, as "(73)" after its link; undefined if it gives none. */
function countOf(html: string, kind: string): number | undefined {
  const found = new RegExp(`href="/tasks\\?kind=${kind}">[^<]*</a> \\((\\d+)\\)`).exec(html)
  return found ? Number(found[1]) : undefined
}

/** The ids of the records the rows of `kind` link to, in the order shown. */
function idsShown(html: string, kind: string, path: string): string[] {
  const links = html.matchAll(new RegExp(`data-task-kind="${kind}" href="${path}/([0-9a-f-]{36})`, 'g'))
  return [...links].map((m) => m[1] ?? '')
}

/** The line saying how many of `kind` the list of all shows, and where its link goes. */
function moreLine(html: string, kind: string) {
  const item = new RegExp(`<li data-more-of="${kind}">([\\s\\S]*?)</li>`).exec(html)?.[1]
  if (item === undefined) return undefined
  return { text: textOf(item), href: decodeEntities(/href="([^"]*)"/.exec(item)?.[1] ?? '') }
}

/** The pagination's "Showing 1 to 50 of 76" line, as numbers. */
function showingRange(html: string) {
  const found = /Showing (\d+) to (\d+) of (\d+)/.exec(textOf(html))
  return found ? found.slice(1).map(Number) : undefined
}

describe('a kind with more items than the list of all shows', () => {
  it('the list of all shows the 50 oldest, says so, and counts them all', async () => {
    const all = await supervisor.get('/tasks').expect(200)
    const total = countOf(all.text, 'referrals')
    expect(total).toBeGreaterThanOrEqual(pendingAdded)
    expect(idsShown(all.text, 'referrals', '/referrals')).toHaveLength(50)
    const line = moreLine(all.text, 'referrals')
    expect(line?.text).toContain(`Showing the 50 oldest of ${total}`)
    expect(line?.text).toContain(`See all ${total}`)
    expect(line?.href).toBe('/tasks?kind=referrals')
    // The figure for "All" is every item of every kind, not only those on the page.
    const kinds = [...all.text.matchAll(/href="\/tasks\?kind=[a-z]+">[^<]*<\/a> \((\d+)\)/g)]
    const allCount = Number(/href="\/tasks">All<\/a> \((\d+)\)/.exec(all.text)?.[1])
    expect(allCount).toBe(kinds.reduce((sum, m) => sum + Number(m[1]), 0))
    expect(allCount).toBeGreaterThan(idsShown(all.text, '[a-z]+', '[^"]*').length)
  })

  it("the kind's own pages count the same, hold every item once, oldest first, and page 2 the rest", async () => {
    const all = await supervisor.get('/tasks').expect(200)
    const total = countOf(all.text, 'referrals') ?? 0
    expect(total).toBeLessThanOrEqual(100)

    const first = await supervisor.get('/tasks?kind=referrals').expect(200)
    const second = await supervisor.get('/tasks?kind=referrals&page=2').expect(200)
    expect(countOf(first.text, 'referrals')).toBe(total)
    expect(countOf(second.text, 'referrals')).toBe(total)
    expect(showingRange(first.text)).toEqual([1, 50, total])
    expect(showingRange(second.text)).toEqual([51, total, total])
    expect(first.text).toContain('href="/tasks?kind=referrals&amp;page=2" rel="next"')
    expect(second.text).toContain('href="/tasks?kind=referrals&amp;page=1" rel="prev"')
    expect(second.text).not.toContain('rel="next"')

    const pageOne = idsShown(first.text, 'referrals', '/referrals')
    const pageTwo = idsShown(second.text, 'referrals', '/referrals')
    expect(pageOne).toHaveLength(50)
    expect(pageTwo).toHaveLength(total - 50)
    const everyOne = [...pageOne, ...pageTwo]
    expect(new Set(everyOne).size).toBe(total)
    // Page 1 is what the list of all shows of the kind, in the same order.
    expect(pageOne).toEqual(idsShown(all.text, 'referrals', '/referrals'))
    // Every referral added is on one page or the other, oldest first, the id settling a tie.
    const ours = everyOne.filter((id) => added.has(id))
    const oldestFirst = [...added.entries()]
      .sort(([a, at], [b, bt]) => at.getTime() - bt.getTime() || a.localeCompare(b))
      .map(([id]) => id)
    expect(ours).toEqual(oldestFirst)
  })

  it('a page past the last is not found', async () => {
    await supervisor.get('/tasks?kind=referrals&page=3').expect(404)
  })
})

describe('overdue actions alike in age, across pages', () => {
  it('each is on exactly one page, and the count is theirs', async () => {
    const owner = await createPerson(t.db)
    const due = addDays(today(), -4)
    // One statement: the same due date and the same moment of creation, so only the id orders them.
    const base = { person_id: owner.id, owner_id: users.iom, pathway: 'accommodation' as const, created_by: users.iom }
    const inserted = await t.db
      .insertInto('action')
      .values(
        Array.from({ length: 56 }, (_, i) => ({ ...base, due_date: due, description: `Overdue action ${i + 1}` })),
      )
      .returning('id')
      .execute()
    // Open and theirs, but not yet overdue: neither counted nor listed.
    await t.db
      .insertInto('action')
      .values({ ...base, due_date: today(), description: 'Due today' })
      .execute()

    const first = await iom.get('/tasks?kind=actions').expect(200)
    const total = countOf(first.text, 'actions') ?? 0
    expect(total).toBeGreaterThanOrEqual(56)
    const pages = [first.text]
    for (let page = 2; page <= Math.ceil(total / 50); page++)
      pages.push((await iom.get(`/tasks?kind=actions&page=${page}`).expect(200)).text)
    // Every overdue action leads to My actions: the rows are told apart by the action's description.
    const shown = pages.flatMap((html) => [...textOf(html).matchAll(/Overdue action (\d+)/g)].map((m) => m[1]))
    expect(shown).toHaveLength(inserted.length)
    expect(new Set(shown).size).toBe(inserted.length)
    expect(textOf(pages.join(''))).not.toContain('Due today')
    const rows = pages.reduce((sum, html) => sum + (html.match(/data-task-kind="actions"/g) ?? []).length, 0)
    expect(rows).toBe(total)

    const all = await iom.get('/tasks').expect(200)
    expect(countOf(all.text, 'actions')).toBe(total)
    expect(moreLine(all.text, 'actions')?.text).toContain(`Showing the 50 oldest of ${total}`)
  })
})

describe('query values the list does not know', () => {
  it.each([
    '/tasks?kind=nonsense',
    '/tasks?kind=referrals&page=0',
    '/tasks?kind=referrals&page=abc',
    '/tasks?kind=referrals&page=1.5',
    '/tasks?kind=referrals&page=-1',
    '/tasks?kind=referrals&page=999999',
    '/tasks?page=2',
    '/tasks?kind=referrals&kind=actions',
  ])('%s is refused with the error summary, linked to the choice of kind', async (path) => {
    const page = await supervisor.get(path).expect(400)
    const links = errorSummaryLinks(page.text)
    expect(links.length).toBe(1)
    expect(links[0]?.href).toBe('#kind')
    expect(page.text).toContain('id="kind"')
    expect(page.text).not.toContain('data-task-kind=')
  })
})
