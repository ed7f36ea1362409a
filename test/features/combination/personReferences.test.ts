import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  combinationOwnReferences,
  movedReferences,
  personForeignKeys,
  unmovedPersonColumns,
} from '../../../server/features/combination/personReferences.ts'
import { createTestDatabase } from '../../helpers/testDatabase.ts'
import type { DbHandle } from '../../../db/index.ts'

let database: DbHandle

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database.close()
})

const known = () =>
  new Set([...movedReferences.map((r) => `${r.table}.${r.column}`), ...Object.keys(combinationOwnReferences)])

describe('combining records knows every reference to a person', () => {
  it('every foreign key to person(id) in the schema is moved by a combination, or is the combination’s own', async () => {
    const inSchema = await personForeignKeys(database.db)
    // The catalog query itself must work: these are certainly there.
    expect(inSchema).toEqual(
      expect.arrayContaining(['contact.person_id', 'person.combined_into', 'person_combination.merged_id']),
    )
    const unknown = inSchema.filter((ref) => !known().has(ref))
    expect(
      unknown,
      `tables with a foreign key to person that a combination would leave behind: ${unknown.join(', ')}`,
    ).toEqual([])
  })

  it('names no table that is not in the schema (a renamed table is noticed too)', async () => {
    const inSchema = new Set(await personForeignKeys(database.db))
    const stale = [...known()].filter((ref) => !inSchema.has(ref))
    expect(stale).toEqual([])
  })

  it('every column called person_id without a foreign key is listed with the reason it stays', async () => {
    const result = await sql<{ ref: string }>`
      select c.table_name || '.' || c.column_name as ref
        from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
       where c.table_schema = current_schema() and c.column_name like '%person_id'
       order by 1`.execute(database.db)
    const withoutKey = result.rows.map((r) => r.ref).filter((ref) => !known().has(ref))
    expect(withoutKey.sort()).toEqual(Object.keys(unmovedPersonColumns).sort())
  })
})
