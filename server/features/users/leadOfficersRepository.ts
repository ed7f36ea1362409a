import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'

type Db = Kysely<Database>

/** Staff who can lead a membership in the given areas (granted one of them, or their BCU). */
export function leadOfficersQuery(db: Db, areaIds: readonly string[]) {
  return db
    .selectFrom('app_user as u')
    .select(['u.id', 'u.display_name'])
    .where('u.role', 'in', ['iom_officer', 'supervisor', 'dip_worker'])
    .where('u.disabled_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_area as ua')
          .innerJoin('area as a', (join) =>
            join.on((j) => j.or([j('a.id', '=', j.ref('ua.area_id')), j('a.parent_id', '=', j.ref('ua.area_id'))])),
          )
          .select('ua.user_id')
          .whereRef('ua.user_id', '=', 'u.id')
          .where(sql<boolean>`a.id = any(${sql.val([...areaIds])}::uuid[])`),
      ),
    )
}

export function leadOfficers(db: Db, areaIds: readonly string[]) {
  if (areaIds.length === 0) return Promise.resolve([])
  return leadOfficersQuery(db, areaIds).orderBy('u.display_name').execute()
}

/** The user is one the lead officer lists of these areas offer: whom a membership or an action may be given to. */
export async function isLeadOfficerIn(db: Db, areaIds: readonly string[], userId: string | null): Promise<boolean> {
  return (await leadOfficers(db, areaIds)).some((officer) => officer.id === userId)
}
