import { sql, type Kysely } from 'kysely'

// The last two figures the performance report still counted from their tables, DIP failures (by
// section and status, and by ward for the hot spots) and open partner links (by agency and
// rating): at 100,000 people, 51,000 failures and 5,000 links read for each report, about 140, 90
// and 45 ms. Two more tallies, kept exactly as those of the report_tallies migration are: each
// person's share beside the tally, worked out again just before commit for everyone a
// transaction touched, the difference added in key order.
//
// report_refresh keeps its name and callers: the first tallies' function becomes
// report_case_refresh, and report_refresh now calls it and then refreshes these two.

export const shareRefresh = (name: string, keys: string[]) => `
      with gone as (
        delete from report_${name}_share where person_id = any(ids)
        returning area_id, ward_id, ${keys.join(', ')}, -n as n
      ), fresh as (
        insert into report_${name}_share select * from report_${name}_shares_of(ids)
        returning area_id, ward_id, ${keys.join(', ')}, n
      ), net as (
        select area_id, ward_id, ${keys.join(', ')}, sum(n)::int as n
          from (select * from gone union all select * from fresh) change
         group by area_id, ward_id, ${keys.join(', ')}
        having sum(n) <> 0
      )
      insert into report_${name}_tally (area_id, ward_id, ${keys.join(', ')}, n)
      select * from net order by area_id, ${keys.join(', ')}, ward_id
      on conflict on constraint report_${name}_tally_key do update set n = report_${name}_tally.n + excluded.n;`

export const tallies = [
  {
    name: 'failure',
    keys: [
      ['day', 'date not null'],
      ['section', 'text not null'],
      ['status', 'text not null'],
    ],
  },
  {
    name: 'link',
    keys: [
      ['agency', 'text not null'],
      ['rating', 'text not null'],
    ],
  },
] as const

const watched = ['dip_failure', 'partner_link'] as const

export async function up(db: Kysely<any>): Promise<void> {
  for (const t of tallies) {
    const columns = t.keys.map(([k, type]) => `${k} ${type}`).join(', ')
    await sql
      .raw(
        `create table report_${t.name}_share (person_id uuid not null, area_id uuid not null, ward_id uuid, ${columns}, n integer not null)`,
      )
      .execute(db)
    await sql.raw(`create index report_${t.name}_share_person_idx on report_${t.name}_share (person_id)`).execute(db)
    await sql
      .raw(
        `create table report_${t.name}_tally (area_id uuid not null, ward_id uuid, ${columns}, n integer not null default 0,
              constraint report_${t.name}_tally_key unique nulls not distinct (area_id, ${t.keys.map(([k]) => k).join(', ')}, ward_id))`,
      )
      .execute(db)
  }

  // The rules for what counts, as the report counted them before: every failure by the day it
  // happened, its section and its status now; every open link by agency and BRAG rating (or, for
  // MARAC, the DASH score's risk level).
  await sql`
    create function report_failure_shares_of(ids uuid[]) returns setof report_failure_share language sql stable as $$
      select f.person_id, p.area_id, p.ward_id, f.failure_date, f.section, f.status, count(*)::int
        from dip_failure f join person p on p.id = f.person_id
       where f.person_id = any(ids)
       group by f.person_id, p.area_id, p.ward_id, f.failure_date, f.section, f.status
    $$`.execute(db)
  await sql`
    create function report_link_shares_of(ids uuid[]) returns setof report_link_share language sql stable as $$
      select l.person_id, p.area_id, p.ward_id, l.agency,
             coalesce(upper(l.brag_rating), case when l.dash_score >= 14 then 'High risk' when l.dash_score is not null then 'Standard' else 'None' end),
             count(*)::int
        from partner_link l join person p on p.id = l.person_id
       where l.person_id = any(ids) and l.status = 'open'
       group by 1, 2, 3, 4, 5
    $$`.execute(db)

  await sql`alter function report_refresh(uuid[]) rename to report_case_refresh`.execute(db)
  await sql`
    create function report_refresh(ids uuid[]) returns void language plpgsql as $$
    begin
      perform report_case_refresh(ids);
      ${sql.raw(
        tallies
          .map((t) =>
            shareRefresh(
              t.name,
              t.keys.map(([k]) => k),
            ),
          )
          .join('\n'),
      )}
    end
    $$`.execute(db)

  for (const table of watched) {
    for (const event of ['insert', 'update', 'delete'] as const) {
      const transition =
        event === 'insert'
          ? 'new table as new_rows'
          : event === 'delete'
            ? 'old table as old_rows'
            : 'old table as old_rows new table as new_rows'
      await sql`
        create trigger ${sql.raw(`report_${table}_${event}`)} after ${sql.raw(event)} on ${sql.raw(table)}
          referencing ${sql.raw(transition)} for each statement execute function report_mark_rows()`.execute(db)
    }
  }

  // The figures so far.
  await sql`select report_refresh(array(select distinct person_id from dip_failure union select distinct person_id from partner_link))`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of watched) {
    for (const event of ['insert', 'update', 'delete'])
      await sql`drop trigger if exists ${sql.raw(`report_${table}_${event}`)} on ${sql.raw(table)}`.execute(db)
  }
  await sql`drop function if exists report_refresh(uuid[])`.execute(db)
  await sql`alter function report_case_refresh(uuid[]) rename to report_refresh`.execute(db)
  for (const t of tallies) {
    await sql`drop function if exists ${sql.raw(`report_${t.name}_shares_of(uuid[])`)}`.execute(db)
    await sql`drop table if exists ${sql.raw(`report_${t.name}_share`)}, ${sql.raw(`report_${t.name}_tally`)}`.execute(
      db,
    )
  }
}
