import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { hashPassword, passwordProblem } from '../../auth/passwords.ts'
import { can, type SessionUser } from '../../auth/sessionUser.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import type { CreateUserInput, EditUserInput } from './usersSchemas.ts'
import { changeOwnPassword, type OwnPasswordChange } from './ownPasswordChange.ts'
import * as repo from './usersRepository.ts'

export type UserChangeResult =
  | { ok: true; id: string }
  | { ok: false; kind: 'invalid'; field: string; message: string }
  | { ok: false; kind: 'stale'; current: NonNullable<Awaited<ReturnType<typeof repo.findUserById>>> }
  | { ok: false; kind: 'notFound' }

export type UsersService = ReturnType<typeof createUsersService>

/** Administrators manage accounts force-wide; anyone else sees the accounts that share one of their areas. */
export function userScopeOf(viewer: SessionUser): repo.UserScope {
  return can(viewer, 'users.manage') ? 'all' : { areaIds: viewer.visibleAreaIds }
}

/** Administrators' work on accounts. Each change and its audit row commit together. */
export function createUsersService(db: Kysely<Database>) {
  async function knownAreaIds(ids: readonly string[]): Promise<boolean> {
    if (ids.length === 0) return true
    const rows = await db.selectFrom('area').select('id').where('id', 'in', [...ids]).execute()
    return rows.length === new Set(ids).size
  }

  async function create(input: CreateUserInput, actor: Actor): Promise<UserChangeResult> {
    const problem = await passwordProblem(input.password, input.username)
    if (problem) return { ok: false, kind: 'invalid', field: 'password', message: problem }
    if (await repo.findUserByUsername(db, input.username)) {
      return { ok: false, kind: 'invalid', field: 'username', message: 'That username is already taken' }
    }
    if (!(await knownAreaIds(input.areaIds))) {
      return { ok: false, kind: 'invalid', field: 'areaIds', message: 'Select areas from the list' }
    }
    const passwordHash = await hashPassword(input.password)
    const id = await db.transaction().execute(async (trx) => {
      const newId = await repo.insertUser(trx, {
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        agency: input.agency,
        passwordHash,
      })
      await repo.replaceUserAreas(trx, newId, input.areaIds)
      await recordAudit(trx, actor, {
        category: 'administration',
        event: 'user.created',
        entityType: 'user',
        entityId: newId,
        detail: { role: input.role, agency: input.agency, areaIds: input.areaIds },
      })
      return newId
    })
    return { ok: true, id }
  }

  /** Applies a change only if the account is still at the version the administrator read. */
  async function changeAt(
    id: string,
    version: number,
    actor: Actor,
    event: string,
    changes: Parameters<typeof repo.updateUserIfVersion>[3],
    options: { areaIds?: readonly string[]; endSessions?: boolean; detail?: Record<string, unknown> } = {},
  ): Promise<UserChangeResult> {
    return db.transaction().execute(async (trx) => {
      const updated = await repo.updateUserIfVersion(trx, id, version, changes)
      if (!updated) {
        const current = await repo.findUserById(trx, id)
        return current ? { ok: false, kind: 'stale', current } : { ok: false, kind: 'notFound' }
      }
      if (options.areaIds) await repo.replaceUserAreas(trx, id, options.areaIds)
      const sessionsEnded = options.endSessions ? await repo.deleteSessionsOfUser(trx, id) : 0
      await recordAudit(trx, actor, {
        category: 'administration',
        event,
        entityType: 'user',
        entityId: id,
        detail: { ...options.detail, ...(options.endSessions ? { sessionsEnded } : {}) },
      })
      return { ok: true, id }
    })
  }

  async function edit(id: string, input: EditUserInput, actor: Actor): Promise<UserChangeResult> {
    if (!(await knownAreaIds(input.areaIds))) {
      return { ok: false, kind: 'invalid', field: 'areaIds', message: 'Select areas from the list' }
    }
    return changeAt(
      id,
      input.version,
      actor,
      'user.updated',
      { display_name: input.displayName, role: input.role, agency: input.agency },
      // A change of role or areas changes what the user may see: end their sessions so it applies at once.
      { areaIds: input.areaIds, endSessions: true, detail: { role: input.role, agency: input.agency, areaIds: input.areaIds } },
    )
  }

  async function resetPassword(id: string, password: string, version: number, actor: Actor): Promise<UserChangeResult> {
    const user = await repo.findUserById(db, id)
    if (!user) return { ok: false, kind: 'notFound' }
    const problem = await passwordProblem(password, user.username)
    if (problem) return { ok: false, kind: 'invalid', field: 'password', message: problem }
    const passwordHash = await hashPassword(password)
    // The administrator knows this password now: the user must choose their own at their next sign-in.
    const changes = { password_hash: passwordHash, failed_sign_ins: 0, locked_until: null, must_change_password: true }
    return changeAt(id, version, actor, 'user.password_reset', changes, { endSessions: true, detail: { mustChangePassword: true } })
  }

  function disable(id: string, version: number, actor: Actor) {
    return changeAt(id, version, actor, 'user.disabled', { disabled_at: new Date() }, { endSessions: true })
  }

  function enable(id: string, version: number, actor: Actor) {
    return changeAt(id, version, actor, 'user.enabled', { disabled_at: null, failed_sign_ins: 0, locked_until: null })
  }

  function unlock(id: string, version: number, actor: Actor) {
    return changeAt(id, version, actor, 'user.unlocked', { failed_sign_ins: 0, locked_until: null })
  }

  return {
    create,
    edit,
    resetPassword,
    disable,
    enable,
    unlock,
    changeOwnPassword: (userId: string, input: OwnPasswordChange, actor: Actor) => changeOwnPassword(db, userId, input, actor),
    list: (viewer: SessionUser, page: { limit: number; offset: number }) => repo.listUsers(db, page, userScopeOf(viewer)),
    count: (viewer: SessionUser) => repo.countUsers(db, userScopeOf(viewer)),
    /** The accounts a viewer may look up (the user activity list), and one of them by id. */
    visibleTo: (viewer: SessionUser) => repo.listUserNames(db, userScopeOf(viewer)),
    findVisibleTo: (viewer: SessionUser, id: string) => repo.findUserInScope(db, id, userScopeOf(viewer)),
    find: (id: string) => repo.findUserById(db, id),
    areas: () => repo.listAreas(db),
  }
}
