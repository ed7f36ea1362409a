import { formatDate } from '../../../presenters/format.ts'
import { fullName } from '../../people/peoplePresenter.ts'
import { formatWhen, resultLabels } from '../dipPresenter.ts'
import type { ImportPreview } from './drugTestImport.ts'

/** A page shows this many rows of each table; the counts above them cover the whole file. */
export const shownRows = 500

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`

export function countText(preview: Extract<ImportPreview, { ok: true }>) {
  const existing = preview.plans.filter((p) => p.kind === 'existing').length
  return {
    rows: plural(preview.rows, 'row', 'rows'),
    tests: plural(preview.plans.length, 'test', 'tests'),
    existing: plural(existing, 'test', 'tests'),
    forNew: plural(preview.plans.length - existing, 'test', 'tests'),
    newPeople: plural(preview.newPeople.length, 'new person', 'new people'),
    rowsWithErrors: plural(preview.rowsWithErrors, 'row has', 'rows have'),
    errors: plural(preview.errors.length, 'problem', 'problems'),
  }
}

export function importedText(outcome: { testsCreated: number; peopleCreated: number }): string {
  const people =
    outcome.peopleCreated > 0 ? ` and added ${plural(outcome.peopleCreated, 'new person', 'new people')}` : ''
  return `Imported ${plural(outcome.testsCreated, 'drug test', 'drug tests')}${people}`
}

/** The preview page's tables: the first rows of each, in row order. */
export function presentPreview(preview: Extract<ImportPreview, { ok: true }>) {
  return {
    counts: countText(preview),
    plans: preview.plans.slice(0, shownRows).map((plan) => {
      const person = plan.kind === 'existing' ? null : preview.newPeople[plan.newPerson]
      return {
        row: plan.row,
        action: plan.kind === 'existing' ? 'Test for an existing person' : 'New person and test',
        name: plan.kind === 'existing' ? fullName(plan.person) : person ? fullName(person.person) : '',
        detail:
          plan.kind === 'existing'
            ? [
                `Born ${formatDate(plan.person.date_of_birth)}`,
                plan.person.pnc_id ? `PNC ID ${plan.person.pnc_id}` : '',
                plan.person.restricted ? 'Restricted record' : '',
              ]
                .filter(Boolean)
                .join(' · ')
            : person
              ? [
                  `Born ${formatDate(person.person.dateOfBirth)}`,
                  person.person.pncId ? `PNC ID ${person.person.pncId}` : '',
                  `Added to ${person.areaName}`,
                ]
                  .filter(Boolean)
                  .join(' · ')
              : '',
        differs: plan.kind === 'existing' && plan.detailsDiffer,
        sample: `${plan.test.custodySuiteCode} ${plan.test.custodyNumber}, ${formatWhen(plan.test.sampleTakenAt)}`,
        results: `Opiates ${resultLabels[plan.test.opiates].toLowerCase()}, cocaine ${resultLabels[plan.test.cocaine].toLowerCase()}`,
      }
    }),
    moreRows: Math.max(preview.plans.length - shownRows, 0),
    errors: preview.errors.slice(0, shownRows).map((e) => ({ ...e, column: e.column || '(whole row)' })),
    moreErrors: Math.max(preview.errors.length - shownRows, 0),
  }
}

/**
 * The preview page: what the file will do, the counts the commit must still find (so a file
 * that changed meanwhile is shown again, not imported), and its row problems in the error summary.
 */
export function presentPreviewPage(
  preview: Extract<ImportPreview, { ok: true }>,
  upload: { importId: string | null; fileName: string; changed: boolean },
) {
  const presented = presentPreview(preview)
  return {
    title: 'Check the drug tests before importing',
    ...upload,
    expectedTests: preview.plans.length,
    expectedPeople: preview.newPeople.length,
    ...presented,
    errors: presented.errors.length
      ? {
          summary: [
            { text: `${presented.counts.rowsWithErrors} problems: they will not be imported`, href: '#row-errors' },
          ],
          fields: {},
        }
      : undefined,
    rowErrors: presented.errors,
  }
}
