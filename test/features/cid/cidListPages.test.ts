import { describe, expect, it } from 'vitest'
import { cidList, type CidFilters } from '../../../server/features/cid/cidRepository.ts'
import { fileDatabase } from '../../helpers/testDatabase.ts'
import { daysFromToday, entry, failure, onTheList, today } from './cidSupport.ts'

// The CID list is read a borough at a time in its own order, up to the page's end, each person
// once (decision 0137); its length is the kept count of people (decision 0136), or counted for a
// narrower view. Page after page, it must be the whole list sorted, and its length the list's.

const t = fileDatabase()

/** Each page of `limit`, merged, against the whole list read without a window, and the length each page carries. */
async function expectPagesOfWholeList(areaIds: string[], filters: CidFilters) {
  const whole = await cidList(t.db, areaIds, filters, today())
  const ids = whole.map((row) => row.id)
  expect(new Set(whole.map((row) => row.person_id)).size).toBe(whole.length)
  for (const limit of [1, 3]) {
    const paged: string[] = []
    for (let offset = 0; offset < whole.length + limit; offset += limit) {
      const page = await cidList(t.db, areaIds, filters, today(), undefined, { limit, offset })
      for (const row of page) expect(row.total_rows, `offset ${offset}`).toBe(whole.length)
      paged.push(...page.map((row) => row.id))
    }
    expect(paged).toEqual(ids)
  }
  return whole
}

describe('the CID list read a page at a time', () => {
  it('is the whole list in order, one row a person, in each borough, all of them and under each filter', async () => {
    const boroughs = await t.db
      .selectFrom('area')
      .select('id')
      .where('parent_id', 'is not', null)
      .orderBy('code')
      .execute()
    const [here, there] = boroughs.map((b) => b.id)
    const sameDay = daysFromToday(20)
    // Ties on the time bar (broken by the violence marker, then the name), in two boroughs.
    for (const area_id of [here!, there!, here!])
      for (const markerStart of [daysFromToday(-300), daysFromToday(-10)])
        await onTheList(t.db, { timeBarDate: sameDay, markerStart, person: { area_id } })
    // A person with two entries: the sooner is the one shown; a third, passed and not yet swept, is not.
    const twice = await onTheList(t.db, { timeBarDate: daysFromToday(60), person: { area_id: here! } })
    await entry(
      t.db,
      await failure(t.db, twice.person.id, { failureDate: daysFromToday(-170), timeBarDate: daysFromToday(10) }),
    )
    await entry(
      t.db,
      await failure(t.db, twice.person.id, { failureDate: daysFromToday(-190), timeBarDate: daysFromToday(-2) }),
    )
    // Listed only for a failure whose time bar has passed: not on the list at all.
    await onTheList(t.db, {
      failureDate: daysFromToday(-200),
      timeBarDate: daysFromToday(-1),
      person: { area_id: here! },
    })

    const all = boroughs.map((b) => b.id)
    for (const areaIds of [[here!], [there!], all]) {
      const whole = await expectPagesOfWholeList(areaIds, {})
      expect(whole.length).toBeGreaterThan(0)
      await expectPagesOfWholeList(areaIds, { maxDaysToTimeBar: 20 })
      await expectPagesOfWholeList(areaIds, { countersignedWithinDays: 7 })
    }
    const listed = await expectPagesOfWholeList(all, { areaId: here! })
    const shown = listed.find((row) => row.person_id === twice.person.id)
    expect(shown?.time_bar_date).toBe(daysFromToday(10))
    expect(await expectPagesOfWholeList([there!], { areaId: here! })).toEqual([])
    const ward = await t.db.selectFrom('ward').select('id').where('borough_id', '=', here!).executeTakeFirstOrThrow()
    await t.db.updateTable('person').set({ ward_id: ward.id }).where('id', '=', twice.person.id).execute()
    expect(await expectPagesOfWholeList(all, { wardId: ward.id })).toContainEqual(
      expect.objectContaining({ person_id: twice.person.id, time_bar_date: daysFromToday(10) }),
    )
  })
})
