import { isDeepStrictEqual } from 'node:util'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import type { DbHandle } from '../../db/index.ts'
import type { Database } from '../../db/types.ts'
import { addDays, todayInLondon } from '../../server/domain/time.ts'
import { cidPanel, dipPanel, supervisorPanel } from '../../server/features/dashboard/dashboardRepository.ts'
import {
  awaitingStatement,
  closeTimeBarredFailures,
  entryFailureStillOn,
} from '../../server/features/dip/dipFailureRepository.ts'
import { countersignedWithin, timeBarredToClose } from '../../server/features/cid/cidRepository.ts'
import { proposalToCountersign } from '../../server/features/tasks/tasksRepository.ts'
import { inAreas } from '../../server/queries/areas.ts'
import { down, up } from '../../migrations/20261206T1300_open_item_counts_kept.ts'
import { areaIdsByCode, createReferral, demoUserIds } from '../helpers/factories.ts'
import { createTestDatabase } from '../helpers/testDatabase.ts'
import { secondWhileFirstHoldsLocks } from '../helpers/twoSessions.ts'
import { entry, failure, marker, person } from '../features/cid/cidSupport.ts'

// The home page's backlogs are kept per borough and time-bar day (decision 0136, migration
// 20261206T1300). Each kept count must equal what its list's own condition selects, on every day
// and in every set of boroughs, after every kind of write. This file holds them to it.

let t: DbHandle
const today = todayInLondon()
let users: Record<string, string> = {}
let boroughs: Record<string, string> = {}

beforeAll(async () => {
  t = await createTestDatabase()
  users = await demoUserIds(t.db)
  boroughs = await areaIdsByCode(t.db)
})
afterAll(async () => {
  await t?.close()
})

/** The counts as the lists' own conditions give them, on `day` in `areaIds`, for `userId`. */
async function counted(db: Kysely<Database>, areaIds: readonly string[], userId: string, day: string) {
  const count = (
    table: 'dip_failure' | 'referral' | 'cid_entry',
    where: ReturnType<typeof sql>,
    what = sql`count(*)`,
  ) => sql<number>`(select ${what} from ${sql.table(table)} x where ${inAreas('x', areaIds)} and ${where})::int`
  const listed = sql`x.status = 'countersigned' and ${entryFailureStillOn('x', 'wanted', day)}`
  const people = sql`count(distinct x.person_id)`
  const result = await sql<Record<string, number>>`
    select ${count('dip_failure', awaitingStatement('x', day))} as awaiting_statement,
           ${count('referral', sql`x.status = 'pending'`)} as referrals,
           ${count('cid_entry', proposalToCountersign('x', userId, day))} as proposals,
           ${count('cid_entry', timeBarredToClose('x', day))} as time_barred_to_close,
           ${count('cid_entry', listed, people)} as on_list,
           ${count('cid_entry', sql`${listed} and ${countersignedWithin('x', 7)}`, people)} as new_this_week,
           ${count('cid_entry', sql`${listed} and x.failure_time_bar_date <= ${day}::date + 30`, people)} as within_30_days`.execute(
    db,
  )
  return result.rows[0]!
}

/** The same counts as the home page's panels read them. */
async function shown(db: Kysely<Database>, areaIds: readonly string[], userId: string, day: string) {
  const dip = await dipPanel(db, areaIds, day)
  const supervisor = await supervisorPanel(db, userId, areaIds, day)
  const cid = await cidPanel(db, areaIds, day)
  return { awaiting_statement: dip!.awaiting_statement, ...supervisor!, ...cid! }
}

/** The time bars this test's writes set: the days on which their counts change. */
const barsWritten = new Set<string>()
beforeEach(() => barsWritten.clear())

/** Days either side of each of `bars` (where a count of the list or of its next 30 days changes), and far before and after. */
function daysAround(bars: Iterable<string>) {
  const days = new Set([today, addDays(today, -400), addDays(today, 400)])
  for (const bar of bars) for (const offset of [-31, -30, 0, 1]) days.add(addDays(bar, offset))
  return [...days].sort()
}

/** Every time bar in the database. */
async function everyBar(db: Kysely<Database>) {
  const bars = await sql<{ day: string }>`
    select distinct to_char(d, 'YYYY-MM-DD') as day from (
      select time_bar_date as d from dip_failure union select failure_time_bar_date from cid_entry) b`.execute(db)
  return bars.rows.map((row) => row.day)
}

/**
 * Every kept count agrees with its list's condition on each of `days`, in each borough alone and
 * in all of them, for the supervisor (and today for an officer); no kept row is nought or less; each
 * person's kept day on the list is their entries' latest time bar.
 */
async function expectKeptAsCounted(days = daysAround(barsWritten), db: Kysely<Database> = t.db) {
  const areaSets = [...Object.values(boroughs).map((id) => [id]), Object.values(boroughs)]
  const disagreements: unknown[] = []
  for (const day of days)
    for (const areaIds of areaSets)
      // Only the proposals depend on the reader: an officer with none of their own is asked today.
      for (const userId of day === today ? [users.supervisor!, users.iom!] : [users.supervisor!]) {
        const [want, got] = [await counted(db, areaIds, userId, day), await shown(db, areaIds, userId, day)]
        if (!isDeepStrictEqual(want, got)) disagreements.push({ day, areaIds, userId, want, got })
      }
  expect(disagreements).toEqual([])
  const notPositive = await sql`select * from open_item_count where n <= 0`.execute(db)
  expect(notPositive.rows).toEqual([])
  const wrongPeople = await sql`
    (select person_id, area_id, bar_day from cid_listed_person
     except select person_id, (array_agg(area_id))[1], max(failure_time_bar_date) from cid_entry
             where status = 'countersigned' and failure_status = 'wanted' group by person_id)
    union all
    (select person_id, (array_agg(area_id))[1], max(failure_time_bar_date) from cid_entry
      where status = 'countersigned' and failure_status = 'wanted' group by person_id
     except select person_id, area_id, bar_day from cid_listed_person)`.execute(db)
  expect(wrongPeople.rows).toEqual([])
}

/** A failure of a new violent person (so they may be handed to CID) in `areaCode`, with a time bar `bar` days from today. */
async function failureIn(areaCode: string, bar: number, options: Parameters<typeof failure>[2] = {}) {
  const who = await person(t.db, { area_id: boroughs[areaCode] })
  await marker(t.db, who.id, 'violent')
  barsWritten.add(addDays(today, bar))
  return failure(t.db, who.id, { failureDate: addDays(today, bar - 183), timeBarDate: addDays(today, bar), ...options })
}

/** A further failure of `personId`, with a time bar `bar` days from today. */
function failureOf(personId: string, bar: number) {
  barsWritten.add(addDays(today, bar))
  return failure(t.db, personId, { failureDate: addDays(today, bar - 183), timeBarDate: addDays(today, bar) })
}

/** Sets a failure's time bar `bar` days from today. */
function reDate(failureId: string, bar: number) {
  barsWritten.add(addDays(today, bar))
  return setFailure(failureId, { time_bar_date: addDays(today, bar) })
}

const setEntry = (id: string, changes: Record<string, unknown>) =>
  t.db.updateTable('cid_entry').set(changes).where('id', '=', id).execute()
const setFailure = (id: string, changes: Record<string, unknown>) =>
  t.db.updateTable('dip_failure').set(changes).where('id', '=', id).execute()

describe('the kept counts of the home page', () => {
  it(
    'agree with the demo data as the triggers kept it, and as a migration works them out again',
    { timeout: 120_000 },
    async () => {
      const days = daysAround(await everyBar(t.db))
      await expectKeptAsCounted(days)
      const before = await sql`select * from open_item_count order by 1, 2, 3`.execute(t.db)
      await t.asOwner(async (owner) => {
        await down(owner)
        await up(owner)
      })
      expect((await sql`select * from open_item_count order by 1, 2, 3`.execute(t.db)).rows).toEqual(before.rows)
      await expectKeptAsCounted(days)
    },
  )

  it('follow failures: awaiting, given their statement, circulated, re-dated, moved, closed by the sweep, erased', async () => {
    const [h, b] = Object.keys(boroughs)
    const soon = await failureIn(h!, 3, { status: 'open', statementProducedOn: null })
    const later = await failureIn(h!, 90, { status: 'open', statementProducedOn: null })
    const passed = await failureIn(b!, -2, { status: 'open', statementProducedOn: null })
    await failureIn(b!, 40, { status: 'open', statementProducedOn: null })
    await expectKeptAsCounted()
    await setFailure(soon.id, { statement_produced_on: today })
    await setFailure(later.id, {
      statement_produced_on: today,
      status: 'wanted',
      wanted_since: today,
      wanted_reference: 'PNC/WM/KEPT1',
    })
    await expectKeptAsCounted()
    await setFailure(later.id, {
      status: 'open',
      statement_produced_on: null,
      wanted_since: null,
      wanted_reference: null,
    })
    await reDate(later.id, 5)
    await t.db.updateTable('person').set({ area_id: boroughs[b!]! }).where('id', '=', later.person_id).execute()
    await expectKeptAsCounted()
    expect(await closeTimeBarredFailures(t.db, today)).toBeGreaterThan(0)
    await t.db.deleteFrom('dip_failure_event').where('failure_id', '=', passed.id).execute()
    await t.db.deleteFrom('dip_failure').where('id', '=', passed.id).execute()
    await expectKeptAsCounted()
  })

  it('follow referrals: made, decided, moved with their person', async () => {
    const [h, b] = Object.keys(boroughs)
    const who = await person(t.db, { area_id: boroughs[h!] })
    const first = await createReferral(t.db, { personId: who.id, referredBy: users.iom! })
    await createReferral(t.db, { personId: who.id, referredBy: users.iom!, programme: 'dip' })
    await expectKeptAsCounted()
    await t.db.updateTable('referral').set({ status: 'accepted' }).where('id', '=', first.id).execute()
    await t.db.updateTable('person').set({ area_id: boroughs[b!]! }).where('id', '=', who.id).execute()
    await expectKeptAsCounted()
  })

  it('follow entries: proposed by the reader and by others, countersigned, a second for one person, arrested, time-barred, merged, erased', async () => {
    const [h, b] = Object.keys(boroughs)
    const ownFailure = await failureIn(h!, 20)
    const own = await entry(t.db, ownFailure, 'proposed')
    await setEntry(own.id, { proposed_by: users.supervisor! })
    const othersFailure = await failureIn(h!, 50)
    const others = await entry(t.db, othersFailure, 'proposed')
    await setEntry(others.id, { proposed_by: users.iom! })
    await expectKeptAsCounted()

    // Countersigned: the person is on the list; a second entry with a later time bar moves their day.
    await setEntry(others.id, { status: 'countersigned', decided_by: users.supervisor!, decided_at: new Date() })
    const second = await failureOf(othersFailure.person_id, 83)
    const secondEntry = await entry(t.db, second)
    await expectKeptAsCounted()

    // Their first failure arrested, then past its time bar unswept, then closed by the sweep.
    await setFailure(othersFailure.id, { status: 'arrested' })
    await setEntry(others.id, { status: 'arrested' })
    await expectKeptAsCounted()
    await reDate(othersFailure.id, -1)
    await reDate(second.id, -3)
    await expectKeptAsCounted()
    await closeTimeBarredFailures(t.db, today)
    await expectKeptAsCounted()

    // A failure charged in time: its entry is neither on the list nor to close.
    const charged = await failureIn(b!, 10)
    const chargedEntry = await entry(t.db, charged)
    await setFailure(charged.id, { status: 'charged' })
    await expectKeptAsCounted()

    // Two records of one person combined: the entries move to the survivor, in another borough.
    const survivor = await person(t.db, { area_id: boroughs[b!] })
    await t.db
      .updateTable('dip_failure')
      .set({ person_id: survivor.id })
      .where('person_id', '=', ownFailure.person_id)
      .execute()
    await t.db
      .updateTable('cid_entry')
      .set({ person_id: survivor.id })
      .where('person_id', '=', ownFailure.person_id)
      .execute()
    await expectKeptAsCounted()

    // Erased, all of one person's entries in one statement.
    await t.db.deleteFrom('cid_entry_event').where('entry_id', 'in', [secondEntry.id, chargedEntry.id]).execute()
    await t.db.deleteFrom('cid_entry').where('id', 'in', [secondEntry.id, chargedEntry.id]).execute()
    await expectKeptAsCounted()
  })

  it('follow one statement that changes many failures and their entries at once', async () => {
    const listed = []
    for (const bar of [1, 1, 30, 31, 150]) listed.push(await failureIn(Object.keys(boroughs)[0]!, bar))
    for (const failed of listed) await entry(t.db, failed)
    for (const bar of [1, 30, 31, 150]) barsWritten.add(addDays(today, bar + 14))
    await t.db
      .updateTable('dip_failure')
      .set({ time_bar_date: sql`time_bar_date + 14` })
      .where(
        'id',
        'in',
        listed.map((f) => f.id),
      )
      .execute()
    await expectKeptAsCounted()
  })

  // The embedded server has one backend session behind all its connections: only PostgreSQL has
  // two writers at once.
  it.runIf(inject('template').kind === 'postgres')(
    'stay right when two sessions countersign entries of one person at the same time',
    async () => {
      const first = await failureIn(Object.keys(boroughs)[0]!, 60)
      const second = await failureOf(first.person_id, 120)
      const entries = [(await entry(t.db, first, 'proposed')).id, (await entry(t.db, second, 'proposed')).id]
      const countersign = `update cid_entry set status = 'countersigned', decided_by = $2, decided_at = now() where id = $1`
      // The second waits for the first to commit, then counts the first's entry with its own.
      await secondWhileFirstHoldsLocks(
        t.pool,
        (a) => a.query(countersign, [entries[0], users.supervisor]),
        (b) => b.query(countersign, [entries[1], users.supervisor]),
      )
      await expectKeptAsCounted()
    },
  )
})
