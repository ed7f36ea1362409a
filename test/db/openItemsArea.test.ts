import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { areaIdsByCode, createPerson, createReferral, demoUserIds } from '../helpers/factories.ts'
import { fileDatabase } from '../helpers/testDatabase.ts'

// The home page counts a borough's open items by the borough each item carries
// (migration 20261205T1400): that is only right while every item's borough is its person's,
// whichever way the item or the person was written.

const tables = ['appointment', 'dip_failure', 'drug_test', 'referral', 'cid_entry'] as const

const t = fileDatabase()

async function disagreeing(table: (typeof tables)[number]): Promise<number> {
  const found = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.table(table)} t join person p on p.id = t.person_id
     where t.area_id <> p.area_id`.execute(t.db)
  return found.rows[0]!.n
}

async function areasOfItems(personId: string): Promise<Record<string, string[]>> {
  const entries = await Promise.all(
    tables.map(async (table) => {
      const rows = await sql<{ area_id: string }>`
        select distinct area_id from ${sql.table(table)} where person_id = ${personId}`.execute(t.db)
      return [table, rows.rows.map((r) => r.area_id)] as const
    }),
  )
  return Object.fromEntries(entries)
}

describe("an open item's borough is its person's", () => {
  it('in the demo data, every item of every table carries its own person’s borough', async () => {
    for (const table of tables) expect(await disagreeing(table), table).toBe(0)
  })

  it('when a person moves borough, every item of theirs moves with them', async () => {
    // A demo person with an entry on the CID list has items in most of the tables.
    const entry = await t.db.selectFrom('cid_entry').select('person_id').executeTakeFirstOrThrow()
    const person = await t.db
      .selectFrom('person')
      .select('area_id')
      .where('id', '=', entry.person_id)
      .executeTakeFirstOrThrow()
    const areas = await areaIdsByCode(t.db)
    const elsewhere = Object.values(areas).find((id) => id !== person.area_id)!
    const before = await areasOfItems(entry.person_id)
    expect(before.cid_entry).toEqual([person.area_id])
    expect(before.dip_failure).toEqual([person.area_id])

    await t.db.updateTable('person').set({ area_id: elsewhere }).where('id', '=', entry.person_id).execute()

    const after = await areasOfItems(entry.person_id)
    for (const table of tables) expect(after[table], table).toEqual(before[table]!.length ? [elsewhere] : [])
    for (const table of tables) expect(await disagreeing(table), table).toBe(0)
  })

  it('an item written with another borough is stored with its person’s', async () => {
    const areas = await areaIdsByCode(t.db)
    const person = await createPerson(t.db, { areaCode: 'BD' })
    const users = await demoUserIds(t.db)
    const referral = await createReferral(t.db, { personId: person.id, referredBy: users.iom })
    expect(referral.area_id).toBe(areas.BD)

    const changed = await t.db
      .updateTable('referral')
      .set({ area_id: areas.HV })
      .where('id', '=', referral.id)
      .returning('area_id')
      .executeTakeFirstOrThrow()
    expect(changed.area_id).toBe(areas.BD)
  })

  it('an item moved to another person takes that person’s borough', async () => {
    const areas = await areaIdsByCode(t.db)
    const users = await demoUserIds(t.db)
    const first = await createPerson(t.db, { areaCode: 'BD' })
    const second = await createPerson(t.db, { areaCode: 'RB' })
    const referral = await createReferral(t.db, { personId: first.id, referredBy: users.iom })

    const moved = await t.db
      .updateTable('referral')
      .set({ person_id: second.id })
      .where('id', '=', referral.id)
      .returning('area_id')
      .executeTakeFirstOrThrow()
    expect(moved.area_id).toBe(areas.RB)
  })
})
