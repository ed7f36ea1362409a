import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../db/index.ts'
import type { Database } from '../../db/types.ts'
import { searchByName } from '../../server/features/people/peopleRepository.ts'
import { areaIdsByCode, createPerson } from '../helpers/factories.ts'
import { createTestDatabase } from '../helpers/testDatabase.ts'

// A surname search finds its names in surname_vocabulary (migration 20261206T0300), kept by the
// database as people and aliases are written. A name missing from it would hide everyone who
// bears it from search; a name left in it after its last bearer went would outlive a disposal.

let handle: DbHandle
let db: Kysely<Database>
let areas: string[]

beforeAll(async () => {
  handle = await createTestDatabase()
  db = handle.db
  areas = Object.values(await areaIdsByCode(db))
})
afterAll(async () => handle.close())

/** Names whose kept count differs from the people and aliases bearing them now, either way round. */
async function disagreeing(): Promise<string[]> {
  const found = await sql<{ name: string }>`
    with fresh as (
      select name, count(*)::int as bearers
        from (select lower(surname) as name from person union all select lower(surname) from person_alias) b
       group by name
    )
    select name from ((select * from surname_vocabulary except select * from fresh)
                      union (select * from fresh except select * from surname_vocabulary)) d`.execute(db)
  return found.rows.map((r) => r.name)
}

const bearersOf = async (name: string) =>
  (await db.selectFrom('surname_vocabulary').select('bearers').where('name', '=', name).executeTakeFirst())?.bearers

const found = async (query: string) => (await searchByName(db, areas, query, 50)).map((p) => p.id)

describe('the surname vocabulary follows the people and their aliases', () => {
  it('in the demo data, every surname is there with the number who bear it', async () => {
    expect(await disagreeing()).toEqual([])
    expect(await bearersOf('zzqx-none')).toBeUndefined()
  })

  it('a new surname is searchable at once; a rename moves it; the last bearer deleted takes it away', async () => {
    const person = await createPerson(db, { surname: 'Quenbywater' })
    expect(await bearersOf('quenbywater')).toBe(1)
    expect(await found('Quenbywater')).toEqual([person.id])
    // Misspelt, it is still found through the vocabulary's trigram index.
    expect(await found('Quenbywatter')).toEqual([person.id])

    await db.updateTable('person').set({ surname: 'Quenbyfield' }).where('id', '=', person.id).execute()
    expect(await bearersOf('quenbywater')).toBeUndefined()
    expect(await found('Quenbyfield')).toEqual([person.id])

    await db.deleteFrom('person').where('id', '=', person.id).execute()
    expect(await bearersOf('quenbyfield')).toBeUndefined()
    expect(await disagreeing()).toEqual([])
  })

  it('an alias bears its surname too, and a name stays while anyone still bears it', async () => {
    const [first, second] = [await createPerson(db, { surname: 'Ardwhistle' }), await createPerson(db)]
    await db
      .insertInto('person_alias')
      .values({ person_id: second.id, surname: 'ARDWHISTLE', forenames: 'Sam' })
      .execute()
    expect(await bearersOf('ardwhistle')).toBe(2)
    expect((await found('Ardwhistle')).sort()).toEqual([first.id, second.id].sort())

    await db.deleteFrom('person').where('id', '=', first.id).execute()
    expect(await bearersOf('ardwhistle')).toBe(1)
    expect(await found('Ardwhistle')).toEqual([second.id])
    expect(await disagreeing()).toEqual([])
  })

  it('several people in one statement, and a transaction rolled back, leave the counts right', async () => {
    const before = await bearersOf('smith')
    const template = await createPerson(db)
    await sql`insert into person (surname, forenames, date_of_birth, gender, area_id)
              select 'Smith', 'Test ' || n, date '1990-01-01', 'male', ${template.area_id}::uuid
                from generate_series(1, 3) n`.execute(db)
    expect(await bearersOf('smith')).toBe((before ?? 0) + 3)
    await db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('person').set({ surname: 'Smythe' }).where('surname', '=', 'Smith').execute()
        throw new Error('rolled back')
      })
      .catch(() => undefined)
    expect(await bearersOf('smith')).toBe((before ?? 0) + 3)
    expect(await disagreeing()).toEqual([])
  })
})
