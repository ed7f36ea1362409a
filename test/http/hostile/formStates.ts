import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import {
  appointment,
  daysFromToday,
  drugTest,
  failure,
  marker,
  onTheList,
  person,
} from '../../features/cid/cidSupport.ts'
import { csvOf, goodRow, uploadFile } from '../../features/dip/drugTestImportSupport.ts'
import { createPerson, postForm } from '../../helpers/factories.ts'
import type { Agent } from '../../helpers/signIn.ts'
import { combineForm } from '../../features/combination/combinationSupport.ts'

// Records in the states that show the forms no demo page shows: a form that depends on the
// record's state (a disputed test not yet confirmed, an appointment due but not attended …)
// is only read, and so only attacked field by field, if some page the crawl visits holds it.

/**
 * Arranges one record for each such form and answers the pages that hold them, for the crawl
 * to start from:
 *   - a disputed positive test, neither confirmed nor assessed: confirmation and assessment;
 *   - an appointment due yesterday, not attended: attendance and reschedule;
 *   - an open failure with no statement yet: statement and outcome;
 *   - an open failure with its statement: wanted, and withdrawing the statement;
 *   - a wanted failure not yet proposed: the link to its CID proposal form;
 *   - a current warning marker: its end form, on the person page;
 *   - a countersigned CID entry whose time bar has passed: close, on /cid/proposals;
 *   - two records of one person, the second named on the first's combine page: the check
 *     page, which holds the combine form.
 * (Each current ward's end form is on /admin/reference/wards, a starting point already.)
 */
export async function seedFormStates(db: Kysely<Database>): Promise<string[]> {
  const who = await person(db)
  const test = await drugTest(db, who.id, { sampledOn: daysFromToday(-1), disputed: true })
  const due = await appointment(db, who.id, { scheduledOn: daysFromToday(-1) })
  const open = await failure(db, who.id, { status: 'open', statementProducedOn: null })
  const stated = await failure(db, who.id, { status: 'open' })
  const wanted = await failure(db, who.id, { status: 'wanted' })
  await marker(db, who.id, 'weapons')
  await onTheList(db, { timeBarDate: daysFromToday(-1) })
  const [keep, duplicate] = await duplicatePair(db)
  return [
    `/drug-tests/${test.id}`,
    `/appointments/${due.id}`,
    `/failures/${open.id}`,
    `/failures/${stated.id}`,
    `/failures/${wanted.id}`,
    `/people/${who.id}`,
    `/people/${keep}/combine?duplicate=${duplicate}`,
  ]
}

async function duplicatePair(db: Kysely<Database>): Promise<[string, string]> {
  const keep = await createPerson(db, { forenames: 'Hostile' })
  const duplicate = await createPerson(db, {
    surname: keep.surname,
    forenames: 'Hostile',
    date_of_birth: keep.date_of_birth,
  })
  return [keep.id, duplicate.id]
}

/**
 * The reverse form is on a record's Combined records page only while a combination of it can
 * still be reversed: combine a fresh pair through the real form and answer that page's path.
 */
export async function combinedRecordsPage(
  db: Kysely<Database>,
  session: { agent: Agent; csrf: string },
): Promise<string> {
  const [keep, duplicate] = await duplicatePair(db)
  const response = await postForm(session, `/people/${keep}/combine`, await combineForm(db, keep, duplicate))
  if (response.status !== 303) throw new Error(`Combining the seeded pair answered ${response.status}`)
  return `/people/${keep}/combinations`
}

/**
 * The import's commit form is on the page that answers an upload (a POST), which no link
 * reaches: upload a file that imports cleanly and answer that page's HTML.
 */
export async function importPreviewPage(session: { agent: Agent; csrf: string }): Promise<string> {
  const response = await uploadFile(session, csvOf([goodRow()]))
  if (response.status !== 200) throw new Error(`The import preview answered ${response.status}`)
  return response.text
}
