import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { appointment, daysFromToday, drugTest, failure, onTheList, person } from '../../features/cid/cidSupport.ts'
import { csvOf, goodRow, uploadFile } from '../../features/dip/drugTestImportSupport.ts'
import type { Agent } from '../../helpers/signIn.ts'

// Records in the states that show the forms no demo page shows: a form that depends on the
// record's state (a disputed test not yet confirmed, an appointment due but not attended …)
// is only read, and so only attacked field by field, if some page the crawl visits holds it.

/**
 * Arranges one record for each such form and answers the pages that hold them, for the crawl
 * to start from:
 *   - a disputed positive test, neither confirmed nor assessed: confirmation and assessment;
 *   - an appointment due yesterday, not attended: attendance and reschedule;
 *   - an open failure with no statement yet: statement, wanted and outcome;
 *   - a countersigned CID entry whose time bar has passed: close, on /cid/proposals.
 * (Each current ward's end form is on /admin/reference/wards, a starting point already.)
 */
export async function seedFormStates(db: Kysely<Database>): Promise<string[]> {
  const who = await person(db)
  const test = await drugTest(db, who.id, { sampledOn: daysFromToday(-1), disputed: true })
  const due = await appointment(db, who.id, { scheduledOn: daysFromToday(-1) })
  const open = await failure(db, who.id, { status: 'open', statementProducedOn: null })
  await onTheList(db, { timeBarDate: daysFromToday(-1) })
  return [`/drug-tests/${test.id}`, `/appointments/${due.id}`, `/failures/${open.id}`]
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
