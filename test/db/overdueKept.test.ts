import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { rollOverdueActions } from '../../server/features/casework/overdueRoll.ts'
import { teamPerformance, teamTotals } from '../../server/features/dashboard/dashboardRepository.ts'
import { addDays } from '../../server/domain/time.ts'
import { createAction, createPerson, demoUserIds } from '../helpers/factories.ts'
import { fileDatabase } from '../helpers/testDatabase.ts'

// Each officer's overdue actions are kept as of a day (decision 0131, migration 20261206T0900)
// and moved by every write to actions. The team pages trust a kept count only when it is of today.

const t = fileDatabase()
const today = '2026-12-06'
let users: Record<string, string> = {}
let areaIds: string[] = []

beforeAll(async () => {
  users = await demoUserIds(t.db)
  areaIds = (await t.db.selectFrom('area').select('id').where('parent_id', 'is not', null).execute()).map((a) => a.id)
})

/** The officers whose kept count (of `day`) differs from their actions counted now. */
async function disagreeing(day: string) {
  const found = await sql<{ owner_id: string; kept: number; counted: number }>`
    select k.owner_id, k.overdue as kept,
           (select count(*)::int from action x where x.owner_id = k.owner_id and x.status = 'open' and x.due_date < ${day}::date) as counted
      from owner_overdue k where k.on_day = ${day}::date`.execute(t.db)
  return found.rows.filter((r) => r.kept !== r.counted)
}

const keptRows = () => t.db.selectFrom('owner_overdue').select(['owner_id', 'on_day', 'overdue']).execute()
const usersWithoutRow = () =>
  sql<{
    n: number
  }>`select count(*)::int as n from app_user u where not exists (select 1 from owner_overdue k where k.owner_id = u.id)`
    .execute(t.db)
    .then((r) => r.rows[0]!.n)

describe('the overdue actions kept per officer', () => {
  it('start unrolled for every user, and a roll makes them agree with the actions', async () => {
    expect(await usersWithoutRow()).toBe(0)
    expect(await rollOverdueActions(t.db, today)).toBeGreaterThan(0)
    expect((await keptRows()).every((row) => row.on_day === today)).toBe(true)
    expect(await disagreeing(today)).toEqual([])
    expect((await keptRows()).some((row) => row.overdue > 0)).toBe(true)
    // A second roll of the same day has nothing to do.
    expect(await rollOverdueActions(t.db, today)).toBe(0)
  })

  it('follow every write to actions: added, done, reopened, moved to another officer, re-dated, erased', async () => {
    await rollOverdueActions(t.db, today)
    const person = await createPerson(t.db)
    const past = await createAction(t.db, { personId: person.id, ownerId: users.iom!, dueDate: '2026-11-01' })
    await createAction(t.db, { personId: person.id, ownerId: users.iom!, dueDate: today })
    await createAction(t.db, { personId: person.id, ownerId: users.supervisor!, dueDate: '2026-12-01' })
    expect(await disagreeing(today)).toEqual([])
    await t.db.updateTable('action').set({ status: 'done', completed_on: today }).where('id', '=', past.id).execute()
    expect(await disagreeing(today)).toEqual([])
    await t.db.updateTable('action').set({ status: 'open', completed_on: null }).where('id', '=', past.id).execute()
    await t.db.updateTable('action').set({ owner_id: users.supervisor! }).where('person_id', '=', person.id).execute()
    expect(await disagreeing(today)).toEqual([])
    await t.db.updateTable('action').set({ due_date: '2027-01-01' }).where('id', '=', past.id).execute()
    await t.db
      .updateTable('action')
      .set({ due_date: '2026-10-01' })
      .where('due_date', '=', today)
      .where('person_id', '=', person.id)
      .execute()
    expect(await disagreeing(today)).toEqual([])
    // Many at once, over several officers, as an import or the volume generator writes them.
    await sql`insert into action (person_id, owner_id, due_date, description, pathway)
      select ${person.id}, u.id, ${today}::date - g, 'Bulk', 'accommodation'
        from app_user u cross join generate_series(-3, 3) g`.execute(t.db)
    expect(await disagreeing(today)).toEqual([])
    await t.db.deleteFrom('person').where('id', '=', person.id).execute()
    expect(await disagreeing(today)).toEqual([])
  })

  it('roll on to the next day, when the actions due today become overdue', async () => {
    const person = await createPerson(t.db)
    await createAction(t.db, { personId: person.id, ownerId: users.iom!, dueDate: today })
    await rollOverdueActions(t.db, today)
    const tomorrow = addDays(today, 1)
    expect(await rollOverdueActions(t.db, tomorrow)).toBeGreaterThan(0)
    expect(await disagreeing(tomorrow)).toEqual([])
  })

  it('give a new user a row, read live until it is rolled', async () => {
    const created = await sql<{ id: string }>`
      insert into app_user (username, display_name, role, password_hash)
      values ('overdue.newcomer', 'New Comer', 'iom_officer', 'x') returning id`.execute(t.db)
    const row = await t.db
      .selectFrom('owner_overdue')
      .selectAll()
      .where('owner_id', '=', created.rows[0]!.id)
      .executeTakeFirst()
    expect(row).toMatchObject({ overdue: 0 })
    expect(row?.on_day).not.toBe(today)
  })

  it('are trusted by the team total only when they are of the day asked about', async () => {
    await rollOverdueActions(t.db, today)
    const counted = async (day: string) => {
      const r = await sql<{
        n: number
      }>`select count(*)::int as n from action x where x.status = 'open' and x.due_date < ${day}::date
        and x.owner_id in (select owner_id from owner_overdue)`.execute(t.db)
      return r.rows[0]!.n
    }
    const kept = await teamTotals(t.db, areaIds, today)
    const keptTable = await teamPerformance(t.db, areaIds, today, { limit: 500, offset: 0 })
    // A kept count falsified on an earlier day's row is not read for today.
    await t.db
      .updateTable('owner_overdue')
      .set({ on_day: addDays(today, -1), overdue: 9999 })
      .where('owner_id', '=', users.iom!)
      .execute()
    const live = await teamTotals(t.db, areaIds, today)
    expect(live.overdue).toBe(kept.overdue)
    expect(await teamPerformance(t.db, areaIds, today, { limit: 500, offset: 0 })).toEqual(keptTable)
    expect(keptTable.reduce((sum, officer) => sum + officer.overdue, 0)).toBe(kept.overdue)
    expect(live.overdue).toBeLessThanOrEqual(await counted(today))
    expect(live.overdue).toBeGreaterThan(0)
  })
})
