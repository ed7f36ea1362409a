import type { Insertable, Kysely } from 'kysely'
import type { Database, PartnerLinkTable } from '../types.ts'
import { addDays, addMonths } from '../../server/http/dates.ts'

/**
 * Demo information-sharing agreements and partner case links: MASH links for the demo partner
 * user, MARAC links (one a repeat), and a YOS case for a young adult approaching transition.
 */
export async function seedDemoPartners(db: Kysely<Database>, options: { today: string }): Promise<{ links: number }> {
  const { today } = options
  const admin = await db.selectFrom('app_user').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()
  const iom = await db.selectFrom('app_user').select('id').where('username', '=', 'iom').executeTakeFirstOrThrow()
  const agreements = await db
    .insertInto('sharing_agreement')
    .values([
      { name: 'East Area MASH information-sharing agreement 2025', agency: 'mash', categories: ['identity', 'link_details'], starts_on: '2025-04-01', created_by: admin.id },
      { name: 'Havering, Barking & Dagenham and Redbridge MARAC protocol', agency: 'marac', categories: ['identity', 'address', 'link_details', 'iom_status'], starts_on: '2024-01-01', created_by: admin.id },
      { name: 'East London YOS data-sharing agreement', agency: 'yos', categories: ['identity', 'link_details'], starts_on: '2024-06-01', created_by: admin.id },
      { name: 'MASH pilot agreement 2023 (expired)', agency: 'mash', categories: ['identity'], starts_on: '2023-01-01', ends_on: '2024-12-31', created_by: admin.id },
    ])
    .returning(['id', 'agency', 'ends_on'])
    .execute()
  const agreementFor = (agency: string) => agreements.find((a) => a.agency === agency && a.ends_on === null)?.id ?? ''

  const people = await db.selectFrom('person').select(['id', 'date_of_birth', 'surname']).orderBy('surname').orderBy('forenames').limit(80).execute()
  const pick = (i: number) => people[i % people.length]?.id ?? ''
  const links: Insertable<PartnerLinkTable>[] = []
  const mash = (i: number, rating: 'red' | 'amber' | 'green' | 'blue', daysAgo: number, decision: string | null, status: 'open' | 'closed' = 'open') => ({
    person_id: pick(i),
    agency: 'mash' as const,
    reference: `MASH-${24000 + i}`,
    status,
    opened_on: addDays(today, -daysAgo),
    closed_on: status === 'closed' ? addDays(today, -Math.floor(daysAgo / 2)) : null,
    contact: 'East Area MASH duty desk',
    agreement_id: agreementFor('mash'),
    brag_rating: rating,
    mash_decision: decision,
    decision_date: decision ? addDays(today, -daysAgo + 1) : null,
    children_involved: (i % 3) + 1,
    created_by: iom.id,
  })
  links.push(mash(3, 'red', 5, 'strategy_discussion'), mash(7, 'amber', 20, 'social_care_assessment'), mash(11, 'green', 40, 'early_help'))
  links.push(mash(15, 'amber', 2, null), mash(19, 'blue', 90, 'no_further_action', 'closed'), mash(23, 'red', 12, 'strategy_discussion'))
  const marac = (i: number, role: 'victim' | 'perpetrator', dash: number, openedDaysAgo: number, repeat: boolean) => ({
    person_id: pick(i),
    agency: 'marac' as const,
    reference: `MARAC-HV-${3100 + i}${repeat ? 'R' : ''}`,
    opened_on: addDays(today, -openedDaysAgo),
    contact: 'Havering MARAC coordinator',
    agreement_id: agreementFor('marac'),
    marac_role: role,
    dash_score: dash,
    meeting_date: addDays(today, 16 + (i % 10)),
    idva_allocated: role === 'victim',
    next_review: addMonths(today, 3),
    repeat_referral: repeat,
    status: 'open' as const,
    created_by: iom.id,
  })
  links.push(marac(5, 'perpetrator', 16, 30, true), marac(9, 'perpetrator', 11, 60, false), marac(27, 'perpetrator', 18, 10, false))
  links.push({ ...marac(5, 'perpetrator', 15, 250, false), reference: 'MARAC-HV-2987', status: 'closed' as const, closed_on: addDays(today, -200) })
  links.push({
    person_id: pick(31),
    agency: 'yos' as const,
    reference: 'YOS-EL-7781',
    opened_on: addDays(today, -300),
    contact: 'East London YOS',
    agreement_id: agreementFor('yos'),
    yos_disposal: 'referral_order',
    case_manager: 'Priya Shah (YOS case manager)',
    transition_date: addMonths(today, 2),
    status: 'open' as const,
    created_by: iom.id,
  })
  await db.insertInto('partner_link').values(links).execute()
  return { links: links.length }
}
