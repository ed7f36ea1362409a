import { sql, type Kysely } from 'kysely'

// The current wards of East Area's other two boroughs, so their people have a ward and the hot
// spots cover the whole BCU. From the schedules of the London Borough of Barking and Dagenham
// (Electoral Changes) Order 2021 (in force at the May 2022 elections) and the London Borough of
// Redbridge (Electoral Changes) Order 2017 (May 2018). Dated from those elections' polling day,
// as Havering's are; a ward an administrator has already added as current is left as it is.

const wards: { borough: 'BD' | 'RB'; validFrom: string; names: string[] }[] = [
  {
    borough: 'BD',
    validFrom: '2022-05-05',
    names: [
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
    ],
  },
  {
    borough: 'RB',
    validFrom: '2018-05-03',
    names: [
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
    ],
  },
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const { borough, validFrom, names } of wards) {
    await sql`
      insert into ward (borough_id, name, valid_from)
      select b.id, v.name, ${validFrom}::date
        from area b, unnest(${names}::text[]) as v(name)
       where b.code = ${borough}
         and not exists (select 1 from ward w where w.borough_id = b.id and lower(w.name) = lower(v.name) and w.valid_to is null)`.execute(
      db,
    )
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { borough, validFrom, names } of wards) {
    const added = sql`
      select w.id from ward w join area b on b.id = w.borough_id
       where b.code = ${borough} and w.valid_from = ${validFrom}::date and w.name = any(${names}::text[])`
    // People placed in these wards since go back to having none, as before the wards existed.
    await sql`update person set ward_id = null where ward_id in (${added})`.execute(db)
    await sql`delete from ward where id in (${added})`.execute(db)
  }
}
