import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { closeTimeBarredFailures } from '../../server/features/dip/dipFailureRepository.ts'
import { fileDatabase } from '../helpers/testDatabase.ts'

// The CID counts read a failure's state from its entry (migration 20261206T0400): right only while
// every entry carries its failure's row status and time bar, whichever way either was written.

const t = fileDatabase()

async function disagreeing(): Promise<number> {
  const found = await sql<{ n: number }>`
    select count(*)::int as n from cid_entry e join dip_failure f on f.id = e.failure_id
     where (e.failure_status, e.failure_time_bar_date) is distinct from (f.status, f.time_bar_date)`.execute(t.db)
  return found.rows[0]!.n
}

const entryOf = (failureId: string) =>
  t.db
    .selectFrom('cid_entry')
    .select(['id', 'failure_status', 'failure_time_bar_date'])
    .where('failure_id', '=', failureId)
    .executeTakeFirstOrThrow()

const aWantedFailureOnTheList = () =>
  t.db
    .selectFrom('cid_entry as e')
    .innerJoin('dip_failure as f', 'f.id', 'e.failure_id')
    .select(['f.id', 'f.time_bar_date'])
    .where('e.status', '=', 'countersigned')
    .where('f.status', '=', 'wanted')
    .executeTakeFirstOrThrow()

describe("a CID entry carries its failure's state", () => {
  it('in the demo data, every entry agrees with its failure', async () => {
    expect(await t.db.selectFrom('cid_entry').select('id').execute()).not.toHaveLength(0)
    expect(await disagreeing()).toBe(0)
  })

  it("a change of the failure's status or time bar reaches its entry in the same statement", async () => {
    const failure = await aWantedFailureOnTheList()
    await t.db.updateTable('dip_failure').set({ status: 'arrested' }).where('id', '=', failure.id).execute()
    expect((await entryOf(failure.id)).failure_status).toBe('arrested')
    await t.db.updateTable('dip_failure').set({ time_bar_date: '2020-01-01' }).where('id', '=', failure.id).execute()
    expect((await entryOf(failure.id)).failure_time_bar_date).toBe('2020-01-01')
    // The sweep closes it as time-barred, and the entry follows.
    expect(await closeTimeBarredFailures(t.db, '2026-12-06')).toBeGreaterThan(0)
    expect((await entryOf(failure.id)).failure_status).toBe('time_barred')
    expect(await disagreeing()).toBe(0)
  })

  it('state written to the entry by anyone but the database is replaced by the failure’s own', async () => {
    const failure = await aWantedFailureOnTheList()
    const entry = await entryOf(failure.id)
    const changed = await t.db
      .updateTable('cid_entry')
      .set({ failure_status: 'charged', failure_time_bar_date: '2099-01-01' })
      .where('id', '=', entry.id)
      .returning(['failure_status', 'failure_time_bar_date'])
      .executeTakeFirstOrThrow()
    expect(changed).toEqual({ failure_status: 'wanted', failure_time_bar_date: failure.time_bar_date })
    expect(await disagreeing()).toBe(0)
  })
})
