import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../db/index.ts'
import type { Database } from '../../db/types.ts'
import { createPerson, demoUserIds, uniqueTag } from '../helpers/factories.ts'
import { createTestDatabase } from '../helpers/testDatabase.ts'

// The task list's positive tests awaiting a decision and the home page's disputed tests awaiting
// confirmation read two facts the test carries (migration 20261206T0500): right only while each
// agrees with the rows of the other table, whichever way either was written.

let handle: DbHandle
let db: Kysely<Database>

beforeAll(async () => {
  handle = await createTestDatabase()
  db = handle.db
})
afterAll(async () => handle.close())

async function disagreeing(): Promise<number> {
  const found = await sql<{ n: number }>`
    select count(*)::int as n from drug_test t
     where t.requirement_imposed <> exists (select 1 from required_assessment x where x.drug_test_id = t.id)
        or t.confirmed <> exists (select 1 from drug_test_confirmation x where x.drug_test_id = t.id)`.execute(db)
  return found.rows[0]!.n
}

async function aPositiveTest(personId: string) {
  return db
    .insertInto('drug_test')
    .values({
      person_id: personId,
      custody_suite_code: 'ROMFORD',
      custody_number: `HM/${uniqueTag()}/26`,
      condition: 'arrest',
      trigger_offence_code: 'THEFT',
      sample_taken_at: new Date(),
      opiates: 'positive',
      cocaine: 'negative',
      disputed: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

const factsOf = (id: string) =>
  db.selectFrom('drug_test').select(['requirement_imposed', 'confirmed']).where('id', '=', id).executeTakeFirstOrThrow()

describe('a drug test carries whether a requirement and a confirmation name it', () => {
  it('in the demo data, every test agrees with the other tables', async () => {
    const imposed = await db.selectFrom('drug_test').select('id').where('requirement_imposed', '=', true).execute()
    expect(imposed).not.toHaveLength(0)
    expect(await disagreeing()).toBe(0)
  })

  it('follows a requirement and a confirmation as they are written, moved and deleted', async () => {
    const person = await createPerson(db)
    const users = await demoUserIds(db)
    const test = await aPositiveTest(person.id)
    const other = await aPositiveTest(person.id)
    expect(await factsOf(test.id)).toEqual({ requirement_imposed: false, confirmed: false })

    const requirement = await db
      .insertInto('required_assessment')
      .values({ person_id: person.id, drug_test_id: test.id, imposed_by: users.dip })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('drug_test_confirmation')
      .values({ drug_test_id: test.id, opiates: 'positive', cocaine: 'negative', confirmed_on: '2026-12-01' })
      .execute()
    expect(await factsOf(test.id)).toEqual({ requirement_imposed: true, confirmed: true })

    await db
      .updateTable('required_assessment')
      .set({ drug_test_id: other.id })
      .where('id', '=', requirement.id)
      .execute()
    expect(await factsOf(test.id)).toEqual({ requirement_imposed: false, confirmed: true })
    expect(await factsOf(other.id)).toEqual({ requirement_imposed: true, confirmed: false })

    await db.deleteFrom('drug_test_confirmation').where('drug_test_id', '=', test.id).execute()
    expect(await factsOf(test.id)).toEqual({ requirement_imposed: false, confirmed: false })
    expect(await disagreeing()).toBe(0)
  })

  it('facts written to the test by anyone but the database are replaced by what the other tables say', async () => {
    const test = await aPositiveTest((await createPerson(db)).id)
    const written = await db
      .updateTable('drug_test')
      .set({ requirement_imposed: true, confirmed: true })
      .where('id', '=', test.id)
      .returning(['requirement_imposed', 'confirmed'])
      .executeTakeFirstOrThrow()
    expect(written).toEqual({ requirement_imposed: false, confirmed: false })
  })
})
