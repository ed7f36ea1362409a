import { sql } from 'kysely'
import { maracRepeatFlags } from '../../../server/features/partners/partnerRules.ts'
import { maracReferralsQuery } from '../../../server/features/partners/partnersRepository.ts'
import { inChunks, series, type VolumeContext } from './context.ts'
import { londonTime, uuidArray } from './shape.ts'
import { pickFrom } from './random.ts'

/**
 * Partner case links under the agreements in force (one person in twenty: MASH and MARAC, YOS
 * for those aged 10 to 17 when it opened), and retain decisions for half the old untouched
 * records, some now due. MARAC repeat flags are worked out afterwards, by the app's own rule.
 */
export async function generatePartnersAndRetention(ctx: VolumeContext): Promise<void> {
  const { rng, refs } = ctx
  const today = sql`${ctx.today}::date`
  const key = sql`n`

  await inChunks(
    ctx,
    'partner links',
    Math.round(ctx.people * 0.05),
    (lo, hi) => sql`
    insert into partner_link (id, person_id, agency, reference, status, opened_on, closed_on, contact, agreement_id,
                              marac_role, dash_score, meeting_date, idva_allocated, next_review, repeat_referral,
                              yos_disposal, case_manager, transition_date,
                              brag_rating, mash_decision, decision_date, children_involved, created_by, created_at)
    select ${rng.id('pl', key)}, p.id, agency, upper(agency) || '-V${sql.raw(String(rng.seed))}-' || n,
           case when closed then 'closed' else 'open' end, opened_on, case when closed then opened_on + 30 + roll % 60 end,
           case agency when 'mash' then 'East Area MASH duty desk' when 'marac' then 'MARAC coordinator' else 'YOS case manager' end,
           case agency when 'mash' then ${sql.lit(refs.agreements.mash)}::uuid when 'marac' then ${sql.lit(refs.agreements.marac)}::uuid
             else ${sql.lit(refs.agreements.yos)}::uuid end,
           case when agency = 'marac' then (array['victim','perpetrator'])[1 + roll % 2] end,
           case when agency = 'marac' then roll % 25 end,
           case when agency = 'marac' then opened_on + 14 end,
           case when agency = 'marac' then roll % 3 = 0 end,
           case when agency = 'marac' then opened_on + 90 end,
           false,
           case when agency = 'yos' then (array['referral_order','youth_rehabilitation_order','youth_conditional_caution'])[1 + roll % 3] end,
           case when agency = 'yos' then 'YOS case manager ' || (1 + roll % 12) end,
           case when agency = 'yos' then p.date_of_birth + interval '18 years' end,
           case when agency = 'mash' then (array['blue','red','amber','green'])[1 + roll % 4] end,
           case when agency = 'mash' then (array['social_care_assessment','strategy_discussion','early_help','no_further_action'])[1 + roll % 4] end,
           case when agency = 'mash' then opened_on + 1 end,
           case when agency = 'mash' then 1 + roll % 4 end,
           ${pickFrom(uuidArray(refs.officers.iom), sql`roll`)}::uuid, ${londonTime(sql`opened_on`, sql`600`)}
      from ${series(lo, hi)} n
      join person p on p.id = ${rng.id('p', key)}
      cross join lateral (select ${rng.r(121, key)} as roll) r
      cross join lateral (select ${today} - 1 - ${rng.below(122, key, 700)} as opened_on) o
      cross join lateral (select case when p.date_of_birth > opened_on - interval '18 years'
                                       and p.date_of_birth <= opened_on - interval '10 years' and roll % 3 = 0 then 'yos'
                                      when roll % 2 = 0 then 'mash' else 'marac' end as agency) a
      cross join lateral (select roll % 10 < 3 and opened_on + 30 + roll % 60 < ${today} as closed) c
     where n % 50 <> 7 and ${rng.below(120, key, 100)} < 5`,
  )

  await flagRepeatMaracs(ctx)

  await inChunks(
    ctx,
    'retention decisions',
    Math.round(ctx.people / 100),
    (lo, hi) => sql`
    insert into retention_decision (id, person_id, decision, reason, next_review_on, decided_by, decided_at)
    select ${rng.id('rd', key)}, ${rng.id('p', key)}, 'retain', 'Linked to an open investigation: keep for review',
           ${today} - 30 + ${rng.below(131, key, 120)}, ${pickFrom(uuidArray(refs.officers.supervisor), rng.r(132, key))}::uuid,
           ${londonTime(sql`${today} - 400`, sql`600`)}
      from ${series(lo, hi)} n
     where n % 100 = 7`,
  )
}

/** Each person's MARAC referrals flagged as repeats by partnerRules.maracRepeatFlags, as the app flags them. */
async function flagRepeatMaracs(ctx: VolumeContext): Promise<void> {
  ctx.progress.step('repeat MARAC flags')
  const rows = await maracReferralsQuery(ctx.db).execute()
  const changed: Record<'true' | 'false', string[]> = { true: [], false: [] }
  for (let from = 0, to = 0; from < rows.length; from = to) {
    while (to < rows.length && rows[to]?.person_id === rows[from]?.person_id) to += 1
    for (const { referral, repeat } of maracRepeatFlags(rows.slice(from, to))) {
      if (referral.repeat_referral !== repeat) changed[repeat ? 'true' : 'false'].push(referral.id)
    }
  }
  for (const [flag, ids] of Object.entries(changed)) {
    for (let i = 0; i < ids.length; i += ctx.chunk) {
      const result = await sql`update partner_link set repeat_referral = ${flag === 'true'}
                                where id = any(${ids.slice(i, i + ctx.chunk)}::uuid[])`.execute(ctx.db)
      ctx.progress.add(Number(result.numAffectedRows ?? 0))
    }
  }
  ctx.progress.done()
}
