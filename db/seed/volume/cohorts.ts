import { sql } from 'kysely'
import { inChunks, series, type VolumeContext } from './context.ts'
import { pickFrom } from './random.ts'
import { londonTime, personShape, textArray, uuidArray } from './shape.ts'
import { actionDescriptions, contactNotes, declineReasons, dipReferralReasons, referralReasons } from './words.ts'
import { pathways } from '../../../server/features/people/vocabulary.ts'

/**
 * Referrals of person n: p = 0 an IOM referral (about a third of people), p = 1 a DIP referral
 * (most of those tested). Each is decided by the panel a week to five weeks on (or still
 * pending if that is not yet), and an accepted one is a membership with its dated history.
 */
function referralRows(ctx: VolumeContext, lo: number, hi: number) {
  const { rng, refs } = ctx
  const shape = personShape(ctx)
  const key = sql`n * 2 + p`
  return sql`
    select n, p, ${rng.id('r', key)} as referral_id, ${rng.id('m', key)} as membership_id, ${rng.id('p', sql`n`)} as person_id,
           programme, ref_day, decided_day,
           case when decided_day >= ${shape.today} then 'pending' when ${rng.below(52, key, 100)} < 85 then 'accepted' else 'declined' end as status,
           case when p = 0 then (array['custody','probation','probation','prison_release','court','partner_agency','neighbourhood_team'])[1 + ${rng.below(53, key, 7)}]
                else (array['custody','custody','court'])[1 + ${rng.below(53, key, 3)}] end as source,
           case when p = 0 then ${pickFrom(textArray(referralReasons), rng.r(54, key))} else ${pickFrom(textArray(dipReferralReasons), rng.r(54, key))} end as reason,
           ${pickFrom(textArray(declineReasons), rng.r(55, key))} as decline_reason,
           case when p = 1 then case when n % 1500 = 3 then ${sql.lit(refs.demo.dip)}::uuid else ${pickFrom(uuidArray(refs.officers.dip), rng.r(56, key))}::uuid end
                when n % 1500 = 0 then ${sql.lit(refs.demo.iom)}::uuid
                when n % 1500 = 750 then ${sql.lit(refs.demo.supervisor)}::uuid
                else ${pickFrom(uuidArray(refs.officers.iom), rng.r(56, key))}::uuid end as lead,
           ${pickFrom(uuidArray(refs.officers.supervisor), rng.r(57, key))}::uuid as panel,
           (array['red','amber','green'])[1 + ${rng.below(58, key, 3)}] as tier0,
           -- A tier change always changes the tier: one of the other two.
           (array['red','amber','green'])[1 + (${rng.below(58, key, 3)} + 1 + ${rng.below(59, key, 2)}) % 3] as tier1,
           ${rng.chance(60, key, 0.4)} as tier_changes,
           ${rng.below(61, key, 100)} as fate,
           ${rng.below(62, key, 400)} as length,
           ${rng.below(63, key, 96)} as score
      from ${series(lo, hi)} n
      cross join lateral (select 0 as p where ${shape.iomReferred} union all select 1 where ${shape.dipReferred}) ps
      cross join lateral (select case when p = 1 then 'dip'
                                      else (array['iom_fixed','iom_fixed','iom_fixed','iom_fixed','iom_fixed','iom_fixed','iom_flex','iom_flex','iom_flex','iom_free'])[1 + ${rng.below(51, key, 10)}] end as programme,
                                 least(${shape.firstSeen} + 5 + ${rng.below(50, key, 30)}, ${shape.today} - 1) as ref_day) x
      cross join lateral (select ref_day + 7 + ${rng.below(64, key, 28)} as decided_day) d`
}

/** The membership's end state and event days, from the referral facts. */
function membershipRows(ctx: VolumeContext, lo: number, hi: number) {
  const today = sql`${ctx.today}::date`
  return sql`
    select r.*, decided_day as adopted_on,
           case when fate < 22 and decided_day + 60 + length < ${today} then 'ended' when fate >= 90 then 'in_custody' else 'active' end as m_status,
           case when fate < 22 and decided_day + 60 + length < ${today} then decided_day + 60 + length end as ended_on,
           case when tier_changes then tier1 else tier0 end as tier
      from (${referralRows(ctx, lo, hi)}) r
     where decided_day < ${today} and status = 'accepted'`
}

export async function generateCohorts(ctx: VolumeContext): Promise<void> {
  const { rng } = ctx
  const today = sql`${ctx.today}::date`

  await inChunks(
    ctx,
    'referrals',
    Math.round(ctx.people * 0.66),
    (lo, hi) => sql`
    insert into referral (id, person_id, programme, source, reason, referred_by, referred_at, status, decided_by, decided_at, decline_reason)
    select referral_id, person_id, programme, source, reason, lead, ${londonTime(sql`ref_day`, sql`540 + n % 420`)}, status,
           case when status <> 'pending' then panel end,
           case when status <> 'pending' then ${londonTime(sql`decided_day`, sql`600`)} end,
           case when status = 'declined' then decline_reason end
      from (${referralRows(ctx, lo, hi)}) r`,
  )

  await inChunks(
    ctx,
    'cohort memberships and history',
    Math.round(ctx.people * 0.5 * 2.2),
    (lo, hi) => sql`
    with m as materialized (${membershipRows(ctx, lo, hi)}),
    inserted as (
      insert into cohort_membership (id, person_id, programme, referral_id, status, tier, lead_officer_id,
                                     selection_score, selection_method, selection_date, adopted_on, ended_on)
      select membership_id, person_id, programme, referral_id, m_status, tier, lead, 18 + score, 'rfg', ref_day + 3, adopted_on, ended_on
        from m
    )
    insert into membership_event (id, membership_id, kind, event_date, tier, lead_officer_id, deselection_reason, note, recorded_by, recorded_at)
    select ${rng.id('me', sql`(n * 2 + p) * 8 + e.k`)}, membership_id, e.kind, e.day, e.tier, e.lead, e.reason, e.note, panel,
           ${londonTime(sql`e.day`, sql`660 + e.k`)}
      from m
      cross join lateral (select coalesce(ended_on, ${today}) - adopted_on as span) s
      cross join lateral (values
        (0, 'adopted', adopted_on, tier0, lead, null, 'Score ' || (18 + score) || ' (rfg)', true),
        (1, 'tier_changed', adopted_on + span / 5, tier1, null, null, 'Reviewed at panel', tier_changes),
        (2, 'in_custody', adopted_on + span * 2 / 5, null, null, null, 'Remanded in custody', m_status = 'in_custody' or fate between 30 and 44),
        (3, 'released', adopted_on + span * 3 / 5, null, null, null, 'Released on licence', m_status <> 'in_custody' and fate between 30 and 44),
        (4, 'deselected', ended_on, null, null, (array['sustained_non_offending','long_custody','moved_away','below_threshold'])[1 + length % 4], null, m_status = 'ended')
      ) e(k, kind, day, tier, lead, reason, note, included)
     where e.included`,
  )

  // Contacts through the membership, two to nine for IOM and one to four for DIP, none after it ended.
  await inChunks(
    ctx,
    'contacts',
    Math.round(ctx.people * 2.2),
    (lo, hi) => sql`
    insert into contact (id, person_id, contact_date, contact_type, pathway, note, recorded_by, recorded_at)
    select ${rng.id('c', sql`(n * 2 + p) * 16 + k`)}, person_id, day,
           (array['home_visit','home_visit','phone','phone','office','other'])[1 + ${rng.below(71, sql`(n * 2 + p) * 16 + k`, 6)}],
           case when p = 1 then 'drugs_alcohol' else ${pickFrom(textArray([...pathways]), rng.r(72, sql`(n * 2 + p) * 16 + k`))} end,
           ${pickFrom(textArray(contactNotes), rng.r(73, sql`(n * 2 + p) * 16 + k`))}, lead, ${londonTime(sql`day`, sql`540 + k * 17`)}
      from (${membershipRows(ctx, lo, hi)}) m
      cross join generate_series(0, case when p = 0 then 1 + ${rng.below(70, sql`n * 2 + p`, 8)} else ${rng.below(70, sql`n * 2 + p`, 4)} end) k
      cross join lateral (select adopted_on + 1 + ${rng.below(74, sql`(n * 2 + p) * 16 + k`, 10_000)}
                                 % greatest(1, coalesce(ended_on, ${today}) - adopted_on - 1) as day) d`,
  )

  // Actions for current members: overdue, due today, and ahead; older ones done.
  await inChunks(
    ctx,
    'actions',
    Math.round(ctx.people * 0.5),
    (lo, hi) => sql`
    insert into action (id, person_id, description, owner_id, due_date, pathway, status, completed_on, created_by, created_at)
    select ${rng.id('ac', sql`(n * 2 + p) * 4 + k`)}, person_id, ${pickFrom(textArray(actionDescriptions), rng.r(81, sql`(n * 2 + p) * 4 + k`))},
           lead, due, ${pickFrom(textArray([...pathways]), rng.r(82, sql`(n * 2 + p) * 4 + k`))},
           case when done then 'done' else 'open' end, case when done then due - 1 end, panel,
           ${londonTime(sql`greatest(adopted_on, least(due, ${today}) - 14)`, sql`600`)}
      from (${membershipRows(ctx, lo, hi)}) m
      cross join generate_series(0, ${rng.below(80, sql`n * 2 + p`, 4)} - 1) k
      cross join lateral (select greatest(adopted_on + 7, ${today} - 60 + ${rng.below(83, sql`(n * 2 + p) * 4 + k`, 90)}) as due) d
      cross join lateral (select due < ${today} and ${rng.chance(84, sql`(n * 2 + p) * 4 + k`, 0.7)} as done) x
     where m_status <> 'ended'`,
  )
}
