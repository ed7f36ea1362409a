import { sql, type Expression, type Kysely } from 'kysely'
import { compiledOnce } from '../../../db/compiledOnce.ts'
import type { Agency, AppUserRow, Database, Role } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { updateIfVersion } from '../../queries/updateIfVersion.ts'

type Db = Kysely<Database>

export async function findUserByUsername(db: Db, username: string): Promise<AppUserRow | undefined> {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst()
}

/** Who an account is: the signed-in user's and the users list's first columns. */
const accountColumns = ['u.id', 'u.username', 'u.display_name', 'u.role', 'u.agency'] as const

/** The signed-in user and their areas: compiled once, and prepared (planning it took longer than running it). */
const sessionUserStatement = compiledOnce(
  { id: '' },
  (db, { id }) =>
    db
      .selectFrom('app_user as u')
      .select((eb) => [
        ...accountColumns,
        'u.sessions_valid_after',
        'u.must_change_password',
        sql<SessionUser['areas']>`coalesce(
        (select json_agg(json_build_object('id', a.id, 'code', a.code, 'name', a.name) order by a.name)
           from user_area ua join area a on a.id = ua.area_id where ua.user_id = ${eb.ref('u.id')}),
        '[]'::json)`.as('areas'),
        // A user granted a BCU works in all of its boroughs.
        sql<string[]>`coalesce(
        (select array_agg(distinct a.id::text) from user_area ua
           join area a on a.id = ua.area_id or a.parent_id = ua.area_id
          where ua.user_id = ${eb.ref('u.id')}),
        '{}')`.as('visible_area_ids'),
      ])
      .where('u.id', '=', id)
      .where('u.disabled_at', 'is', null),
  { prepare: true },
)

/** One query per request: the user and their areas, or nothing if the account is gone or disabled. */
export async function findActiveSessionUser(db: Db, id: string): Promise<SessionUser | undefined> {
  const [row] = (await db.executeQuery(sessionUserStatement(db, { id }))).rows
  if (!row) return undefined
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    agency: row.agency,
    areas: row.areas,
    visibleAreaIds: row.visible_area_ids,
    sessionsValidAfter: row.sessions_valid_after?.getTime() ?? null,
    mustChangePassword: row.must_change_password,
  }
}

export type UserListRow = {
  id: string
  username: string
  display_name: string
  role: Role
  agency: Agency | null
  disabled_at: Date | null
  locked_until: Date | null
  last_sign_in_at: Date | null
  area_names: string[]
}

/**
 * Which accounts a viewer may see: every one (administrators manage accounts force-wide), or those
 * that work in at least one of the viewer's areas. Both sides widen a BCU to its boroughs, so a
 * Havering reader sees a BCU-wide colleague, and a BCU-wide reader sees Havering's officers.
 */
export type UserScope = 'all' | { areaIds: readonly string[] }

function inScope(scope: UserScope, userId: Expression<string>) {
  if (scope === 'all') return sql<boolean>`true`
  return sql<boolean>`exists (select 1 from user_area sua join area sa on sa.id = sua.area_id or sa.parent_id = sua.area_id
    where sua.user_id = ${userId} and sa.id = any(${sql.val([...scope.areaIds])}::uuid[]))`
}

export type AccountStatus = 'active' | 'locked' | 'disabled'

/**
 * Which accounts are active, locked or disabled: one statement of it for the users list's filter
 * and the home page's counts, so a count and the list it links to cannot disagree.
 */
export function accountIs(status: AccountStatus, user: string) {
  if (status === 'locked') return sql<boolean>`${sql.ref(`${user}.locked_until`)} > now()`
  if (status === 'disabled') return sql<boolean>`${sql.ref(`${user}.disabled_at`)} is not null`
  return sql<boolean>`${sql.ref(`${user}.disabled_at`)} is null`
}

const withStatus = (status: AccountStatus | undefined) => (status ? accountIs(status, 'u') : sql<boolean>`true`)

export async function listUsers(
  db: Db,
  page: { limit: number; offset: number },
  scope: UserScope,
  status?: AccountStatus,
): Promise<UserListRow[]> {
  return db
    .selectFrom('app_user as u')
    .where((eb) => inScope(scope, eb.ref('u.id')))
    .where(withStatus(status))
    .select((eb) => [
      ...accountColumns,
      'u.disabled_at',
      'u.locked_until',
      'u.last_sign_in_at',
      sql<string[]>`coalesce(
        (select array_agg(a.name order by a.name) from user_area ua join area a on a.id = ua.area_id
          where ua.user_id = ${eb.ref('u.id')}), '{}')`.as('area_names'),
    ])
    .orderBy(sql`lower(u.username)`)
    .limit(page.limit)
    .offset(page.offset)
    .execute()
}

export async function countUsers(db: Db, scope: UserScope, status?: AccountStatus): Promise<number> {
  const row = await db
    .selectFrom('app_user as u')
    .where((eb) => inScope(scope, eb.ref('u.id')))
    .where(withStatus(status))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The accounts a viewer may look up by name (the user activity list), in username order. */
export async function listUserNames(db: Db, scope: UserScope) {
  return db
    .selectFrom('app_user as u')
    .where((eb) => inScope(scope, eb.ref('u.id')))
    .select(['u.id', 'u.username', 'u.display_name', 'u.role'])
    .orderBy(sql`lower(u.username)`)
    .execute()
}

/** One account, if the viewer may see it: outside their scope it is not found, as a record would be. */
export async function findUserInScope(db: Db, id: string, scope: UserScope): Promise<AppUserRow | undefined> {
  return db
    .selectFrom('app_user as u')
    .selectAll('u')
    .where('u.id', '=', id)
    .where((eb) => inScope(scope, eb.ref('u.id')))
    .executeTakeFirst()
}

export async function findUserById(db: Db, id: string): Promise<(AppUserRow & { area_ids: string[] }) | undefined> {
  return db
    .selectFrom('app_user as u')
    .selectAll('u')
    .select((eb) => [
      sql<
        string[]
      >`coalesce((select array_agg(ua.area_id::text) from user_area ua where ua.user_id = ${eb.ref('u.id')}), '{}')`.as(
        'area_ids',
      ),
    ])
    .where('u.id', '=', id)
    .executeTakeFirst()
}

export async function listAreas(db: Db) {
  return db
    .selectFrom('area')
    .select(['id', 'code', 'name', 'kind', 'parent_id'])
    .orderBy('kind')
    .orderBy('name')
    .execute()
}

export async function insertUser(
  db: Db,
  user: { username: string; displayName: string; role: Role; agency: Agency | null; passwordHash: string },
): Promise<string> {
  const row = await db
    .insertInto('app_user')
    .values({
      username: user.username,
      display_name: user.displayName,
      role: user.role,
      agency: user.agency,
      password_hash: user.passwordHash,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function replaceUserAreas(db: Db, userId: string, areaIds: readonly string[]): Promise<void> {
  await db.deleteFrom('user_area').where('user_id', '=', userId).execute()
  if (areaIds.length > 0) {
    await db
      .insertInto('user_area')
      .values(areaIds.map((areaId) => ({ user_id: userId, area_id: areaId })))
      .execute()
  }
}

/** Updates only if the row is still at the version the editor read; returns false when it moved on. */
export function updateUserIfVersion(
  db: Db,
  id: string,
  version: number,
  changes: {
    display_name?: string
    role?: Role
    agency?: Agency | null
    password_hash?: string
    disabled_at?: Date | null
    locked_until?: Date | null
    failed_sign_ins?: number
    must_change_password?: boolean
  },
): Promise<boolean> {
  return updateIfVersion(db, 'app_user', { id, version }, { ...changes, updated_at: sql<Date>`now()` })
}

/**
 * Takes one attempt from the account's allowance before its password is checked: one UPDATE
 * that refuses (returns nothing) while the account is locked, so parallel guesses cannot all be
 * checked. The attempt that fills the allowance locks the account at once; a right password
 * then unlocks it (recordSuccessfulSignIn), a wrong one leaves it locked. A lock whose cool-down
 * has passed starts the count again.
 */
export async function reserveSignInAttempt(
  db: Db,
  id: string,
  threshold: number,
  lockoutMs: number,
): Promise<{ failedSignIns: number; locksOnFailure: boolean } | undefined> {
  const counted = sql<number>`case when locked_until <= now() then 1 else failed_sign_ins + 1 end`
  const row = await db
    .updateTable('app_user')
    .set({
      failed_sign_ins: counted,
      locked_until: sql`case when ${counted} >= ${threshold} then now() + make_interval(secs => ${lockoutMs / 1000}) end`,
    })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', sql<Date>`now()`)]))
    .returning(['failed_sign_ins'])
    .executeTakeFirst()
  return row && { failedSignIns: row.failed_sign_ins, locksOnFailure: row.failed_sign_ins >= threshold }
}

export async function recordSuccessfulSignIn(db: Db, id: string): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ failed_sign_ins: 0, locked_until: null, last_sign_in_at: sql`now()` })
    .where('id', '=', id)
    .execute()
}

/**
 * A user's own new password, only if the hash is still the one their current password was checked
 * against: a reset by an administrator in the meantime wins. Moves the version, so an
 * administrator's form read before it gets the conflict page.
 */
export async function replaceOwnPassword(db: Db, id: string, checkedHash: string, newHash: string): Promise<boolean> {
  const result = await db
    .updateTable('app_user')
    .set({ password_hash: newHash, must_change_password: false, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('password_hash', '=', checkedHash)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** The instant before which a user's sessions are refused, in epoch milliseconds. */
export async function sessionsValidAfterOf(db: Db, id: string): Promise<number | null> {
  const row = await db.selectFrom('app_user').select('sessions_valid_after').where('id', '=', id).executeTakeFirst()
  return row?.sessions_valid_after?.getTime() ?? null
}

/**
 * Ends every session of a user at once: the session rows carry the passport user id, and the
 * revocation instant refuses any session a request in flight saves again afterwards.
 */
export async function deleteSessionsOfUser(db: Db, userId: string): Promise<number> {
  await db
    .updateTable('app_user')
    .set({ sessions_valid_after: sql`now()` })
    .where('id', '=', userId)
    .execute()
  const result = await db
    .deleteFrom('session')
    .where(sql`(sess::jsonb -> 'passport' ->> 'user')`, '=', userId)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
