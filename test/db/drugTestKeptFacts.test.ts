import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createPerson, demoUserIds } from '../helpers/factories.ts'
import { drugTest } from '../features/cid/cidSupport.ts'
import { fileDatabase } from '../helpers/testDatabase.ts'

// The task list's positive tests awaiting a decision and the home page's disputed tests awaiting
// confirmation read two facts the test carries (migration 20261206T0500): right only while each
// agrees with the rows of the other table, whichever way either was written.

const t = fileDatabase()

async function disagreeing(): Promise<number> {
  const found = await sql<{ n: number }>`
    select count(*)::int as n from drug_test t
     where t.requirement_imposed <> exists (select 1 from required_assessment x where x.drug_test_id = t.id)
        or t.confirmed <> exists (select 1 from drug_test_confirmation x where x.drug_test_id = t.id)`.execute(t.db)
  return found.rows[0]!.n
}

/** A disputed positive test of the person's, with nothing yet naming it. */
const aPositiveTest = (personId: string) => drugTest(t.db, personId, { disputed: true })

const factsOf = (id: string) =>
  t.db
    .selectFrom('drug_test')
    .select(['requirement_imposed', 'confirmed'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

describe('a drug test carries whether a requirement and a confirmation name it', () => {
  it('in the demo data, every test agrees with the other tables', async () => {
    const imposed = await t.db.selectFrom('drug_test').select('id').where('requirement_imposed', '=', true).execute()
    expect(imposed).not.toHaveLength(0)
    expect(await disagreeing()).toBe(0)
  })

  it('follows a requirement and a confirmation as they are written, moved and deleted', async () => {
    const person = await createPerson(t.db)
    const users = await demoUserIds(t.db)
    const test = await aPositiveTest(person.id)
    const other = await aPositiveTest(person.id)
    expect(await factsOf(test.id)).toEqual({ requirement_imposed: false, confirmed: false })

    const requirement = await t.db
      .insertInto('required_assessment')
      .values({ person_id: person.id, drug_test_id: test.id, imposed_by: users.dip })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.db
      .insertInto('drug_test_confirmation')
      .values({ drug_test_id: test.id, opiates: 'positive', cocaine: 'negative', confirmed_on: '2026-12-01' })
      .execute()
    expect(await factsOf(test.id)).toEqual({ requirement_imposed: true, confirmed: true })

    await t.db
      .updateTable('required_assessment')
      .set({ drug_test_id: other.id })
      .where('id', '=', requirement.id)
      .execute()
    expect(await factsOf(test.id)).toEqual({ requirement_imposed: false, confirmed: true })
    expect(await factsOf(other.id)).toEqual({ requirement_imposed: true, confirmed: false })

    await t.db.deleteFrom('drug_test_confirmation').where('drug_test_id', '=', test.id).execute()
    expect(await factsOf(test.id)).toEqual({ requirement_imposed: false, confirmed: false })
    expect(await disagreeing()).toBe(0)
  })

  it('facts written to the test by anyone but the database are replaced by what the other tables say', async () => {
    const test = await aPositiveTest((await createPerson(t.db)).id)
    const written = await t.db
      .updateTable('drug_test')
      .set({ requirement_imposed: true, confirmed: true })
      .where('id', '=', test.id)
      .returning(['requirement_imposed', 'confirmed'])
      .executeTakeFirstOrThrow()
    expect(written).toEqual({ requirement_imposed: false, confirmed: false })
  })
})
