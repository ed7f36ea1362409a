import type { Kysely } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import { compiledOnce } from '../../../db/compiledOnce.ts'
import type { Database } from '../../../db/types.ts'
import { todayInLondon } from '../../domain/time.ts'
import { recentContactsQuery } from '../casework/caseworkRepository.ts'
import * as cohorts from '../cohorts/cohortsRepository.ts'
import * as dip from '../dip/dipRepository.ts'
import { linksOfPersonQuery } from '../partners/partnersRepository.ts'
import * as repo from '../people/peopleRepository.ts'
import { photoQuery } from '../people/descriptionRepository.ts'

type Db = Kysely<Database>

function panelsQuery(db: Db, personId: string, today: string) {
  return db.selectNoFrom([
    jsonArrayFrom(repo.aliasesQuery(db, personId)).as('aliases'),
    jsonArrayFrom(repo.markersQuery(db, personId)).as('markers'),
    jsonArrayFrom(cohorts.membershipsQuery(db, personId)).as('memberships'),
    jsonArrayFrom(cohorts.membershipEventsQuery(db, personId)).as('events'),
    jsonArrayFrom(cohorts.referralsQuery(db, personId)).as('referrals'),
    jsonArrayFrom(recentContactsQuery(db, personId, 5)).as('contacts'),
    jsonArrayFrom(repo.openActionsQuery(db, personId)).as('actions'),
    jsonArrayFrom(dip.testsQuery(db, personId)).as('tests'),
    jsonArrayFrom(dip.appointmentsQuery(db, personId)).as('appointments'),
    jsonArrayFrom(dip.failuresQuery(db, personId, today)).as('failures'),
    jsonArrayFrom(linksOfPersonQuery(db, personId)).as('links'),
    jsonArrayFrom(photoQuery(db, personId)).as('photo'),
  ])
}

// The statement is the same for every person but its id and the day: building and compiling its
// 5,500 characters took about a millisecond of the app's CPU on every page (a tenth of the page's).
// So it is compiled once and sent as a prepared statement (planning it took 6 ms, three times as
// long as running it). The day is a parameter, not a default: a failure's status is worked out for
// the day the page is asked (a compiled default would keep the day the server first built it).
const panelsStatement = compiledOnce(
  { personId: '', today: '' },
  (db, { personId, today }) => panelsQuery(db, personId, today),
  { prepare: true },
)

/**
 * The person page's twelve panels in one statement, each its own query as a JSON array. Under
 * load the page was bound by the cost of sending statements (a third of the app's CPU went on
 * sending its fifteen), not by the queries themselves, which are index lookups on person_id.
 */
export async function personPanels(db: Db, personId: string, today: string = todayInLondon()) {
  const result = await db.executeQuery<Record<string, Record<string, unknown>[]>>(
    panelsStatement(db, { personId, today }),
  )
  const row = result.rows[0]
  if (!row) throw new Error('The panels statement returned no row')
  for (const rows of Object.values(row)) rows.forEach(reviveInstants)
  // With the instants revived, each panel is what its own query gives when run alone.
  return row as unknown as PersonPanels
}

type RowsOf<Query extends (...args: never[]) => { execute(): Promise<unknown> }> = Awaited<
  ReturnType<ReturnType<Query>['execute']>
>

export type PersonPanels = {
  aliases: RowsOf<typeof repo.aliasesQuery>
  markers: RowsOf<typeof repo.markersQuery>
  memberships: RowsOf<typeof cohorts.membershipsQuery>
  events: RowsOf<typeof cohorts.membershipEventsQuery>
  referrals: RowsOf<typeof cohorts.referralsQuery>
  contacts: RowsOf<typeof recentContactsQuery>
  actions: RowsOf<typeof repo.openActionsQuery>
  tests: RowsOf<typeof dip.testsQuery>
  appointments: RowsOf<typeof dip.appointmentsQuery>
  failures: RowsOf<typeof dip.failuresQuery>
  links: RowsOf<typeof linksOfPersonQuery>
  /** The custody photograph's details (at most one row), not its bytes. */
  photo: RowsOf<typeof photoQuery>
}

/**
 * JSON carries an instant as text; the rows' types (and the presenters) have a Date, as the
 * driver gives for a timestamptz column. In this schema every timestamptz column ends in `_at`;
 * dates stay 'YYYY-MM-DD' text, as the driver is set to give them (db/index.ts).
 */
function reviveInstants(row: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(row)) {
    if (key.endsWith('_at') && typeof value === 'string') row[key] = new Date(value)
  }
}
