import { Kysely, PostgresDialect, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../db/index.ts'
import { poolPreparingMarkedStatements, prepared } from '../../db/preparedStatements.ts'
import type { Database } from '../../db/types.ts'
import { personPanels } from '../../server/features/personPage/personPanels.ts'
import { createTestDatabase } from '../helpers/testDatabase.ts'

// Marked statements go to PostgreSQL by name, so that it can stop planning them; nothing else
// does, so each connection keeps a fixed set of them. One pooled connection, so that what one
// statement prepared is what the next one sees.

let handle: DbHandle

beforeAll(async () => {
  handle = await createTestDatabase({ poolMax: 1 })
})
afterAll(async () => {
  await handle.close()
})

const preparedOn = async (db: Kysely<Database>) =>
  (
    await sql<{
      name: string
      statement: string
    }>`select name, statement from pg_prepared_statements order by name`.execute(db)
  ).rows

describe('prepared statements', () => {
  it('sends a marked statement by one name however often and with whatever values, and an unmarked one unnamed', async () => {
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: poolPreparingMarkedStatements(handle.pool) }),
    })
    const marked = (code: string) =>
      prepared(
        sql<{
          code: string
          name: string
        }>`select code, name from area where code = ${code} and kind = 'borough'`.compile(db),
      )
    const before = await preparedOn(db)

    const havering = await db.executeQuery(marked('HV'))
    const again = await db.executeQuery(marked('HV'))
    const other = await db.executeQuery(marked('no such borough'))
    const unmarked = await sql<{
      n: number
    }>`select count(*)::int as n from area where kind = 'borough' and code = ${'HV'}`.execute(db)

    expect(havering.rows.map((r) => r.code)).toEqual(['HV'])
    expect(again.rows).toEqual(havering.rows)
    expect(other.rows).toEqual([])
    expect(unmarked.rows).toEqual([{ n: 1 }])
    const added = (await preparedOn(db)).filter((s) => !before.some((b) => b.name === s.name))
    expect(added).toEqual([{ name: expect.stringMatching(/^cohort_[0-9a-f]{24}$/), statement: marked('HV').sql }])
  })

  it('sends the person page’s panels by name on PostgreSQL, and plans each time on the embedded database', async () => {
    const person = await handle.db.selectFrom('person').select('id').limit(1).executeTakeFirstOrThrow()
    await personPanels(handle.db, person.id)
    const names = (await preparedOn(handle.db)).filter((s) => s.statement.includes(`as "aliases"`)).map((s) => s.name)
    expect(names).toHaveLength(handle.kind === 'postgres' ? 1 : 0)
  })
})
