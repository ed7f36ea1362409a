import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestResult } from '../../../db/types.ts'
import { supportsRequirement } from '../../../server/features/dip/dipRules.ts'
import { createPerson, demoUserIds, uniqueTag } from '../../helpers/factories.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// The rule "does this test support a requirement to attend?" is written twice: in TypeScript for
// messages and pages, and in SQL for the database's own refusal. This keeps the two equal.

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => {
  await t.close()
})

const results: TestResult[] = ['positive', 'negative', 'not_tested']

describe('the requirement rule in the app and in the database', () => {
  it('agree for every custody result, laboratory result (or none) and refusal', async () => {
    const person = await createPerson(t.db, { date_of_birth: '1980-01-01' })
    const users = await demoUserIds(t.db)
    const cases: {
      opiates: TestResult
      cocaine: TestResult
      refused: boolean
      lab: { opiates: TestResult; cocaine: TestResult } | null
    }[] = []
    for (const opiates of results)
      for (const cocaine of results) {
        cases.push({ opiates, cocaine, refused: false, lab: null })
        for (const labOpiates of results)
          for (const labCocaine of results)
            cases.push({ opiates, cocaine, refused: false, lab: { opiates: labOpiates, cocaine: labCocaine } })
      }
    cases.push({ opiates: 'not_tested', cocaine: 'not_tested', refused: true, lab: null })
    for (const c of cases) {
      const test = await t.db
        .insertInto('drug_test')
        .values({
          person_id: person.id,
          custody_suite_code: 'ROMFORD',
          custody_number: `KD/${uniqueTag()}/26`,
          condition: 'arrest',
          trigger_offence_code: 'THEFT',
          sample_taken_at: new Date('2026-10-01T09:00:00Z'),
          opiates: c.opiates,
          cocaine: c.cocaine,
          refused: c.refused,
          refusal_action: c.refused ? 'charged' : null,
          disputed: c.lab !== null,
          recorded_by: users.dip,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (c.lab)
        await t.db
          .insertInto('drug_test_confirmation')
          .values({ drug_test_id: test.id, ...c.lab, confirmed_on: '2026-10-06', recorded_by: users.dip })
          .execute()
      const db = await sql<{ yes: boolean }>`select drug_test_supports_requirement(${test.id}::uuid) as yes`.execute(
        t.db,
      )
      expect(db.rows[0]?.yes, JSON.stringify(c)).toBe(supportsRequirement(c, c.lab))
    }
    // Both answers occur, so the comparison is not of two constants.
    expect(new Set(cases.map((c) => supportsRequirement(c, c.lab)))).toEqual(new Set([true, false]))
  })
})
