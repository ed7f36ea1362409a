import fc from 'fast-check'
import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  reviewQueue,
  reviewsDueSource,
  type RetentionRules,
} from '../../server/features/retention/retentionRepository.ts'
import { taskPage } from '../../server/features/tasks/tasksRepository.ts'
import { createPerson } from '../helpers/factories.ts'
import { fileDatabase } from '../helpers/testDatabase.ts'

// The retention queue reads who is due as three ranges of retention_basis, one index each
// (decision 0130). Whatever the configured periods and the day, it must list exactly the people
// whose review date (the rule: the decision's date, or the last event plus the period) has come,
// in the one order, page after page; leap days included, where a year's sum is not its difference.

const t = fileDatabase()
let areaIds: string[] = []

beforeAll(async () => {
  const areas = await t.db.selectFrom('area').select(['id', 'code']).where('parent_id', 'is not', null).execute()
  areaIds = areas.map((a) => a.id)
  // People whose last events and decisions fall on and around the leap days, in every area,
  // adopted or not. Their basis rows are set as the database would keep them for such records.
  const days = ['2020-02-28', '2020-02-29', '2020-03-01', '2023-02-28', '2023-03-01', '2024-02-29', '2021-12-06']
  for (const area of areas)
    for (const day of days)
      for (const basis of [
        { last_on: day, adopted: true, decided_review_on: null },
        { last_on: day, adopted: false, decided_review_on: null },
        { last_on: '2019-01-01', adopted: false, decided_review_on: day },
      ]) {
        const person = await createPerson(t.db, { areaCode: area.code })
        await t.db.updateTable('retention_basis').set(basis).where('person_id', '=', person.id).execute()
      }
})

/** Who is due by the rule's own words, one row at a time, in the list's order. */
async function dueByTheRule(areas: readonly string[], rules: RetentionRules, today: string) {
  const found = await sql<{ person_id: string }>`
    select person_id from (
      select b.*, coalesce(b.decided_review_on, (b.last_on + make_interval(years =>
               case when b.adopted then ${rules.reviewYears}::int else ${rules.reviewYearsNeverAdopted}::int end))::date) as review_on
        from retention_basis b where b.area_id = any(${areas}::uuid[])) r
     where r.review_on <= ${today}::date
     order by r.review_on, coalesce(r.decided_review_on, r.last_on), r.person_id`.execute(t.db)
  return found.rows.map((r) => r.person_id)
}

const rulesArb = fc.record({
  reviewYears: fc.integer({ min: 1, max: 8 }),
  reviewYearsNeverAdopted: fc.integer({ min: 1, max: 8 }),
})
const dayArb = fc
  .date({ min: new Date('2021-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))
// Days next to the end of February, where a leap year's 29th is summed onto the 28th.
const leapishDayArb = fc
  .tuple(fc.integer({ min: 2021, max: 2032 }), fc.constantFrom('02-27', '02-28', '02-29', '03-01'))
  .filter(([year, day]) => day !== '02-29' || year % 4 === 0)
  .map(([year, day]) => `${year}-${day}`)

describe('people due for a retention review', () => {
  it('are the task list’s count and pages, in order, for any periods and day', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        fc.oneof(dayArb, leapishDayArb),
        fc.integer({ min: 1, max: 3 }),
        async (rules, today, areas) => {
          const within = areaIds.slice(0, areas)
          const expected = await dueByTheRule(within, rules, today)
          const source = reviewsDueSource(within, rules, today)
          const limit = 7
          const listed: string[] = []
          for (let offset = 0; ; offset += limit) {
            const page = await taskPage(t.db, source, { limit, offset })
            expect(page.total).toBe(expected.length)
            listed.push(...page.rows.map((row) => row.id))
            if (page.rows.length < limit) break
          }
          expect(listed).toEqual(expected)
        },
      ),
      { numRuns: 40 },
    )
  })

  it('are the retention queue, cut at its length', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        fc.oneof(dayArb, leapishDayArb),
        fc.integer({ min: 1, max: 30 }),
        async (rules, today, limit) => {
          const expected = await dueByTheRule(areaIds, rules, today)
          const queue = await reviewQueue(t.db, areaIds, rules, today, limit)
          expect(queue.map((row) => row.id)).toEqual(expected.slice(0, limit))
        },
      ),
      { numRuns: 30 },
    )
  })
})
