import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../db/index.ts'
import { generateVolume } from '../../db/seed/volume/index.ts'
import { createProgress } from '../../db/seed/volume/progress.ts'
import { volumeId } from '../../db/seed/volume/random.ts'
import type { Database } from '../../db/types.ts'
import { demoPassword } from '../helpers/constants.ts'
import { createTestDatabase } from '../helpers/testDatabase.ts'

// Every borough of East Area has its wards, dated as the statutory orders made them
// (server/domain/REFERENCE.md), and the demo's and the volume generator's people live in them.

const barkingAndDagenham = [
  'Abbey',
  'Alibon',
  'Barking Riverside',
  'Beam',
  'Becontree',
  'Chadwell Heath',
  'Eastbrook & Rush Green',
  'Eastbury',
  'Gascoigne',
  'Goresbrook',
  'Heath',
  'Longbridge',
  'Mayesbrook',
  'Northbury',
  'Parsloes',
  'Thames View',
  'Valence',
  'Village',
  'Whalebone',
]
const redbridge = [
  'Aldborough',
  'Barkingside',
  'Bridge',
  'Chadwell',
  'Churchfields',
  'Clayhall',
  'Clementswood',
  'Cranbrook',
  'Fairlop',
  'Fullwell',
  'Goodmayes',
  'Hainault',
  'Ilford Town',
  'Loxford',
  'Mayfield',
  'Newbury',
  'Seven Kings',
  'Snaresbrook',
  'South Woodford',
  'Valentines',
  'Wanstead Park',
  'Wanstead Village',
]
const haveringFrom2022 = [
  'Beam Park',
  'Cranham',
  'Elm Park',
  'Emerson Park',
  'Gooshays',
  'Hacton',
  'Harold Wood',
  'Havering-atte-Bower',
  'Heaton',
  'Hylands & Harrow Lodge',
  'Marshalls & Rise Park',
  'Mawneys',
  'Rainham & Wennington',
  'Rush Green & Crowlands',
  "St Alban's",
  "St Andrew's",
  "St Edward's",
  'South Hornchurch',
  'Squirrels Heath',
  'Upminster',
]
const haveringBefore2022 = [
  'Brooklands',
  'Cranham',
  'Elm Park',
  'Emerson Park',
  'Gooshays',
  'Hacton',
  'Harold Wood',
  'Havering Park',
  'Heaton',
  'Hylands',
  'Mawneys',
  'Pettits',
  'Rainham and Wennington',
  'Romford Town',
  "St Andrew's",
  'South Hornchurch',
  "Squirrel's Heath",
  'Upminster',
]

let t: DbHandle
beforeAll(async () => {
  t = await createTestDatabase({ statementTimeoutMs: 60_000 })
})
afterAll(async () => {
  await t?.close()
})

const sorted = (names: string[]) => [...names].sort()

async function wardsOf(db: Kysely<Database>, borough: string) {
  return db
    .selectFrom('ward')
    .innerJoin('area', 'area.id', 'ward.borough_id')
    .select(['ward.name', 'ward.valid_from', 'ward.valid_to'])
    .where('area.code', '=', borough)
    .orderBy('ward.name')
    .execute()
}

/** People in B&D and Redbridge (of those ids, if given), with the borough of their ward (null when they have none). */
async function outerBoroughPeople(db: Kysely<Database>, ids?: string[]) {
  let query = db
    .selectFrom('person as p')
    .innerJoin('area as a', 'a.id', 'p.area_id')
    .leftJoin('ward as w', 'w.id', 'p.ward_id')
    .leftJoin('area as wa', 'wa.id', 'w.borough_id')
    .select(['p.id', 'p.address', 'a.code as borough', 'wa.code as ward_borough', 'w.valid_to'])
    .where('a.code', 'in', ['BD', 'RB'])
  if (ids) query = query.where('p.id', 'in', ids)
  return query.execute()
}

describe('the wards of the BCU', () => {
  it('has Barking & Dagenham’s 19 wards from May 2022 and Redbridge’s 22 from May 2018, current', async () => {
    const bd = await wardsOf(t.db, 'BD')
    const rb = await wardsOf(t.db, 'RB')
    expect(bd.map((w) => w.name)).toEqual(sorted(barkingAndDagenham))
    expect(rb.map((w) => w.name)).toEqual(sorted(redbridge))
    for (const w of bd) expect(w).toMatchObject({ valid_from: '2022-05-05', valid_to: null })
    for (const w of rb) expect(w).toMatchObject({ valid_from: '2018-05-03', valid_to: null })
  })

  it('keeps Havering’s wards before and from May 2022, as the domain lists them', async () => {
    const hv = await wardsOf(t.db, 'HV')
    expect(hv.filter((w) => w.valid_to === null).map((w) => w.name)).toEqual(sorted(haveringFrom2022))
    expect(hv.filter((w) => w.valid_to !== null).map((w) => w.name)).toEqual(sorted(haveringBefore2022))
  })

  it('places every demo person in Barking & Dagenham and Redbridge in a current ward of their own borough', async () => {
    // The retention queue's old records say their address is no longer current: no ward to be in.
    const people = (await outerBoroughPeople(t.db)).filter((p) => p.address !== 'Address no longer current')
    expect(people.length).toBeGreaterThan(20)
    expect(new Set(people.map((p) => p.borough))).toEqual(new Set(['BD', 'RB']))
    for (const p of people)
      expect({ ward_borough: p.ward_borough, valid_to: p.valid_to }, p.id).toMatchObject({
        ward_borough: p.borough,
        valid_to: null,
      })
  })

  it('places the volume generator’s people there in their own borough’s wards too', async () => {
    const seed = 11
    const count = 60
    await t.asOwner((db) =>
      generateVolume(db, {
        people: count,
        seed,
        password: demoPassword,
        progress: createProgress(process.stderr, { quiet: true }),
      }),
    )
    const people = await outerBoroughPeople(
      t.db,
      Array.from({ length: count }, (_, k) => volumeId(seed, 'p', k + 1)),
    )
    expect(people.length).toBeGreaterThan(10)
    for (const p of people)
      expect({ ward_borough: p.ward_borough, valid_to: p.valid_to }, p.id).toMatchObject({
        ward_borough: p.borough,
        valid_to: null,
      })
  }, 120_000)
})
