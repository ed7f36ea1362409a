import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importColumns } from '../../../server/features/dip/import/drugTestCsv.ts'
import {
  previewDrugTestImport,
  type ImportPreview,
  type ImportUser,
} from '../../../server/features/dip/import/drugTestImport.ts'
import { createOutsideArea, createPerson, freshPncId, postForm, sealed, uniqueTag } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import {
  commitForm,
  csvOf,
  daysAgo,
  goodRow,
  importUser,
  previewActions,
  previewErrors,
  uploadFile,
  writeCounts,
  type Cells,
} from './drugTestImportSupport.ts'

let t: TestApp
let dip: { agent: Agent; csrf: string }
let dipUser: ImportUser
let areaIds: Record<string, string>

beforeAll(async () => {
  t = await createTestApp()
  dip = await signInAs(t.app, 'dip')
  dipUser = await importUser(t.db, 'dip')
  const areas = await t.db.selectFrom('area').select(['id', 'code']).execute()
  areaIds = Object.fromEntries(areas.map((a) => [a.code, a.id]))
})
afterAll(async () => {
  await t.close()
})

function okPreview(preview: ImportPreview) {
  if (!preview.ok) throw new Error(`Expected a preview, got the file error: ${preview.why}`)
  return preview
}

const preview = async (content: string | Buffer) => okPreview(await previewDrugTestImport(t.db, dipUser, content))

describe('previewing a custody drug-test file', () => {
  it('says what each good row will do: a test for a person matched by PNC ID or by name, or a new person and a test; and writes nothing', async () => {
    const byPnc = await createPerson(t.db, { surname: 'Pncmatch', forenames: 'Casey' })
    const byName = await createPerson(t.db, {
      surname: `Namematch${uniqueTag().toLowerCase()}`,
      forenames: 'Jordan Lee',
      date_of_birth: '1979-07-21',
    })
    const rows = [
      // The PNC ID wins even where the file spells the name differently, and the short form is understood.
      goodRow({
        pnc_id: `${byPnc.pnc_id?.slice(2, 4)}/${byPnc.pnc_id?.slice(5).replace(/^0/, '')}`,
        surname: 'Pnc-Match',
        forenames: 'Casey',
      }),
      goodRow({ surname: byName.surname.toUpperCase(), forenames: 'jordan lee', date_of_birth: '1979-07-21' }),
      goodRow({ surname: 'Newperson', forenames: 'Sam', date_of_birth: '1990-01-01' }),
    ]
    const before = await writeCounts(t.db)

    const page = await uploadFile(dip, csvOf(rows))

    expect(page.status).toBe(200)
    expect(page.text).toContain('3 tests')
    const actions = previewActions(page.text)
    expect(actions.map((a) => [a[0], a[1]])).toEqual([
      ['2', 'Test for an existing person'],
      ['3', 'Test for an existing person'],
      ['4', 'New person and test'],
    ])
    expect(actions[0]?.[2]).toContain('PNCMATCH, Casey')
    expect(actions[0]?.[2]).toContain('differs')
    expect(actions[1]?.[2]).toContain(`${byName.surname.toUpperCase()}, Jordan Lee`)
    expect(actions[2]?.[2]).toContain('NEWPERSON, Sam')
    expect(actions[2]?.[2]).toContain('Added to Havering')
    expect(page.text).toContain('Confirm and import 3 tests')
    const after = await writeCounts(t.db)
    // Only the kept file and the consultation of the two matched people: no person, no test.
    expect(after).toEqual({
      ...before,
      drug_test_import: before.drug_test_import + 1,
      audit_event: before.audit_event + 1,
    })
    const consultation = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['category', 'event', 'detail'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(consultation).toMatchObject({ category: 'consultation', event: 'drug_tests.import_previewed' })
    expect((consultation.detail as { personIds: string[] }).personIds.sort()).toEqual([byPnc.id, byName.id].sort())
  })

  it('gives every problem with its row, column, value and why, and still offers the good rows', async () => {
    const rows: Cells[] = [
      goodRow({ sample_taken_at: '2026-13-01T10:00' }),
      goodRow({ condition: 'caution' }),
      goodRow({ opiates: 'pos' }),
      goodRow({ date_of_birth: '1985-02-30' }),
      goodRow({ pnc_id: '2012/0123456A' }),
      goodRow({ trigger_offence: '', authorised_by: '' }),
      goodRow({ trigger_offence: 'shoplifting' }),
      goodRow({ custody_suite: 'NOWHERE' }),
      goodRow({ date_of_birth: '2010-06-01', condition: 'arrest' }),
      goodRow({ refused: 'yes', opiates: 'positive', cocaine: 'not_tested' }),
      goodRow({ surname: 'Bell\u0007' }),
      goodRow({ sample_taken_at: '2099-01-01T10:00Z' }),
      goodRow({ custody_number: 'x'.repeat(41) }),
      goodRow({
        authorised_by: 'Insp. Khan 1234',
        trigger_offence: '',
        condition: 'Charge',
        opiates: 'NOT_TESTED',
        refused: 'No',
      }),
    ]
    const file = `${csvOf(rows).trimEnd()}\r\nonly,three,values\r\n`

    const result = await preview(file)

    expect(result.errors).toEqual([
      { row: 2, column: 'sample_taken_at', value: '2026-13-01T10:00', why: 'Not a real date and time' },
      { row: 3, column: 'condition', value: 'caution', why: 'Must be arrest or charge' },
      { row: 4, column: 'opiates', value: 'pos', why: 'Must be positive, negative or not_tested' },
      {
        row: 5,
        column: 'date_of_birth',
        value: '1985-02-30',
        why: 'Must be a real date written YYYY-MM-DD, like 1985-03-02',
      },
      {
        row: 6,
        column: 'pnc_id',
        value: '2012/0123456A',
        why: 'The PNC ID’s check letter is wrong: check the number and try again',
      },
      {
        row: 7,
        column: 'trigger_offence',
        value: '',
        why: 'Give the trigger offence code, or the inspector who authorised the test in authorised_by',
      },
      {
        row: 8,
        column: 'trigger_offence',
        value: 'shoplifting',
        why: 'Not a trigger offence code from the list of offences',
      },
      {
        row: 9,
        column: 'custody_suite',
        value: 'NOWHERE',
        why: 'Not a custody suite code or name: use one of FOREST_GATE, ILFORD, ROMFORD',
      },
      {
        row: 10,
        column: 'condition',
        value: 'arrest',
        why: expect.stringMatching(
          /^A test on arrest needs the person to be 18 or over; they were 1[56] at the sample time$/,
        ),
      },
      {
        row: 11,
        column: 'refused',
        value: 'yes',
        why: 'A refused test has no results: opiates and cocaine must both be not_tested',
      },
      {
        row: 12,
        column: 'surname',
        value: 'Bell\\u0007',
        why: expect.stringMatching(/surname must not contain control characters$/i),
      },
      { row: 13, column: 'sample_taken_at', value: '2099-01-01T10:00Z', why: 'The sample time is in the future' },
      {
        row: 14,
        column: 'custody_number',
        value: 'x'.repeat(41),
        why: expect.stringMatching(/custody number must be 40 characters or fewer$/i),
      },
      { row: 16, column: '', value: '', why: 'The row has 3 values but the header has 14 columns' },
    ])
    expect(result.plans.map((p) => p.row)).toEqual([15])
    expect(result.rows).toBe(15)

    const before = await writeCounts(t.db)
    const page = await uploadFile(dip, file)
    expect(page.status).toBe(200)
    expect(previewErrors(page.text)).toEqual(
      result.errors.map((e) => ({
        row: e.row,
        column: e.column || '(whole row)',
        value: e.value,
        why: typeof e.why === 'string' ? e.why : expect.any(String),
      })),
    )
    expect(page.text).toContain('14 rows have problems: they will not be imported')
    expect(page.text).toContain('Confirm and import 1 test')
    expect((await writeCounts(t.db)).drug_test).toBe(before.drug_test)
  })

  it('refuses to guess between two people with the same name and date of birth (ambiguous), unless the PNC ID says which', async () => {
    const surname = `Twin${uniqueTag().toLowerCase()}`
    const first = await createPerson(t.db, { surname, forenames: 'Alex', date_of_birth: '1988-08-08' })
    await createPerson(t.db, { surname, forenames: 'Alex', date_of_birth: '1988-08-08' })

    const result = await preview(
      csvOf([
        goodRow({ surname, forenames: 'Alex', date_of_birth: '1988-08-08' }),
        goodRow({ surname, forenames: 'Alex', date_of_birth: '1988-08-08', pnc_id: first.pnc_id ?? '' }),
      ]),
    )

    expect(result.errors).toEqual([
      {
        row: 2,
        column: 'surname',
        value: surname,
        why: 'Ambiguous: 2 people in your areas have this surname, forenames and date of birth; add the PNC ID to say which',
      },
    ])
    expect(result.plans).toMatchObject([{ row: 3, kind: 'existing', person: { id: first.id } }])
  })

  it('does not match or add a person whose PNC ID belongs to someone outside the user’s areas', async () => {
    const elsewhere = await createOutsideArea(t.db)
    const outsider = await createPerson(t.db, { area_id: elsewhere.boroughId })
    const result = await preview(csvOf([goodRow({ pnc_id: outsider.pnc_id ?? '' })]))
    expect(result.plans).toEqual([])
    expect(result.errors).toEqual([
      {
        row: 2,
        column: 'pnc_id',
        value: outsider.pnc_id,
        why: 'Another person, outside your areas, already has this PNC ID: the test cannot be imported here',
      },
    ])
  })

  it('adds one new person for several rows about them, in the custody suite’s borough or else the user’s first borough', async () => {
    const pnc = await freshPncId(t.db)
    const surname = `Newcomer${uniqueTag().toLowerCase()}`
    const result = await preview(
      csvOf([
        goodRow({ surname, pnc_id: pnc, custody_suite: 'ILFORD' }),
        goodRow({ surname, sample_taken_at: daysAgo(5) }),
        goodRow({ surname: `Bcu${uniqueTag().toLowerCase()}`, custody_suite: 'FOREST_GATE' }),
      ]),
    )
    expect(result.errors).toEqual([])
    expect(result.newPeople.map((p) => [p.firstRow, p.person.pncId, p.areaName])).toEqual([
      [2, pnc, 'Redbridge'],
      // Forest Gate serves the whole BCU: the user's boroughs by name come first.
      [4, null, 'Barking and Dagenham'],
    ])
    expect(result.plans.map((p) => (p.kind === 'new' ? p.newPerson : -1))).toEqual([0, 0, 1])
  })

  it('finds duplicates: a test already recorded, and the same test twice in the file', async () => {
    const person = await createPerson(t.db)
    const recorded = goodRow({ custody_number: `KD/${uniqueTag()}/26`, sample_taken_at: daysAgo(3, '08:15') })
    await t.db
      .insertInto('drug_test')
      .values({
        person_id: person.id,
        custody_suite_code: 'ROMFORD',
        custody_number: recorded.custody_number,
        condition: 'arrest',
        trigger_offence_code: 'THEFT',
        sample_taken_at: (await preview(csvOf([recorded]))).plans[0]?.test.sampleTakenAt ?? new Date(),
        opiates: 'negative',
        cocaine: 'negative',
      })
      .execute()
    const twice = goodRow()

    const result = await preview(csvOf([recorded, twice, { ...twice, surname: 'Someone', forenames: 'Else' }]))

    expect(result.errors).toEqual([
      {
        row: 2,
        column: 'custody_number',
        value: recorded.custody_number,
        why: 'A test with this custody suite, custody number and sample time is already recorded',
      },
      {
        row: 4,
        column: 'custody_number',
        value: twice.custody_number,
        why: 'Repeats row 3: the same custody suite, custody number and sample time',
      },
    ])
    expect(result.plans.map((p) => p.row)).toEqual([3])
  })

  it('reads sample times without an offset as UK time, in summer and in winter, and refuses a time the clocks skipped', async () => {
    const result = await preview(
      csvOf([
        goodRow({ sample_taken_at: '2026-07-01T09:30' }),
        goodRow({ sample_taken_at: '2026-01-15 09:30:15' }),
        goodRow({ sample_taken_at: '2026-07-01T09:30:00+02:00' }),
        goodRow({ sample_taken_at: '2026-03-29T01:30' }),
        goodRow({ sample_taken_at: '2026-10-25T01:30' }),
        goodRow({ sample_taken_at: '2026-10-25T01:30+01:00' }),
      ]),
    )
    expect(result.plans.map((p) => p.test.sampleTakenAt.toISOString())).toEqual([
      '2026-07-01T08:30:00.000Z',
      '2026-01-15T09:30:15.000Z',
      '2026-07-01T07:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
    ])
    expect(result.errors.map((e) => [e.row, e.column, e.why.split(' (')[0]])).toEqual([
      [5, 'sample_taken_at', 'That time did not happen in the UK'],
      [6, 'sample_taken_at', 'That time happened twice in the UK'],
    ])
  })
})

describe('files that cannot be imported at all', () => {
  const cases: [string, Buffer | string, RegExp][] = [
    ['an empty file', '', /^The file is empty\.$/],
    [
      'a picture',
      Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
      /not UTF-8 text|not a CSV file/,
    ],
    [
      'a spreadsheet saved as xlsx',
      Buffer.concat([Buffer.from('PK\u0003\u0004\u0014\u0000\u0006\u0000'), Buffer.alloc(64)]),
      /^The file is not a CSV file: it holds binary data/,
    ],
    [
      'a header without the pnc_id column',
      csvOf(
        [goodRow()],
        importColumns.filter((c) => c !== 'pnc_id'),
      ),
      /^The header row is missing the column pnc_id\./,
    ],
    [
      'a header with an unknown column',
      csvOf([goodRow()], [...importColumns, 'notes']),
      /has a column this import does not use: notes/,
    ],
    ['a header only', csvOf([]), /^The file has a header row but no tests below it\.$/],
    [
      'text that is not the custody file',
      'Dear colleague,\nplease find attached.\n',
      /^The first row must be the header/,
    ],
    // A badly quoted row is that row's problem (drugTestImportRows.test.ts); a header that cannot be read stops the file.
    [
      'a header with a broken quote',
      `"custody_number,${importColumns.slice(1).join(',')}\r\n${csvOf([goodRow()]).split('\r\n')[1]}\r\n`,
      /^The file is not valid CSV: a quoted value is never closed \(line 1\)\.$/,
    ],
  ]
  for (const [name, content, message] of cases) {
    it(`${name} gets one clear message and nothing is written`, async () => {
      const direct = await previewDrugTestImport(t.db, dipUser, content)
      expect(direct.ok).toBe(false)
      expect(direct.ok ? '' : direct.why).toMatch(message)

      const before = await writeCounts(t.db)
      const page = await uploadFile(dip, content, 'upload.csv')
      expect(page.status).toBe(400)
      expect(page.text).toContain('There is a problem')
      expect(page.text).toMatch(/id="file-error"/)
      expect(await writeCounts(t.db)).toEqual(before)
    })
  }

  it('a file over 5 MB is refused before it is read', async () => {
    const before = await writeCounts(t.db)
    const page = await uploadFile(dip, Buffer.alloc(5 * 1024 * 1024 + 1, 'a'))
    expect(page.status).toBe(400)
    expect(page.text).toContain('The file must be smaller than 5 MB')
    expect(await writeCounts(t.db)).toEqual(before)
  })

  it('an upload without its CSRF token is refused and nothing is kept', async () => {
    const before = await writeCounts(t.db)
    const page = await dip.agent
      .post('/drug-tests/import/preview')
      .attach('file', Buffer.from(csvOf([goodRow()])), 'tests.csv')
    expect(page.status).toBe(403)
    expect(page.text).toContain('Your form could not be sent')
    const wrong = await dip.agent
      .post('/drug-tests/import/preview')
      .field('_csrf', 'not-the-token')
      .attach('file', Buffer.from(csvOf([goodRow()])), 'tests.csv')
    expect(wrong.status).toBe(403)
    expect(await writeCounts(t.db)).toEqual(before)
  })

  it('a form without a file asks for one', async () => {
    const page = await postForm(dip, '/drug-tests/import/preview', {})
    expect(page.status).toBe(400)
    expect(page.text).toContain('Select a CSV file')
  })

  it('arbitrary bytes as a file never give a server error and never write anything', async () => {
    const before = await writeCounts(t.db)
    const header = `${importColumns.join(',')}\n`
    const file = fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
      fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(header + s, 'utf8')),
      fc
        .array(fc.array(fc.string({ maxLength: 12 }), { maxLength: 16 }), { maxLength: 6 })
        .map((rows) => Buffer.from(header + rows.map((r) => r.join(',')).join('\n'), 'utf8')),
    )
    await fc.assert(
      fc.asyncProperty(file, async (bytes) => {
        const page = await uploadFile(dip, bytes, 'fuzz.csv')
        expect([200, 400]).toContain(page.status)
        const direct = await previewDrugTestImport(t.db, dipUser, bytes)
        expect(direct.ok ? direct.plans.length : 0).toBe(0)
      }),
      { numRuns: 60 },
    )
    expect(await writeCounts(t.db)).toEqual(before)
  })
})

describe('committing an import', () => {
  it('writes exactly the good rows, people then tests, in one transaction with one audit row, and only once', async () => {
    const existing = await createPerson(t.db, {
      surname: `Kept${uniqueTag().toLowerCase()}`,
      forenames: 'Dana',
      date_of_birth: '1970-05-05',
    })
    const newSurname = `Fresh${uniqueTag().toLowerCase()}`
    const rows = [
      goodRow({ pnc_id: existing.pnc_id ?? '' }),
      goodRow({ condition: 'never' }),
      goodRow({ surname: newSurname, forenames: 'Kit', custody_suite: 'ILFORD' }),
      goodRow({ surname: newSurname, forenames: 'Kit', custody_suite: 'ILFORD', sample_taken_at: daysAgo(2) }),
    ]
    const page = await uploadFile(dip, csvOf(rows))
    const form = commitForm(page.text)
    expect(form).toMatchObject({ expectedTests: '3', expectedPeople: '1' })
    const before = await writeCounts(t.db)

    const committed = await postForm(dip, '/drug-tests/import/commit', form)

    expect(committed.status).toBe(303)
    expect(committed.headers.location).toBe('/drug-tests/import')
    const landing = await dip.agent.get('/drug-tests/import')
    expect(landing.text).toContain('Imported 3 drug tests and added 1 new person')
    expect(await writeCounts(t.db)).toEqual({
      ...before,
      person: before.person + 1,
      drug_test: before.drug_test + 3,
      drug_test_import: before.drug_test_import - 1,
      audit_event: before.audit_event + 1,
    })

    const audit = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .selectAll()
      .where('event', '=', 'drug_tests.imported')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    const detail = audit.detail as {
      batchId: string
      testsCreated: number
      peopleCreated: number
      matchedPersonIds: string[]
      newPersonIds: string[]
    }
    expect(audit).toMatchObject({ category: 'collection', actor_username: 'dip' })
    expect(detail).toMatchObject({ testsCreated: 3, peopleCreated: 1, importId: form.importId })
    const tests = await t.db
      .selectFrom('drug_test')
      .selectAll()
      .where('import_batch', '=', detail.batchId)
      .orderBy('sample_taken_at')
      .execute()
    expect(tests).toHaveLength(3)
    expect(new Set(tests.map((x) => x.custody_number))).toEqual(
      new Set([rows[0], rows[2], rows[3]].map((r) => r?.custody_number)),
    )
    const created = await t.db.selectFrom('person').selectAll().where('surname', '=', newSurname).execute()
    expect(created).toMatchObject([{ forenames: 'Kit', gender: 'unknown', area_id: areaIds.RB, pnc_id: null }])
    expect(detail.newPersonIds).toEqual([created[0]?.id])
    expect(detail.matchedPersonIds).toEqual([existing.id])
    // One transaction: now() is the transaction's start time, the same for every row it wrote.
    expect(new Set([...tests.map((x) => x.recorded_at.getTime()), created[0]?.created_at.getTime()]).size).toBe(1)

    const again = await postForm(dip, '/drug-tests/import/commit', form)
    expect(again.status).toBe(404)
    expect(again.text).toContain('This file has already been imported')
    expect((await writeCounts(t.db)).drug_test).toBe(before.drug_test + 3)
  })

  it('checks the file again at commit: when a test was recorded since the preview, nothing is written and the new preview is shown', async () => {
    const person = await createPerson(t.db)
    const rows = [goodRow(), goodRow()]
    const page = await uploadFile(dip, csvOf(rows))
    const form = commitForm(page.text)
    const meanwhile = (await preview(csvOf([rows[0] ?? {}]))).plans[0]?.test
    await t.db
      .insertInto('drug_test')
      .values({
        person_id: person.id,
        custody_suite_code: 'ROMFORD',
        custody_number: rows[0]?.custody_number ?? '',
        condition: 'arrest',
        trigger_offence_code: 'THEFT',
        sample_taken_at: meanwhile?.sampleTakenAt ?? new Date(),
        opiates: 'negative',
        cocaine: 'negative',
      })
      .execute()
    const before = await writeCounts(t.db)

    const committed = await postForm(dip, '/drug-tests/import/commit', form)

    expect(committed.status).toBe(409)
    expect(committed.text).toContain('Nothing was imported: the records changed since you checked this file')
    expect(previewErrors(committed.text).map((e) => e.row)).toEqual([2])
    expect({ ...(await writeCounts(t.db)), audit_event: 0 }).toEqual({ ...before, audit_event: 0 })
    const second = await postForm(dip, '/drug-tests/import/commit', commitForm(committed.text))
    expect(second.status).toBe(303)
    expect((await writeCounts(t.db)).drug_test).toBe(before.drug_test + 1)
  })

  it('hostile values in the import form get a 400 or 404 with a message and write nothing', async () => {
    const before = await writeCounts(t.db)
    const value = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.uuid().map(String),
      fc.integer().map(String),
      fc.constant(''),
    )
    await fc.assert(
      fc.asyncProperty(value, value, value, async (importId, expectedTests, expectedPeople) => {
        const response = await postForm(dip, '/drug-tests/import/commit', { importId, expectedTests, expectedPeople })
        expect([400, 404]).toContain(response.status)
        expect(response.text).toContain('There is a problem')
      }),
      { numRuns: 40 },
    )
    expect(await writeCounts(t.db)).toEqual(before)
  })

  it('only the user who uploaded the file can import it', async () => {
    const page = await uploadFile(dip, csvOf([goodRow()]))
    const form = commitForm(page.text)
    const supervisor = await signInAs(t.app, 'supervisor')
    const before = await writeCounts(t.db)
    const response = await postForm(supervisor, '/drug-tests/import/commit', form)
    expect(response.status).toBe(404)
    expect(await writeCounts(t.db)).toEqual(before)
  })
})
