import { describe, expect, it } from 'vitest'
import { presentPreviewPage } from '../../server/features/dip/import/importPresenter.ts'

// The import preview page from a preview alone: the counts the commit must find again, the rows
// in words, and the row problems named in the error summary.

type Preview = Parameters<typeof presentPreviewPage>[0]

const test = {
  custodySuiteCode: 'ROM',
  custodyNumber: 'KD/1/26',
  sampleTakenAt: new Date('2026-11-02T14:10:00Z'),
  opiates: 'positive',
  cocaine: 'negative',
}

const preview = (changes: Partial<Preview> = {}): Preview =>
  ({
    ok: true,
    rows: 3,
    plans: [
      {
        row: 2,
        kind: 'existing',
        person: {
          surname: 'Okafor',
          forenames: 'Daniel',
          date_of_birth: '1990-03-04',
          pnc_id: null,
          restricted: false,
        },
        detailsDiffer: false,
        test,
      },
      { row: 3, kind: 'new', newPerson: 0, test },
    ],
    newPeople: [
      {
        firstRow: 3,
        person: { surname: 'Price', forenames: 'Ann', dateOfBirth: '1988-01-20', pncId: '2010/0000002A' },
        areaId: 'b1',
        areaName: 'Havering',
      },
    ],
    errors: [{ row: 4, column: '', value: '', why: 'The row has 3 values but the header has 12 columns' }],
    rowsWithErrors: 1,
    matchedPersonIds: ['p1'],
    ...changes,
  }) as unknown as Preview

describe('the import preview page', () => {
  it('carries the kept file and the counts to confirm, and names the row problems in the error summary', () => {
    const page = presentPreviewPage(preview(), { importId: 'i1', fileName: 'custody.csv', changed: false })
    expect(page).toMatchObject({
      title: 'Check the drug tests before importing',
      importId: 'i1',
      fileName: 'custody.csv',
      changed: false,
      expectedTests: 2,
      expectedPeople: 1,
    })
    expect(page.counts).toMatchObject({
      rows: '3 rows',
      tests: '2 tests',
      newPeople: '1 new person',
      rowsWithErrors: '1 row has',
    })
    expect(page.plans.map((p) => [p.action, p.name, p.detail])).toEqual([
      ['Test for an existing person', 'OKAFOR, Daniel', 'Born 4 March 1990'],
      ['New person and test', 'PRICE, Ann', 'Born 20 January 1988 · PNC ID 2010/0000002A · Added to Havering'],
    ])
    expect(page.errors).toEqual({
      summary: [{ text: '1 row has problems: they will not be imported', href: '#row-errors' }],
      fields: {},
    })
    expect(page.rowErrors).toEqual([
      { row: 4, column: '(whole row)', value: '', why: 'The row has 3 values but the header has 12 columns' },
    ])
  })

  it('has no error summary when every row can be imported, and says when it is shown again because the records changed', () => {
    const page = presentPreviewPage(preview({ errors: [], rowsWithErrors: 0 }), {
      importId: null,
      fileName: 'custody.csv',
      changed: true,
    })
    expect(page.errors).toBeUndefined()
    expect(page.rowErrors).toEqual([])
    expect(page).toMatchObject({ importId: null, changed: true })
  })
})
