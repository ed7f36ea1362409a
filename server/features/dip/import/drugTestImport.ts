import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../../../../db/types.ts'
import { recordAudit, type Actor } from '../../audit/auditRepository.ts'
import { ageOn, testAgeProblem } from '../dipRules.ts'
import { readDrugTestCsv, shownValue, type RowError } from './drugTestCsv.ts'
import { rowSchema, validateRows, type ImportedPerson, type ImportedTest, type ValidRow } from './drugTestRow.ts'
import * as repo from './importRepository.ts'

// The custody drug-test import: a file becomes a preview (what each row will do, and every
// problem), and a preview becomes rows in one transaction. The preview is always computed
// again inside the commit's transaction: what the browser saw is never trusted.

type Db = Kysely<Database>

/** Who imports: the app's signed-in user, or the command line's system user. */
export type ImportUser = { id: string; visibleAreaIds: readonly string[] }

export type RowPlan =
  | { row: number; kind: 'existing'; person: repo.MatchedPerson; detailsDiffer: boolean; test: ImportedTest }
  | { row: number; kind: 'new'; newPerson: number; test: ImportedTest }

export type NewPersonPlan = { firstRow: number; person: ImportedPerson; areaId: string; areaName: string }

export type ImportPreview =
  | { ok: false; why: string }
  | {
      ok: true
      rows: number
      plans: RowPlan[]
      newPeople: NewPersonPlan[]
      errors: RowError[]
      rowsWithErrors: number
      /** The existing people the preview names: what a preview shown to a user consults. */
      matchedPersonIds: string[]
    }

export type Progress = (phase: 'checking' | 'writing', done: number, total: number) => void

const personKey = (p: { surname: string; forenames: string; dateOfBirth: string }) =>
  `${p.surname.toLowerCase()}\u0000${p.forenames.toLowerCase()}\u0000${p.dateOfBirth}`
const testKey = (t: ImportedTest) => `${t.custodySuiteCode}\u0000${t.custodyNumber}\u0000${t.sampleTakenAt.getTime()}`

/** A person's age rule needs testAgeProblem (with its UK day) only near the 14 and 18 thresholds. */
function ageProblem(dateOfBirth: string, test: ImportedTest): string | undefined {
  if (ageOn(dateOfBirth, test.sampleTakenAt.toISOString().slice(0, 10)) >= 19) return undefined
  return testAgeProblem(dateOfBirth, test.condition, test.sampleTakenAt)
}

/** Duplicates: twice in the file (the later row is the error), or already recorded. */
async function dropDuplicates(db: Db, rows: ValidRow[], errors: RowError[]): Promise<ValidRow[]> {
  const firstRow = new Map<string, number>()
  const unique: ValidRow[] = []
  for (const r of rows) {
    const key = testKey(r.test)
    const earlier = firstRow.get(key)
    if (earlier !== undefined) {
      errors.push({
        row: r.row,
        column: 'custody_number',
        value: shownValue(r.cells.custody_number),
        why: `Repeats row ${earlier}: the same custody suite, custody number and sample time`,
      })
      continue
    }
    firstRow.set(key, r.row)
    unique.push(r)
  }
  const recorded = await repo.recordedTestKeys(
    db,
    unique.map((r) => ({
      suite: r.test.custodySuiteCode,
      custodyNumber: r.test.custodyNumber,
      sampleTakenAt: r.test.sampleTakenAt,
    })),
  )
  return unique.filter((r, index) => {
    if (!recorded.has(index)) return true
    errors.push({
      row: r.row,
      column: 'custody_number',
      value: shownValue(r.cells.custody_number),
      why: 'A test with this custody suite, custody number and sample time is already recorded',
    })
    return false
  })
}

type Target = { kind: 'existing'; person: repo.MatchedPerson } | { kind: 'new' }

/** PNC ID first; else exact surname, forenames and date of birth in the user's areas; else a new person. */
async function matchPeople(db: Db, user: ImportUser, rows: ValidRow[], errors: RowError[]) {
  const inScope = new Set(user.visibleAreaIds)
  const pncIds = [...new Set(rows.flatMap((r) => (r.person.pncId ? [r.person.pncId] : [])))]
  const byPnc = new Map((await repo.peopleByPncIds(db, pncIds)).map((p) => [p.pnc_id, p]))
  const nameKeys = new Map<string, number>()
  const keyList: repo.NameKey[] = []
  for (const r of rows) {
    if (r.person.pncId && byPnc.has(r.person.pncId)) continue
    const key = personKey(r.person)
    if (!nameKeys.has(key)) {
      nameKeys.set(key, keyList.length)
      keyList.push(r.person)
    }
  }
  const byName = new Map<number, repo.MatchedPerson[]>()
  for (const p of await repo.peopleByNameKeys(db, user.visibleAreaIds, keyList))
    byName.set(p.key, [...(byName.get(p.key) ?? []), p])

  const matched: { row: ValidRow; target: Target }[] = []
  for (const r of rows) {
    const fail = (column: 'pnc_id' | 'surname', why: string) =>
      errors.push({ row: r.row, column, value: shownValue(r.cells[column]), why })
    const byId = r.person.pncId ? byPnc.get(r.person.pncId) : undefined
    if (byId) {
      if (inScope.has(byId.area_id)) matched.push({ row: r, target: { kind: 'existing', person: byId } })
      else
        fail('pnc_id', 'Another person, outside your areas, already has this PNC ID: the test cannot be imported here')
      continue
    }
    const candidates = byName.get(nameKeys.get(personKey(r.person)) ?? -1) ?? []
    const [only] = candidates
    if (candidates.length > 1) {
      fail(
        'surname',
        `Ambiguous: ${candidates.length} people in your areas have this surname, forenames and date of birth; add the PNC ID to say which`,
      )
    } else if (only && r.person.pncId && only.pnc_id && only.pnc_id !== r.person.pncId) {
      fail(
        'pnc_id',
        'The person in your areas with this name and date of birth has a different PNC ID: check the PNC ID',
      )
    } else {
      matched.push({ row: r, target: only ? { kind: 'existing', person: only } : { kind: 'new' } })
    }
  }
  return matched
}

/**
 * Where a new person's record goes. The custody suite's area when it is a borough this user
 * can see (a person arrested at Romford is most likely a Havering case); otherwise, as for a
 * suite that serves a whole BCU, the user's first visible borough by name, so the choice is
 * the same on every run. Both may be moved later by editing the person.
 */
async function homeAreas(db: Db, user: ImportUser, suites: Map<string, string | null>) {
  const boroughs = (await repo.areasByIds(db, user.visibleAreaIds)).filter((a) => a.kind === 'borough')
  const byId = new Map(boroughs.map((b) => [b.id, b]))
  return (suiteCode: string) => {
    const suiteArea = suites.get(suiteCode)
    return (suiteArea ? byId.get(suiteArea) : undefined) ?? boroughs[0]
  }
}

function planPeople(
  matched: { row: ValidRow; target: Target }[],
  homeOf: (suite: string) => { id: string; name: string } | undefined,
  errors: RowError[],
) {
  const plans: RowPlan[] = []
  const newPeople: NewPersonPlan[] = []
  const byPnc = new Map<string, number>()
  const byName = new Map<string, number[]>()
  const fail = (r: ValidRow, column: 'pnc_id' | 'surname' | 'condition', why: string) =>
    errors.push({ row: r.row, column, value: shownValue(r.cells[column]), why })
  // Rows with a PNC ID make their new people first, so a row without one can join the right one.
  const ordered = [...matched].sort(
    (a, b) => Number(!a.row.person.pncId) - Number(!b.row.person.pncId) || a.row.row - b.row.row,
  )
  for (const { row: r, target } of ordered) {
    if (target.kind === 'existing') {
      const problem = ageProblem(target.person.date_of_birth, r.test)
      if (problem) {
        fail(r, 'condition', problem)
        continue
      }
      const differs = personKey(r.person) !== personKey({ ...target.person, dateOfBirth: target.person.date_of_birth })
      plans.push({ row: r.row, kind: 'existing', person: target.person, detailsDiffer: differs, test: r.test })
      continue
    }
    const problem = ageProblem(r.person.dateOfBirth, r.test)
    if (problem) {
      fail(r, 'condition', problem)
      continue
    }
    const key = personKey(r.person)
    let index: number | undefined
    if (r.person.pncId) {
      index = byPnc.get(r.person.pncId)
      const earlier = index === undefined ? undefined : newPeople[index]
      if (earlier && personKey(earlier.person) !== key) {
        fail(r, 'pnc_id', `Row ${earlier.firstRow} has the same PNC ID with a different name or date of birth`)
        continue
      }
    } else {
      const same = byName.get(key) ?? []
      if (same.length > 1) {
        fail(
          r,
          'surname',
          `Ambiguous: ${same.length} new people in this file have this name and date of birth with different PNC IDs; add the PNC ID to say which`,
        )
        continue
      }
      index = same[0]
    }
    if (index === undefined) {
      const home = homeOf(r.test.custodySuiteCode)
      if (!home) {
        fail(r, 'surname', 'This is a new person, and you have no borough to add new people to')
        continue
      }
      index = newPeople.length
      newPeople.push({ firstRow: r.row, person: r.person, areaId: home.id, areaName: home.name })
      if (r.person.pncId) byPnc.set(r.person.pncId, index)
      byName.set(key, [...(byName.get(key) ?? []), index])
    }
    plans.push({ row: r.row, kind: 'new', newPerson: index, test: r.test })
  }
  return { plans: plans.sort((a, b) => a.row - b.row), newPeople }
}

/** What the file would do, and every problem with it. Reads only: nothing is written. */
export async function previewDrugTestImport(
  db: Db,
  user: ImportUser,
  input: Buffer | string,
  options: { now?: Date; progress?: Progress } = {},
): Promise<ImportPreview> {
  const read = readDrugTestCsv(input)
  if (!read.ok) return read
  const reference = await repo.importReference(db)
  const errors = [...read.errors]
  const schema = rowSchema(reference, options.now ?? new Date())
  const valid: ValidRow[] = []
  const step = 1000
  for (let i = 0; i < read.records.length; i += step) {
    const checked = validateRows(read.records.slice(i, i + step), schema)
    valid.push(...checked.valid)
    errors.push(...checked.errors)
    options.progress?.('checking', Math.min(i + step, read.records.length), read.records.length)
  }
  const unique = await dropDuplicates(db, valid, errors)
  const matched = await matchPeople(db, user, unique, errors)
  const { plans, newPeople } = planPeople(matched, await homeAreas(db, user, reference.suites), errors)
  errors.sort((a, b) => a.row - b.row)
  return {
    ok: true,
    rows: read.records.length + new Set(read.errors.map((e) => e.row)).size,
    plans,
    newPeople,
    errors,
    rowsWithErrors: new Set(errors.map((e) => e.row)).size,
    matchedPersonIds: [...new Set(plans.flatMap((p) => (p.kind === 'existing' ? [p.person.id] : [])))],
  }
}

export type ImportOutcome = { testsCreated: number; peopleCreated: number; batchId: string }

/**
 * Writes a preview's rows: new people, then their tests, then one audit row. Call it inside
 * the transaction that computed the preview, so the checks and the writes see the same data.
 */
export async function writeDrugTestImport(
  trx: Db,
  user: ImportUser,
  preview: Extract<ImportPreview, { ok: true }>,
  actor: Actor,
  options: { detail?: Record<string, unknown>; progress?: Progress } = {},
): Promise<ImportOutcome> {
  const batchId = randomUUID()
  const total = preview.newPeople.length + preview.plans.length
  let done = 0
  const tick = (n: number) => options.progress?.('writing', (done += n), total)
  const people = preview.newPeople.map((p) => ({ ...p.person, id: randomUUID(), areaId: p.areaId }))
  await repo.insertPeople(trx, people, user.id, tick)
  const tests = preview.plans.map((plan) => ({
    ...plan.test,
    personId: plan.kind === 'existing' ? plan.person.id : (people[plan.newPerson]?.id ?? ''),
    recordedBy: user.id,
    importBatch: batchId,
  }))
  await repo.insertDrugTests(trx, tests, tick)
  await recordAudit(trx, actor, {
    category: 'collection',
    event: 'drug_tests.imported',
    entityType: 'drug_test_import',
    entityId: batchId,
    detail: {
      ...options.detail,
      batchId,
      testsCreated: tests.length,
      peopleCreated: people.length,
      rowsWithErrors: preview.rowsWithErrors,
      // Every person the import touched: those it matched, and those it added.
      matchedPersonIds: preview.matchedPersonIds,
      newPersonIds: people.map((p) => p.id),
    },
  })
  return { testsCreated: tests.length, peopleCreated: people.length, batchId }
}
