import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  previewDrugTestImport,
  type ImportPreview,
  type ImportUser,
} from '../../../server/features/dip/import/drugTestImport.ts'
import { postForm, uniqueTag } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import {
  commitForm,
  csvOf,
  goodRow,
  importUser,
  previewActions,
  previewErrors,
  uploadFile,
  writeCounts,
} from './drugTestImportSupport.ts'

// What a custody export writes that is not quite the import's own form: a custody suite by its
// name rather than its code, and a row whose quotes are broken, which is that row's problem
// alone: the rows after it are still checked, shown and imported.

let t: TestApp
let dip: { agent: Agent; csrf: string }
let dipUser: ImportUser

beforeAll(async () => {
  t = await createTestApp()
  dip = await signInAs(t.app, 'dip')
  dipUser = await importUser(t.db, 'dip')
})
afterAll(async () => {
  await t.close()
})

async function preview(content: string): Promise<Extract<ImportPreview, { ok: true }>> {
  const result = await previewDrugTestImport(t.db, dipUser, content)
  if (!result.ok) throw new Error(`Expected a preview, got the file error: ${result.why}`)
  return result
}

/** The file's lines: the header, then one per row. */
const linesOf = (rows: Parameters<typeof csvOf>[0]) => csvOf(rows).trimEnd().split('\r\n')
const fileOf = (lines: string[]) => `${lines.join('\r\n')}\r\n`

describe('custody suites in an imported file', () => {
  it('are found by code (in any capitals, as before) or by name, case aside, with or without "custody suite"', async () => {
    const cells = [
      'FOREST_GATE',
      'forest_gate',
      'Forest Gate',
      'forest gate',
      'FOREST GATE CUSTODY SUITE',
      '  Forest   Gate custody suite ',
      'Romford',
      'ilford',
    ]
    const result = await preview(csvOf(cells.map((custody_suite) => goodRow({ custody_suite }))))
    expect(result.errors).toEqual([])
    expect(result.plans.map((p) => p.test.custodySuiteCode)).toEqual([
      'FOREST_GATE',
      'FOREST_GATE',
      'FOREST_GATE',
      'FOREST_GATE',
      'FOREST_GATE',
      'FOREST_GATE',
      'ROMFORD',
      'ILFORD',
    ])
  })

  it('place a new person by the suite named, as by its code', async () => {
    const result = await preview(csvOf([goodRow({ custody_suite: 'Ilford custody suite' })]))
    expect(result.newPeople.map((p) => p.areaName)).toEqual(['Redbridge'])
  })

  it('refuse a name no suite has, naming the codes there are', async () => {
    const result = await preview(csvOf([goodRow({ custody_suite: 'Forest Hill' })]))
    expect(result.errors).toEqual([
      {
        row: 2,
        column: 'custody_suite',
        value: 'Forest Hill',
        why: 'Not a custody suite code or name: use one of FOREST_GATE, ILFORD, ROMFORD',
      },
    ])
  })

  it('take a code in any case before a name, and refuse a name that two suites share', async () => {
    // A list holds a code once whatever its case (migration 20261205T1100), so only names can clash.
    await t.db
      .insertInto('custody_suite')
      .values([
        { code: 'Barkingside', name: 'Barkingside custody suite' },
        { code: 'BARKINGSIDE_ANNEXE', name: 'Barkingside' },
      ])
      .execute()
    try {
      const result = await preview(
        csvOf([
          goodRow({ custody_suite: 'Barkingside' }),
          goodRow({ custody_suite: 'BARKINGSIDE' }),
          goodRow({ custody_suite: 'barkingside_annexe' }),
          goodRow({ custody_suite: 'Barkingside  Custody Suite' }),
        ]),
      )
      expect(result.plans.map((p) => [p.row, p.test.custodySuiteCode])).toEqual([
        [2, 'Barkingside'],
        [3, 'Barkingside'],
        [4, 'BARKINGSIDE_ANNEXE'],
      ])
      expect(result.errors).toEqual([
        {
          row: 5,
          column: 'custody_suite',
          value: 'Barkingside  Custody Suite',
          why: 'More than one custody suite matches this: use its code, written as the list writes it',
        },
      ])
    } finally {
      // Reference rows are retired, never deleted.
      await t.db
        .updateTable('custody_suite')
        .set({ active: false })
        .where('code', 'in', ['Barkingside', 'BARKINGSIDE_ANNEXE'])
        .execute()
    }
  })
})

describe('a badly quoted row in an imported file', () => {
  it('in the middle of the file is reported with its row number, and the rows after it are still checked', async () => {
    const [header = '', ...rows] = linesOf([
      goodRow(),
      goodRow(),
      goodRow(),
      goodRow({ condition: 'caution' }),
      goodRow(),
    ])
    const broken = `KD/${uniqueTag()}/26,"ROMFORD,2026-01-01T10:00,Unclosed,Quote`
    const file = fileOf([header, rows[0]!, rows[1]!, broken, rows[2]!, rows[3]!, rows[4]!])

    const result = await preview(file)

    expect(result.errors).toEqual([
      { row: 4, column: '', value: broken, why: 'The row is not valid CSV: a quoted value is never closed' },
      { row: 6, column: 'condition', value: 'caution', why: 'Must be arrest or charge' },
    ])
    expect(result.plans.map((p) => p.row)).toEqual([2, 3, 5, 7])
    expect(result.rows).toBe(6)
  })

  it('reports each bad row, whatever the quote does wrong, at the end of the file too', async () => {
    const [header = '', first = '', second = ''] = linesOf([goodRow(), goodRow()])
    const file = fileOf([header, 'O"Brien,ROMFORD', first, '"ROMFORD"x,KD/1/26', second, '"unclosed,'])
    const result = await preview(file)
    expect(result.errors.map((e) => [e.row, e.column, e.why])).toEqual([
      [2, '', 'The row is not valid CSV: a value has a quote in it but does not start with one'],
      [4, '', 'The row is not valid CSV: a quoted value has text after its closing quote'],
      [6, '', 'The row is not valid CSV: a quoted value is never closed'],
    ])
    expect(result.plans.map((p) => p.row)).toEqual([3, 5])
  })

  it('still reads a well-quoted value holding a line break as one row, beside a bad one', async () => {
    const [header = '', first = '', last = ''] = linesOf([goodRow(), goodRow()])
    const spanning = csvOf([goodRow({ authorised_by: 'Inspector Khan\nby phone' })])
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .join('\r\n')
    const file = fileOf([header, first, '"unclosed,', spanning, last])
    const result = await preview(file)
    expect(result.errors.map((e) => [e.row, e.column])).toEqual([[3, '']])
    expect(result.plans.map((p) => p.row)).toEqual([2, 4, 5])
    expect(result.plans[1]?.test.authorisedBy).toBe('Inspector Khan\nby phone')
  })

  it('is shown on the preview page, and importing writes the good rows around it', async () => {
    const [header = '', ...rows] = linesOf([goodRow(), goodRow({ custody_suite: 'Forest Gate' })])
    const file = fileOf([header, rows[0]!, '"KD/9/26,ROMFORD', rows[1]!])

    const page = await uploadFile(dip, file)

    expect(page.status).toBe(200)
    expect(previewErrors(page.text)).toEqual([
      {
        row: 3,
        column: '(whole row)',
        value: '"KD/9/26,ROMFORD',
        why: 'The row is not valid CSV: a quoted value is never closed',
      },
    ])
    expect(previewActions(page.text).map((a) => a[0])).toEqual(['2', '4'])
    const before = await writeCounts(t.db)
    const committed = await postForm(dip, '/drug-tests/import/commit', commitForm(page.text))
    expect(committed.status).toBe(303)
    expect((await writeCounts(t.db)).drug_test).toBe(before.drug_test + 2)
  })
})
