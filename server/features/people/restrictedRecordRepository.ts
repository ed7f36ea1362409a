import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { PersonVia } from '../../domain/personVia.ts'

/** The table each kind of record in a path lives in; every one but the person names its person. */
export const tableOf: Record<PersonVia, keyof Database> = {
  person: 'person',
  action: 'action',
  appointment: 'appointment',
  cidEntry: 'cid_entry',
  drugTest: 'drug_test',
  failure: 'dip_failure',
  membership: 'cohort_membership',
  partnerLink: 'partner_link',
  referral: 'referral',
}

export type PersonBehind = { personId: string; restricted: boolean; inScope: boolean }

/**
 * The person a record in the path belongs to, whether their record is restricted, and whether
 * it lies in the user's areas: one indexed lookup, whatever the route does next.
 */
export async function personBehind(
  db: Kysely<Database>,
  via: PersonVia,
  id: string,
  areaIds: readonly string[],
): Promise<PersonBehind | undefined> {
  const query =
    via === 'person'
      ? sql<PersonBehind>`select p.id as "personId", p.restricted, p.area_id = any(${sql.val([...areaIds])}::uuid[]) as "inScope"
          from person p where p.id = ${id}`
      : sql<PersonBehind>`select p.id as "personId", p.restricted, p.area_id = any(${sql.val([...areaIds])}::uuid[]) as "inScope"
          from ${sql.table(tableOf[via])} r join person p on p.id = r.person_id where r.id = ${id}`
  const { rows } = await query.execute(db)
  return rows[0]
}
