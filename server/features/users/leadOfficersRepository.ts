import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'

type Db = Kysely<Database>

/**
 * Staff who can lead a membership in the given areas (granted one of them, or their BCU). The
 * areas and their BCUs are worked out once, and each user is asked by key whether they hold one
 * of them, so a page of the team in name order reads its own officers from the index of names
 * (migration 20261206T1200) rather than every officer of the areas, sorted (decision 0135).
 */
export function leadOfficersQuery(db: Db, areaIds: readonly string[]) {
  const areas = sql.val([...areaIds])
  return db
    .selectFrom('app_user as u')
    .select(['u.id', 'u.display_name'])
    .where('u.role', 'in', ['iom_officer', 'supervisor', 'dip_worker'])
    .where('u.disabled_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_area as ua')
          .select('ua.user_id')
          .whereRef('ua.user_id', '=', 'u.id')
          .where(
            sql<boolean>`ua.area_id = any(array(
              select a.id from area a where a.id = any(${areas}::uuid[])
              union select a.parent_id from area a where a.id = any(${areas}::uuid[]) and a.parent_id is not null))`,
          ),
      ),
    )
}

export function leadOfficers(db: Db, areaIds: readonly string[]) {
  if (areaIds.length === 0) return Promise.resolve([])
  return leadOfficersQuery(db, areaIds).orderBy('u.display_name').execute()
}

/** The user is one the lead officer lists of these areas offer: whom a membership or an action may be given to. */
export async function isLeadOfficerIn(db: Db, areaIds: readonly string[], userId: string | null): Promise<boolean> {
  if (userId === null || areaIds.length === 0) return false
  return (await leadOfficersQuery(db, areaIds).where('u.id', '=', userId).executeTakeFirst()) !== undefined
}
