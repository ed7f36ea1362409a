import { sql } from 'kysely'
import { inChunks, series, type VolumeContext } from './context.ts'
import { pickFrom } from './random.ts'
import { londonTime, uuidArray } from './shape.ts'
import { failureEventsStatement } from './dip.ts'

/**
 * Failure history, then CID entries: every failure circulated as wanted whose person had a current
 * violent or weapons marker by then went to CID. Open ones are mostly countersigned, some still
 * proposed or rejected; later ones carry the failure's outcome. Read back per range of people.
 */
export async function generateCid(ctx: VolumeContext): Promise<void> {
  const { rng } = ctx
  const today = sql`${ctx.today}::date`
  const supervisors = uuidArray(ctx.refs.officers.supervisor)
  const dipWorkers = uuidArray(ctx.refs.officers.dip)
  const cidOfficers = uuidArray(ctx.refs.officers.cid)

  await inChunks(ctx, 'DIP failure history', Math.round(ctx.people * 1.5), (lo, hi) =>
    failureEventsStatement(ctx, lo, hi),
  )

  await inChunks(
    ctx,
    'CID entries and history',
    Math.round(ctx.people * 0.06),
    (lo, hi) => sql`
    with c as materialized (
      select f.id as failure_id, f.person_id, f.section, f.wanted_since, f.wanted_reference, roll,
             md5(${sql.lit(`vol${rng.seed}:ce:`)} || f.id)::uuid as entry_id,
             case when f.status = 'wanted' then (array['countersigned','countersigned','countersigned','countersigned','countersigned',
                    'countersigned','countersigned','proposed','proposed','rejected'])[1 + roll % 10]
                  else f.status end as status
        from (select ${rng.id('p', sql`n`)} as person_id from ${series(lo, hi)} n) p
        join dip_failure f on f.person_id = p.person_id
        cross join lateral (select abs(hashtext(f.id::text)) as roll) r
       where f.wanted_since is not null
         and exists (select 1 from person_marker m where m.person_id = f.person_id and m.ended_on is null
                       and m.marker_code in ('violent', 'weapons') and m.start_date <= f.wanted_since)
    ),
    entries as (
      insert into cid_entry (id, failure_id, person_id, source, reason, proposed_by, proposed_at, status, decided_by, decided_at, rationale)
      select entry_id, failure_id, person_id, case when roll % 10 = 0 then 'manual' else 'system' end,
             'Wanted for an ' || section || ' DIP failure, with a current violent or weapons marker',
             case when roll % 10 = 0 then ${pickFrom(dipWorkers, sql`roll`)}::uuid end,
             ${londonTime(sql`least(${today}, wanted_since + 1)`, sql`540`)}, status,
             case when status <> 'proposed' then ${pickFrom(supervisors, sql`roll`)}::uuid end,
             case when status <> 'proposed' then ${londonTime(sql`least(${today}, wanted_since + 2)`, sql`600`)} end,
             case when status = 'rejected' then 'Not a priority: no violence in the last two years'
                  when status <> 'proposed' then 'Violent history and wanted: CID to locate' end
        from c
    )
    insert into cid_entry_event (id, entry_id, kind, event_date, reference, note, recorded_by, recorded_at)
    select md5(entry_id::text || e.kind)::uuid, entry_id, e.kind, e.day, e.reference, null, e.by, ${londonTime(sql`e.day`, sql`780`)}
      from c
      cross join lateral (values
        ('proposed', least(${today}, wanted_since + 1), null::text, null::uuid, true),
        (case when status = 'rejected' then 'rejected' else 'countersigned' end, least(${today}, wanted_since + 2), null,
          ${pickFrom(supervisors, sql`roll`)}::uuid, status <> 'proposed'),
        (status, least(${today}, wanted_since + 20), wanted_reference, ${pickFrom(cidOfficers, sql`roll`)}::uuid,
          status not in ('proposed', 'rejected', 'countersigned'))
      ) e(kind, day, reference, by, included)
     where e.included`,
  )
}
