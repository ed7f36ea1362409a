import { sql } from 'kysely'
import { inChunks, series, type VolumeContext } from './context.ts'
import { pickFrom } from './random.ts'
import { londonTime, personShape, textArray, uuidArray } from './shape.ts'
import { boroughTowns, type DemoBorough } from '../wardTowns.ts'
import { markerCodes, wordLists } from './words.ts'

// Check letters as identifiers.ts computes them: the number's digits modulo 23 into this alphabet.
const checkAlphabet = sql.lit('ZABCDEFGHJKLMNPQRTUVWXY')
const checkLetter = (digits: unknown) => sql`substr(${checkAlphabet}, ((${digits}) % 23)::int + 1, 1)`

/** People across the three boroughs, with valid PNC IDs and CRO numbers, then aliases and warning markers. */
export async function generatePeople(ctx: VolumeContext): Promise<void> {
  const { rng, refs } = ctx
  const words = wordLists(ctx.rng.seed)
  const shape = personShape(ctx)
  const surnames = textArray(words.surnames)
  // One draw picks both a ward and its town; a borough without current wards leaves both empty.
  const inWard = (borough: DemoBorough, column: 'id' | 'town') => {
    const wards = refs.wards[borough]
    if (wards.length === 0) return sql`null`
    return pickFrom(
      column === 'id' ? uuidArray(wards.map((w) => w.id)) : textArray(wards.map((w) => w.town)),
      rng.r(25, sql`n`),
    )
  }
  const byBorough = (column: 'id' | 'town') =>
    sql`case borough when 'HV' then ${inWard('HV', column)} when 'BD' then ${inWard('BD', column)} else ${inWard('RB', column)} end`
  const creators = uuidArray([...refs.officers.iom, ...refs.officers.dip])

  await inChunks(
    ctx,
    'people',
    ctx.people,
    (lo, hi) => sql`
    insert into person (id, surname, forenames, date_of_birth, gender, pnc_id, cro_number, address, ward_id, area_id,
                        restricted, created_by, created_at, updated_at)
    select id, surname, forenames, date_of_birth, gender,
           -- Against any record already there (the demo's, another seed's): the generated ones differ by construction.
           case when pnc is null or exists (select 1 from person q where q.pnc_id = s.pnc) then null else pnc end,
           case when cro is null or exists (select 1 from person q where q.cro_number = s.cro) then null else cro end,
           case when no_fixed_abode then null else
             case when flat then 'Flat ' || (1 + house % 24) || ', ' else '' end || (1 + house % 180) || ' ' || street || ', ' || town end,
           ward_id, area_id, restricted, created_by, created_at, created_at
    from (
      select n, ${rng.id('p', sql`n`)} as id,
             ${pickFrom(surnames, rng.r(3, sql`n`))} as surname,
             case when g.gender = 'female' then ${pickFrom(textArray(words.femaleNames), rng.r(4, sql`n`))}
                  else ${pickFrom(textArray(words.maleNames), rng.r(4, sql`n`))} end
               || case when ${rng.chance(5, sql`n`, 0.25)} then ' ' || case when g.gender = 'female'
                    then ${pickFrom(textArray(words.femaleNames), rng.r(6, sql`n`))} else ${pickFrom(textArray(words.maleNames), rng.r(6, sql`n`))} end
                  else '' end as forenames,
             d.date_of_birth, g.gender,
             case when ${rng.chance(7, sql`n`, 0.9)} then pnc_year || '/' || lpad((1000000 + n)::text, 7, '0')
               || ${checkLetter(sql`(pnc_year % 100) * 10000000 + 1000000 + n`)} end as pnc,
             case when ${rng.chance(8, sql`n`, 0.36)} then
               case when ${rng.chance(9, sql`n`, 0.1)}
                 then 'SF' || lpad((pnc_year % 100)::text, 2, '0') || '/' || lpad((n % 1000000)::text, 6, '0')
                 else lpad((n % 1000000)::text, 6, '0') || '/' || lpad((pnc_year % 100)::text, 2, '0') end
               || ${checkLetter(sql`(pnc_year % 100) * 1000000 + n % 1000000`)} end as cro,
             b.area_id, b.ward_id,
             ${rng.r(13, sql`n`)} as house, ${rng.chance(14, sql`n`, 0.2)} as flat,
             ${pickFrom(textArray(words.streets), rng.r(15, sql`n`))} as street,
             b.borough <> 'HV' and ${rng.chance(16, sql`n`, 0.06)} as no_fixed_abode,
             coalesce(b.ward_town, case b.borough when 'HV' then ${pickFrom(textArray(boroughTowns.HV), rng.r(12, sql`n`))}
               when 'BD' then ${pickFrom(textArray(boroughTowns.BD), rng.r(12, sql`n`))}
               else ${pickFrom(textArray(boroughTowns.RB), rng.r(12, sql`n`))} end) as town,
             ${rng.chance(17, sql`n`, 0.005)} as restricted,
             ${pickFrom(creators, rng.r(18, sql`n`))}::uuid as created_by,
             ${londonTime(shape.firstSeen, sql`480 + ${rng.below(19, sql`n`, 600)}`)} as created_at
        from ${series(lo, hi)} n
        cross join lateral (select case when ${rng.below(2_0, sql`n + 7`, 100)} < 80 then 'male'
                                        when ${rng.below(2_0, sql`n + 7`, 100)} < 98 then 'female' else 'unknown' end as gender) g
        cross join lateral (select ${shape.today} - (18 * 365 + 30 + ${rng.below(22, sql`n`, 37 * 365)}) as date_of_birth) d
        cross join lateral (select least(extract(year from ${shape.today})::int - 1,
                                          greatest(2000, extract(year from d.date_of_birth)::int + 16) + ${rng.below(23, sql`n`, 15)}) as pnc_year) y
        cross join lateral (
          select borough,
                 case borough when 'HV' then ${sql.lit(refs.areas.HV)}::uuid when 'BD' then ${sql.lit(refs.areas.BD)}::uuid
                   else ${sql.lit(refs.areas.RB)}::uuid end as area_id,
                 ${byBorough('id')}::uuid as ward_id,
                 ${byBorough('town')}::text as ward_town
            from (select (array['HV','HV','BD','RB'])[1 + ${rng.below(24, sql`n`, 4)}] as borough) x) b
    ) s`,
  )

  // About one in eight has an alias: a misspelt surname, or a former surname for women.
  await inChunks(
    ctx,
    'aliases',
    Math.round(ctx.people * 0.13),
    (lo, hi) => sql`
    insert into person_alias (id, person_id, surname, forenames, created_at)
    select ${rng.id('pa', sql`n * 4 + k`)}, ${rng.id('p', sql`n`)},
           case when k = 1 then ${pickFrom(surnames, rng.r(31, sql`n`))}
                else ${pickFrom(surnames, rng.r(3, sql`n`))} end,
           ${pickFrom(textArray(words.maleNames), rng.r(32, sql`n * 4 + k`))},
           ${londonTime(shape.firstSeen, sql`600`)}
      from ${series(lo, hi)} n
      cross join generate_series(0, case when ${rng.below(30, sql`n`, 100)} < 11 then 0
                                         when ${rng.below(30, sql`n`, 100)} < 13 then 1 else -1 end) k`,
  )

  // About a third have warning markers; one in five of those has since ended.
  await inChunks(
    ctx,
    'warning markers',
    Math.round(ctx.people * 0.5),
    (lo, hi) => sql`
    insert into person_marker (id, person_id, marker_code, start_date, review_date, note, set_by, ended_on, ended_by, created_at)
    select ${rng.id('pm', sql`n * 4 + k`)}, ${rng.id('p', sql`n`)}, code, start_date, start_date + 365,
           'See the PNC record', ${pickFrom(uuidArray(refs.officers.iom), rng.r(41, sql`n`))}::uuid,
           case when ended then start_date + 30 + ${rng.below(42, sql`n * 4 + k`, 300)} end,  -- ended > 400 days on: in the past
           case when ended then ${pickFrom(uuidArray(refs.officers.supervisor), rng.r(43, sql`n`))}::uuid end,
           ${londonTime(sql`start_date`, sql`600`)}
      from ${series(lo, hi)} n
      cross join generate_series(0, case when ${rng.below(40, sql`n`, 100)} < 33 then ${rng.below(44, sql`n`, 3)} else -1 end) k
      cross join lateral (select (${textArray(markerCodes)})[1 + (${rng.r(45, sql`n`)} + k * 5) % ${sql.lit(markerCodes.length)}] as code,
                                 ${shape.today} - 1 - ${rng.below(46, sql`n * 4 + k`, 900)} as start_date) m
      cross join lateral (select ${shape.today} - m.start_date > 400 and ${rng.chance(47, sql`n * 4 + k`, 0.2)} as ended) e`,
  )
}
