import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pncCheckLetter } from '../../../server/features/people/identifiers.ts'
import { addDays } from '../../../server/domain/time.ts'
import { postForm, sealed, uniqueTag } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import {
  commitForm,
  csvOf,
  daysAgo,
  goodRow,
  previewErrors,
  uploadFile,
  writeCounts,
  type Cells,
} from './drugTestImportSupport.ts'

let t: TestApp
let dip: { agent: Agent; csrf: string }
let folder: string

beforeAll(async () => {
  t = await createTestApp()
  dip = await signInAs(t.app, 'dip')
  folder = await mkdtemp(path.join(os.tmpdir(), 'cohort-import-'))
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
  await t.close()
})

/** Unused PNC IDs of one year, made in bulk: one query for the ones already taken. */
async function unusedPncIds(count: number, year: number): Promise<string[]> {
  const taken = new Set(
    (await t.db.selectFrom('person').select('pnc_id').where('pnc_id', 'like', `${year}/%`).execute()).map(
      (p) => p.pnc_id,
    ),
  )
  const ids: string[] = []
  for (let serial = 1_000_000; ids.length < count; serial += 1) {
    const id = `${year}/${String(serial).padStart(7, '0')}${pncCheckLetter(year, serial)}`
    if (!taken.has(id)) ids.push(id)
  }
  return ids
}

/**
 * 10,000 rows as a busy month of custody might give: most for new people (some tested more
 * than once), one in a hundred for people already recorded, and one in 250 with a bad condition.
 */
async function generatedFile(rows: number) {
  const tag = uniqueTag()
  const existingPnc = await unusedPncIds(100, 2018)
  const areaId = (await t.db.selectFrom('area').select('id').where('code', '=', 'HV').executeTakeFirstOrThrow()).id
  await t.db
    .insertInto('person')
    .values(
      existingPnc.map((pnc, i) => ({
        id: randomUUID(),
        surname: `Known${tag}`,
        forenames: `Person ${i}`,
        date_of_birth: '1975-01-01',
        gender: 'male' as const,
        pnc_id: pnc,
        area_id: areaId,
      })),
    )
    .execute()
  const newPnc = await unusedPncIds(rows, 2019)
  const suites = ['ROMFORD', 'ILFORD', 'FOREST_GATE']
  const cells: Cells[] = []
  const newPeople = new Set<number>()
  let bad = 0
  for (let i = 0; i < rows; i += 1) {
    const person = i % 7000
    const isBad = i % 250 === 7
    const existing = i % 100 === 0
    cells.push({
      custody_number: `${tag}/${i}`,
      custody_suite: suites[i % 3],
      // Daytime only: the night hours of the clock-change days are errors of their own.
      sample_taken_at: `${addDays(daysAgo(1).slice(0, 10), -(i % 300))}T${String(8 + (i % 13)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
      surname: existing ? `Known${tag}` : `Generated${tag}`,
      forenames: existing ? `Person ${i / 100}` : `Number ${person}`,
      date_of_birth: existing ? '1975-01-01' : addDays('1970-01-01', person % 9000),
      pnc_id: existing ? (existingPnc[i / 100] ?? '') : person % 2 === 0 ? (newPnc[person] ?? '') : '',
      condition: isBad ? 'bogus' : i % 5 === 0 ? 'charge' : 'arrest',
      trigger_offence: i % 11 === 0 ? '' : 'BURGLARY',
      authorised_by: i % 11 === 0 ? 'Inspector 4021 Shah' : '',
      opiates: i % 3 === 0 ? 'positive' : 'negative',
      cocaine: i % 4 === 0 ? 'positive' : 'not_tested',
      refused: 'no',
      disputed: i % 13 === 0 ? 'yes' : 'no',
    })
    if (isBad) bad += 1
    else if (!existing) newPeople.add(person)
  }
  return { content: csvOf(cells), good: rows - bad, bad, newPeople: newPeople.size }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

describe('a large custody file', () => {
  it('10,000 rows with some bad ones: the preview and the commit import exactly the good rows', async () => {
    const file = await generatedFile(10_000)
    const before = await writeCounts(t.db)

    let started = performance.now()
    const page = await uploadFile(dip, file.content, 'month.csv')
    const previewMs = performance.now() - started
    expect(page.status).toBe(200)
    expect(page.text).toContain(`${file.good.toLocaleString('en-GB')} tests`)
    expect(page.text).toContain(`${file.bad} rows have ${file.bad} problems`)
    expect(previewErrors(page.text).every((e) => e.column === 'condition' && e.value === 'bogus')).toBe(true)
    const form = commitForm(page.text)
    expect(form).toMatchObject({ expectedTests: String(file.good), expectedPeople: String(file.newPeople) })

    started = performance.now()
    const committed = await postForm(dip, '/drug-tests/import/commit', form)
    const commitMs = performance.now() - started
    expect(committed.status).toBe(303)

    console.log(
      `[${t.database.kind}] 10,000-row import: preview ${seconds(previewMs)}, commit ${seconds(commitMs)} (${file.good} tests, ${file.newPeople} new people)`,
    )
    const after = await writeCounts(t.db)
    expect(after.drug_test - before.drug_test).toBe(file.good)
    expect(after.person - before.person).toBe(file.newPeople)
    expect(after.drug_test_import).toBe(before.drug_test_import)
  }, 120_000)
})

describe('the command line import', () => {
  const run = promisify(execFile)
  const connectionString = () =>
    (t.database.pool as unknown as { options: { connectionString: string } }).options.connectionString
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'server/cli/importDrugTests.ts', ...args], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: connectionString(), LOG_LEVEL: 'silent', NODE_ENV: 'test' },
      timeout: 60_000,
    })

  it('prints the preview and writes nothing; with --commit imports the good rows and says how many', async () => {
    const surname = `Cli${uniqueTag().toLowerCase()}`
    const file = path.join(folder, 'cli.csv')
    await writeFile(
      file,
      csvOf([goodRow({ surname }), goodRow({ surname, sample_taken_at: daysAgo(4) }), goodRow({ opiates: 'maybe' })]),
    )
    const before = await writeCounts(t.db)

    const checked = await cli(file)
    expect(checked.stdout).toContain(
      '3 rows: 2 tests can be imported (0 for people already recorded, 2 for 1 new person); 1 problem in 1 row.',
    )
    expect(checked.stdout).toContain('Row 4, opiates, "maybe": Must be positive, negative or not_tested')
    expect(checked.stdout).toContain('Nothing was written')
    expect(await writeCounts(t.db)).toEqual(before)

    const imported = await cli(file, '--commit')
    expect(imported.stdout).toContain('Imported 2 tests and created 1 new person')
    const after = await writeCounts(t.db)
    expect(after).toEqual({
      ...before,
      person: before.person + 1,
      drug_test: before.drug_test + 2,
      audit_event: before.audit_event + 1,
    })
    const audit = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['category', 'event', 'request_id', 'actor_username'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(audit).toEqual({
      category: 'collection',
      event: 'drug_tests.imported',
      request_id: 'cli',
      actor_username: 'admin',
    })
  }, 90_000)

  it('a file that is not CSV ends with the message and a failing exit code', async () => {
    const file = path.join(folder, 'empty.csv')
    await writeFile(file, '')
    await expect(cli(file)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('The file is empty.') })
  }, 60_000)
})
