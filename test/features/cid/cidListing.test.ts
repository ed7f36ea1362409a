import fc from 'fast-check'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CidStatus, Database, FailureStatus } from '../../../db/types.ts'
import type { DbHandle } from '../../../db/index.ts'
import { areaIdsByCode, demoUserIds } from '../../helpers/factories.ts'
import { createTestDatabase } from '../../helpers/testDatabase.ts'
import {
  cidListingKeptAndFresh as keptAndFresh,
  daysFromToday,
  entry,
  expectCidListingToAgree,
  failure,
  marker,
  onTheList,
  person,
} from './cidSupport.ts'

// The CID list reads cid_listing, which the database keeps as the case tables change (the
// cid_listing migration). Whatever the writes, it must equal what the case tables give when
// worked out from nothing: after the demo seed, after each kind of write that can change the
// list, after a rollback, after two transactions on one person at once, and after random writes.

type Db = Kysely<Database>
let handle: DbHandle
let db: Db
let wards: string[]

beforeAll(async () => {
  handle = await createTestDatabase()
  db = handle.db
  const havering = (await areaIdsByCode(db))['HV'] ?? ''
  wards = (
    await db.selectFrom('ward').select('id').where('borough_id', '=', havering).orderBy('name').limit(2).execute()
  ).map((w) => w.id)
})
afterAll(async () => {
  await handle.close()
})

async function expectListingToAgree() {
  await expectCidListingToAgree(db)
}

async function listedEntries(personId: string): Promise<string[]> {
  const rows = await sql<{
    entry_id: string
  }>`select entry_id from cid_listing where person_id = ${personId} order by entry_id`.execute(db)
  return rows.rows.map((r) => r.entry_id)
}

describe('the CID listing', () => {
  it('agrees with the case tables after the demo seed, which puts people on the list', async () => {
    const kept = await sql<{ n: number }>`select count(*)::int as n from cid_listing`.execute(db)
    expect(kept.rows[0]?.n).toBeGreaterThan(0)
    await expectListingToAgree()
  })

  it('takes an entry on when it is countersigned, and off when its person is arrested', async () => {
    const who = await person(db)
    await marker(db, who.id, 'violent')
    const failed = await failure(db, who.id)
    const proposed = await entry(db, failed, 'proposed')
    expect(await listedEntries(who.id)).toEqual([])
    await db
      .updateTable('cid_entry')
      .set({ status: 'countersigned', decided_by: (await demoUserIds(db)).supervisor })
      .where('id', '=', proposed.id)
      .execute()
    expect(await listedEntries(who.id)).toEqual([proposed.id])
    await db.updateTable('dip_failure').set({ status: 'arrested' }).where('id', '=', failed.id).execute()
    expect(await listedEntries(who.id)).toEqual([])
    await expectListingToAgree()
  })

  it('follows a new time bar, a new or ended violence marker, a move of ward and a change of name', async () => {
    const { person: who, failure: failed } = await onTheList(db, {
      person: { ward_id: wards[0] ?? null },
      markerStart: daysFromToday(-300),
    })
    await db
      .updateTable('dip_failure')
      .set({ time_bar_date: daysFromToday(40) })
      .where('id', '=', failed.id)
      .execute()
    await marker(db, who.id, 'weapons', { startDate: daysFromToday(-10) })
    await db
      .updateTable('person')
      .set({ ward_id: wards[1] ?? null, surname: `${who.surname}-Renamed` })
      .where('id', '=', who.id)
      .execute()
    const row = await sql<{ time_bar_date: string; last_violence_marker: string; ward_id: string; surname: string }>`
      select time_bar_date::text, last_violence_marker::text, ward_id, surname from cid_listing where person_id = ${who.id}`.execute(
      db,
    )
    expect(row.rows).toEqual([
      {
        time_bar_date: daysFromToday(40),
        last_violence_marker: daysFromToday(-10),
        ward_id: wards[1],
        surname: `${who.surname}-Renamed`,
      },
    ])
    await db
      .updateTable('person_marker')
      .set({ ended_on: daysFromToday(0) })
      .where('person_id', '=', who.id)
      .where('marker_code', '=', 'weapons')
      .execute()
    await expectListingToAgree()
  })

  it('follows entries moved to another person (a combination), and a person deleted', async () => {
    const first = await onTheList(db)
    const second = await onTheList(db)
    await db
      .updateTable('cid_entry')
      .set({ person_id: second.person.id })
      .where('person_id', '=', first.person.id)
      .execute()
    await db
      .updateTable('dip_failure')
      .set({ person_id: second.person.id })
      .where('person_id', '=', first.person.id)
      .execute()
    expect(await listedEntries(first.person.id)).toEqual([])
    expect(await listedEntries(second.person.id)).toEqual([first.entry.id, second.entry.id].sort())
    await db.deleteFrom('person').where('id', '=', second.person.id).execute()
    expect(await listedEntries(second.person.id)).toEqual([])
    await expectListingToAgree()
  })

  it('keeps nothing of a transaction rolled back', async () => {
    const before = await keptAndFresh(db)
    await db
      .transaction()
      .execute(async (trx) => {
        const { person: who } = await onTheList(trx)
        expect(
          (
            await sql<{ n: number }>`select count(*)::int as n from cid_listing where person_id = ${who.id}`.execute(
              trx,
            )
          ).rows[0]?.n,
        ).toBe(0)
        throw new Error('roll back')
      })
      .catch((error: unknown) => {
        if (!(error instanceof Error) || error.message !== 'roll back') throw error
      })
    expect(await keptAndFresh(db)).toEqual(before)
  })

  it('agrees after two transactions change one person at once', async () => {
    const { person: who, failure: failed } = await onTheList(db)
    const other = await failure(db, who.id, { timeBarDate: daysFromToday(20) })
    const otherEntry = await entry(db, other)
    await Promise.all([
      db.transaction().execute(async (trx) => {
        await trx.updateTable('dip_failure').set({ status: 'arrested' }).where('id', '=', failed.id).execute()
      }),
      db.transaction().execute(async (trx) => {
        await trx.updateTable('cid_entry').set({ status: 'withdrawn' }).where('id', '=', otherEntry.id).execute()
      }),
    ])
    expect(await listedEntries(who.id)).toEqual([])
    await expectListingToAgree()
  })

  /** Lets one rule's refusal through (by its SQLSTATE); anything else is still an error. */
  const refusedByRule = (code: string) => (error: unknown) => {
    if ((error as { code?: string }).code !== code) throw error
  }

  it('agrees after any sequence of writes to entries, failures, markers and the person', async () => {
    const entryStatuses: CidStatus[] = ['proposed', 'countersigned', 'arrested', 'withdrawn', 'time_barred']
    const failureStatuses: FailureStatus[] = ['open', 'wanted', 'arrested', 'time_barred']
    const write = fc.oneof(
      fc.record({ kind: fc.constant('entry' as const), status: fc.constantFrom(...entryStatuses) }),
      fc.record({
        kind: fc.constant('failure' as const),
        status: fc.constantFrom(...failureStatuses),
        days: fc.integer({ min: -5, max: 180 }),
      }),
      fc.record({ kind: fc.constant('marker' as const), end: fc.boolean(), days: fc.integer({ min: -400, max: 0 }) }),
      fc.record({ kind: fc.constant('ward' as const), which: fc.integer({ min: 0, max: 1 }) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 6 }), async (writes) => {
        const { person: who, failure: failed, entry: listed } = await onTheList(db)
        for (const w of writes) {
          // Countersigning again after the last violence marker ended is refused by the database
          // (cid_entry_countersign_rules): the listing must agree whether a write lands or is refused.
          if (w.kind === 'entry')
            await db
              .updateTable('cid_entry')
              .set({ status: w.status })
              .where('id', '=', listed.id)
              .execute()
              .catch(refusedByRule('CH004'))
          else if (w.kind === 'failure')
            await db
              .updateTable('dip_failure')
              .set({ status: w.status, time_bar_date: daysFromToday(w.days) })
              .where('id', '=', failed.id)
              .execute()
          else if (w.kind === 'ward')
            await db
              .updateTable('person')
              .set({ ward_id: wards[w.which] ?? null })
              .where('id', '=', who.id)
              .execute()
          else if (w.end)
            await db
              .updateTable('person_marker')
              .set({ ended_on: daysFromToday(0) })
              .where('person_id', '=', who.id)
              .execute()
          else await marker(db, who.id, 'weapons', { startDate: daysFromToday(w.days) })
        }
        await expectListingToAgree()
      }),
      { numRuns: 15 },
    )
  })
})
