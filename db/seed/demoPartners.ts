import type { Insertable, Kysely } from 'kysely'
import type { Database, PartnerLinkTable } from '../types.ts'
import { addDays, addMonths } from '../../server/domain/time.ts'
import { maracRepeatFlags } from '../../server/features/partners/partnerRules.ts'

/**
 * Demo information-sharing agreements and partner case links: MASH links for the demo partner
 * user, MARAC links (one a repeat, worked out by the app's own rule), and a YOS case for a
 * 17-year-old approaching the youth-to-adult transition (YOS works with ages 10 to 17).
 */
export async function seedDemoPartners(db: Kysely<Database>, options: { today: string }): Promise<{ links: number }> {
  const { today } = options
  const admin = await db.selectFrom('app_user').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()
  const iom = await db.selectFrom('app_user').select('id').where('username', '=', 'iom').executeTakeFirstOrThrow()
  const agreements = await db
    .insertInto('sharing_agreement')
    .values([
      {
        name: 'East Area MASH information-sharing agreement 2025',
        agency: 'mash',
        categories: ['identity', 'link_details'],
        starts_on: '2025-04-01',
        created_by: admin.id,
      },
      {
        name: 'Havering, Barking & Dagenham and Redbridge MARAC protocol',
        agency: 'marac',
        categories: ['identity', 'address', 'link_details', 'iom_status'],
        starts_on: '2024-01-01',
        created_by: admin.id,
      },
      {
        name: 'East London YOS data-sharing agreement',
        agency: 'yos',
        categories: ['identity', 'link_details'],
        starts_on: '2024-06-01',
        created_by: admin.id,
      },
      {
        name: 'MASH pilot agreement 2023 (expired)',
        agency: 'mash',
        categories: ['identity'],
        starts_on: '2023-01-01',
        ends_on: '2024-12-31',
        created_by: admin.id,
      },
    ])
    .returning(['id', 'agency', 'ends_on'])
    .execute()
  const agreementFor = (agency: string) => agreements.find((a) => a.agency === agency && a.ends_on === null)?.id ?? ''

  const people = await db
    .selectFrom('person')
    .select(['id', 'date_of_birth', 'surname'])
    .orderBy('surname')
    .orderBy('forenames')
    .limit(80)
    .execute()
  const pick = (i: number) => people[i % people.length]?.id ?? ''
  const links: Insertable<PartnerLinkTable>[] = []
  const mash = (
    i: number,
    rating: 'red' | 'amber' | 'green' | 'blue',
    daysAgo: number,
    decision: string | null,
    status: 'open' | 'closed' = 'open',
  ) => ({
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
  links.push(
    mash(3, 'red', 5, 'strategy_discussion'),
    mash(7, 'amber', 20, 'social_care_assessment'),
    mash(11, 'green', 40, 'early_help'),
  )
  links.push(
    mash(15, 'amber', 2, null),
    mash(19, 'blue', 90, 'no_further_action', 'closed'),
    mash(23, 'red', 12, 'strategy_discussion'),
  )
  const marac = (i: number, role: 'victim' | 'perpetrator', dash: number, openedDaysAgo: number) => ({
    person_id: pick(i),
    agency: 'marac' as const,
    reference: `MARAC-HV-${3100 + i}`,
    opened_on: addDays(today, -openedDaysAgo),
    contact: 'Havering MARAC coordinator',
    agreement_id: agreementFor('marac'),
    marac_role: role,
    dash_score: dash,
    meeting_date: addDays(today, 16 + (i % 10)),
    idva_allocated: role === 'victim',
    next_review: addMonths(today, 3),
    repeat_referral: false,
    status: 'open' as 'open' | 'closed',
    closed_on: null as string | null,
    created_by: iom.id,
  })
  // The earlier referral of person 5 is entered after the later one: the rule goes by date, not by order of entry.
  const maracs = [marac(5, 'perpetrator', 16, 30), marac(9, 'perpetrator', 11, 60), marac(27, 'perpetrator', 18, 10)]
  maracs.push({
    ...marac(5, 'perpetrator', 15, 250),
    reference: 'MARAC-HV-2987',
    status: 'closed',
    closed_on: addDays(today, -200),
  })
  for (const personId of new Set(maracs.map((l) => l.person_id))) {
    for (const { referral, repeat } of maracRepeatFlags(maracs.filter((l) => l.person_id === personId)))
      referral.repeat_referral = repeat
  }
  links.push(...maracs)
  const youngster = await seedYosChild(db, { today, createdBy: iom.id })
  links.push({
    person_id: youngster,
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

/** A synthetic 17-year-old known to YOS, who turns 18 two months from today (the transition date). */
async function seedYosChild(db: Kysely<Database>, options: { today: string; createdBy: string }): Promise<string> {
  const area = await db.selectFrom('area').select('id').where('code', '=', 'HV').executeTakeFirstOrThrow()
  const row = await db
    .insertInto('person')
    .values({
      surname: 'Adeyemi-Clarke',
      forenames: 'Jordan',
      date_of_birth: addMonths(addMonths(options.today, 2), -18 * 12),
      gender: 'male',
      address: '3 Farnham Road, Harold Hill RM3 8ED',
      area_id: area.id,
      created_by: options.createdBy,
      created_at: `${addDays(options.today, -320)}T10:00:00Z`,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
