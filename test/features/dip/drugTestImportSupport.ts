import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { importColumns, type ImportColumn } from '../../../server/features/dip/import/drugTestCsv.ts'
import type { ImportUser } from '../../../server/features/dip/import/drugTestImport.ts'
import { findActiveSessionUser } from '../../../server/features/users/usersRepository.ts'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { decodeEntities, inputValue, rowCounts, uniqueTag } from '../../helpers/factories.ts'
import type { Agent } from '../../helpers/signIn.ts'

// Building custody drug-test files and reading the preview page, for the import's tests.

export type Cells = Partial<Record<ImportColumn, string>>
type Session = { agent: Agent; csrf: string }

/** A sample time some days ago, as the custody export writes it (UK time, no offset). */
export function daysAgo(days: number, time = '10:30'): string {
  return `${addDays(todayInLondon(), -days)}T${time}`
}

/** A row that imports cleanly for a new adult, unless overridden. */
export function goodRow(overrides: Cells = {}): Record<ImportColumn, string> {
  return {
    custody_number: `KD/${uniqueTag()}/26`,
    custody_suite: 'ROMFORD',
    sample_taken_at: daysAgo(10),
    surname: `Importer${uniqueTag().toLowerCase()}`,
    forenames: 'Robin',
    date_of_birth: '1985-03-02',
    pnc_id: '',
    condition: 'arrest',
    trigger_offence: 'THEFT',
    authorised_by: '',
    opiates: 'positive',
    cocaine: 'negative',
    refused: 'no',
    disputed: 'no',
    ...overrides,
  }
}

function quoted(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** A CSV file: the header, then each row's cells in the header's order. */
export function csvOf(rows: readonly Cells[], columns: readonly string[] = importColumns): string {
  const lines = [
    columns.join(','),
    ...rows.map((r) => columns.map((c) => quoted((r as Record<string, string | undefined>)[c] ?? '')).join(',')),
  ]
  return `${lines.join('\r\n')}\r\n`
}

export async function importUser(db: Kysely<Database>, username: string): Promise<ImportUser> {
  const row = await db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()
  const user = await findActiveSessionUser(db, row.id)
  if (!user) throw new Error(`No active user ${username}`)
  return user
}

export function uploadFile(session: Session, content: string | Buffer, fileName = 'custody-tests.csv') {
  return session.agent
    .post('/drug-tests/import/preview')
    .field('_csrf', session.csrf)
    .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), {
      filename: fileName,
      contentType: 'text/csv',
    })
}

/** What the preview page's form would send to import. */
export function commitForm(html: string): Record<string, string> {
  const importId = inputValue(html, 'importId')
  if (!importId) throw new Error('The preview has no import button')
  return {
    importId,
    expectedTests: inputValue(html, 'expectedTests') ?? '',
    expectedPeople: inputValue(html, 'expectedPeople') ?? '',
  }
}

function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table class="govuk-table" id="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? ''
  const body = /<tbody[^>]*>([\s\S]*)<\/tbody>/.exec(table)?.[1] ?? ''
  return [...body.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<td class="govuk-table__cell">([\s\S]*?)<\/td>/g)].map((cell) =>
      decodeEntities(
        (cell[1] ?? '')
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      ),
    ),
  )
}

/** The preview page's problems table as {row, column, value, why}. */
export function previewErrors(html: string) {
  return tableRows(html, 'row-errors').map(([row = '', column = '', value = '', why = '']) => ({
    row: Number(row),
    column,
    value,
    why,
  }))
}

/** The preview page's row actions: [row, action, person, sample, results]. */
export function previewActions(html: string) {
  return tableRows(html, 'row-actions')
}

export const watchedTables = ['person', 'drug_test', 'drug_test_import', 'audit_event'] as const

/** Everything an import could write: compared before and after to prove nothing was. */
export function writeCounts(db: Kysely<Database>) {
  return rowCounts(db, watchedTables)
}
