import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../../db/index.ts'
import { recentContactsQuery } from '../../../server/features/casework/caseworkRepository.ts'
import * as cohorts from '../../../server/features/cohorts/cohortsRepository.ts'
import * as dip from '../../../server/features/dip/dipRepository.ts'
import { linksOfPersonQuery } from '../../../server/features/partners/partnersRepository.ts'
import { photoQuery } from '../../../server/features/people/descriptionRepository.ts'
import * as people from '../../../server/features/people/peopleRepository.ts'
import { personPanels } from '../../../server/features/personPage/personPanels.ts'
import { createTestDatabase } from '../../helpers/testDatabase.ts'

// The person page reads its twelve panels in one statement, as JSON. Each panel must be exactly
// what its own query gives when run alone: the same rows, in the same order, instants as Dates.

let handle: DbHandle

beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle.close()
})

describe('the person page in one statement', () => {
  it('gives each panel exactly as its own query does, for the demo people with the most history', async () => {
    const db = handle.db
    const busiest = await sql<{ id: string }>`
      select p.id from person p
       order by (select count(*) from appointment a where a.person_id = p.id)
              + (select count(*) from cohort_membership m where m.person_id = p.id)
              + (select count(*) from partner_link l where l.person_id = p.id)
              + (select count(*) from person_marker k where k.person_id = p.id) desc
       limit 5`.execute(db)
    expect(busiest.rows).toHaveLength(5)
    for (const { id } of busiest.rows) {
      const together = await personPanels(db, id)
      const alone = {
        aliases: await people.aliasesQuery(db, id).execute(),
        markers: await people.markersQuery(db, id).execute(),
        memberships: await cohorts.membershipsQuery(db, id).execute(),
        events: await cohorts.membershipEventsQuery(db, id).execute(),
        referrals: await cohorts.referralsQuery(db, id).execute(),
        contacts: await recentContactsQuery(db, id, 5).execute(),
        actions: await people.openActionsQuery(db, id).execute(),
        tests: await dip.testsQuery(db, id).execute(),
        appointments: await dip.appointmentsQuery(db, id).execute(),
        failures: await dip.failuresQuery(db, id).execute(),
        links: await linksOfPersonQuery(db, id).execute(),
        photo: await photoQuery(db, id).execute(),
      }
      expect(together).toEqual(alone)
      expect(Object.values(alone).flat().length, id).toBeGreaterThan(5)
    }
  })

  it("works out each failure's status for the day asked, not the day the statement was first built", async () => {
    const db = handle.db
    const failure = await sql<{ person_id: string; time_bar_date: string }>`
      select person_id, time_bar_date::text as time_bar_date from dip_failure
       where status = 'open' order by time_bar_date limit 1`.execute(db)
    const { person_id: id, time_bar_date: timeBar } = failure.rows[0]!
    const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
    const statusOf = async (today: string) =>
      (await personPanels(db, id, today)).failures.find((f) => f.time_bar_date === timeBar)?.status
    const before = await statusOf(timeBar)
    const after = await statusOf(dayAfter(timeBar))
    expect(before).toBe('open')
    expect(after).not.toBe(before)
    expect((await personPanels(db, id, dayAfter(timeBar))).failures).toEqual(
      await dip.failuresQuery(db, id, dayAfter(timeBar)).execute(),
    )
  })
})
