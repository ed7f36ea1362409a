import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/types.ts'
import { sealAuditLog, type Actor } from '../features/audit/auditRepository.ts'
import {
  previewDrugTestImport,
  writeDrugTestImport,
  type ImportUser,
  type Progress,
} from '../features/dip/import/drugTestImport.ts'
import { maxFileBytes } from '../features/dip/import/drugTestCsv.ts'
import { lockImports } from '../features/dip/import/importRepository.ts'
import { openCliDatabase, runCli } from './cliDatabase.ts'

// npm run import:drug-tests -- FILE [--commit]
// Without --commit: prints what the file would do and every problem, and writes nothing.
// With --commit: writes every valid row in one transaction, and says how many.
//
// The command line has no signed-in user, so it acts as a system user: the first active
// administrator or supervisor (administrators first, then the oldest account), over every area, so that a row can
// match anybody and a new person goes to the custody suite's borough. Its audit row names
// that account, with request id 'cli'. Who may run it is whoever may reach the database.

const usage = 'Usage: npm run import:drug-tests -- FILE [--commit]'
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

async function systemUser(db: Kysely<Database>): Promise<(ImportUser & { username: string }) | undefined> {
  const user = await db
    .selectFrom('app_user')
    .select(['id', 'username'])
    .where('role', 'in', ['administrator', 'supervisor'])
    .where('disabled_at', 'is', null)
    .orderBy(sql`role = 'administrator'`, 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst()
  if (!user) return undefined
  const areas = await db.selectFrom('area').select('id').execute()
  return { ...user, visibleAreaIds: areas.map((a) => a.id) }
}

/** A one-line bar redrawn in place: only on a terminal, so logs and pipes get clean lines. */
function progressBar(): Progress & { end(): void } {
  let drawn = false
  const bar = ((phase, done, total) => {
    const width = 30
    const share = total === 0 ? 1 : done / total
    const filled = Math.round(share * width)
    const label = phase === 'checking' ? 'Checking' : 'Writing '
    process.stdout.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${done.toLocaleString('en-GB')}/${total.toLocaleString('en-GB')}`,
    )
    drawn = true
  }) as Progress & { end(): void }
  bar.end = () => {
    if (drawn) process.stdout.write('\n')
    drawn = false
  }
  return bar
}

runCli(async () => {
  const args = process.argv.slice(2)
  const commit = args.includes('--commit')
  const files = args.filter((a) => a !== '--commit')
  const [file] = files
  if (files.length !== 1 || !file || file.startsWith('-')) {
    console.error(usage)
    return 2
  }
  if ((await stat(file)).size > maxFileBytes) {
    console.error(
      `The file is larger than ${maxFileBytes / 1024 / 1024} MB: split it and import the parts one at a time.`,
    )
    return 1
  }
  const content = await readFile(file)
  const { database } = await openCliDatabase()
  try {
    const user = await systemUser(database.db)
    if (!user) {
      console.error('No active administrator or supervisor account to import as: create one first.')
      return 1
    }
    const actor: Actor = { userId: user.id, username: user.username, requestId: 'cli', ip: null }
    const bar = process.stdout.isTTY ? progressBar() : undefined
    const started = Date.now()
    const result = await database.db.transaction().execute(async (trx) => {
      if (commit) await lockImports(trx)
      const preview = await previewDrugTestImport(trx, user, content, { progress: bar })
      bar?.end()
      if (!commit || !preview.ok || preview.plans.length === 0) return { preview, outcome: undefined }
      const outcome = await writeDrugTestImport(trx, user, preview, actor, {
        detail: { fileName: path.basename(file), source: 'cli' },
        progress: bar,
      })
      bar?.end()
      return { preview, outcome }
    })
    // No app may be running to seal the import's audit row: this command seals what it wrote.
    if (result.outcome) await sealAuditLog(database.db)
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    const { preview, outcome } = result
    if (!preview.ok) {
      console.error(preview.why)
      return 1
    }
    const existing = preview.plans.filter((p) => p.kind === 'existing').length
    const tests = plural(preview.plans.length, 'test', 'tests')
    console.log(
      `${plural(preview.rows, 'row', 'rows')}: ${tests} can be imported (${existing} for people already recorded, ${preview.plans.length - existing} for ${plural(preview.newPeople.length, 'new person', 'new people')}); ${plural(preview.errors.length, 'problem', 'problems')} in ${plural(preview.rowsWithErrors, 'row', 'rows')}.`,
    )
    for (const e of preview.errors)
      console.log(`Row ${e.row}, ${e.column || '(whole row)'}, ${JSON.stringify(e.value)}: ${e.why}`)
    if (outcome)
      console.log(
        `Imported ${plural(outcome.testsCreated, 'test', 'tests')} and created ${plural(outcome.peopleCreated, 'new person', 'new people')} in ${seconds} s (batch ${outcome.batchId}).`,
      )
    else if (commit) console.log('Nothing imported: no row can be imported.')
    else console.log(`Checked in ${seconds} s. Nothing was written: add --commit to import the ${tests}.`)
    return 0
  } finally {
    await database.close()
  }
})
