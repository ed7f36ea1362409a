import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../../db/index.ts'
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
        contacts: await people.contactsQuery(db, id, 20).execute(),
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
})
