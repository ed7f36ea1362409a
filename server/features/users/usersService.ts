import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { hashPassword, passwordProblem } from '../../auth/passwords.ts'
import { can, type SessionUser } from '../../auth/sessionUser.ts'
import { done, invalidResult, notFoundResult, type WriteResult } from '../../domain/writeResult.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import type { CreateUserInput, EditUserInput } from './usersSchemas.ts'
import { changeOwnPassword, type OwnPasswordChange } from './ownPasswordChange.ts'
import * as repo from './usersRepository.ts'

/** An account as an administrator's change finds it (with its areas). */
export type UserRecord = NonNullable<Awaited<ReturnType<typeof repo.findUserById>>>

/** A change to an account: refused as stale with the account as it now stands, for the conflict page. */
type AccountChange = WriteResult<string, UserRecord>

export type UsersService = ReturnType<typeof createUsersService>

/** Administrators manage accounts force-wide; anyone else sees the accounts that share one of their areas. */
export function userScopeOf(viewer: SessionUser): repo.UserScope {
  return can(viewer, 'users.manage') ? 'all' : { areaIds: viewer.visibleAreaIds }
}

const unknownAreas = invalidResult('areaIds', 'Select areas from the list')

/** Administrators' work on accounts. Each change and its audit row commit together. */
export function createUsersService(db: Kysely<Database>) {
  async function knownAreaIds(ids: readonly string[]): Promise<boolean> {
    if (ids.length === 0) return true
    const rows = await db
      .selectFrom('area')
      .select('id')
      .where('id', 'in', [...ids])
      .execute()
    return rows.length === new Set(ids).size
  }

  async function create(input: CreateUserInput, actor: Actor): Promise<WriteResult> {
    const problem = await passwordProblem(input.password, input.username)
    if (problem) return invalidResult('password', problem)
    if (await repo.findUserByUsername(db, input.username))
      return invalidResult('username', 'That username is already taken')
    if (!(await knownAreaIds(input.areaIds))) return unknownAreas
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
    return done(id)
  }

  /** Applies a change only if the account is still at the version the administrator read. */
  async function changeAt(
    id: string,
    version: number,
    actor: Actor,
    event: string,
    changes: Parameters<typeof repo.updateUserIfVersion>[3],
    options: { areaIds?: readonly string[]; endSessions?: boolean; detail?: Record<string, unknown> } = {},
  ): Promise<AccountChange> {
    return db.transaction().execute(async (trx): Promise<AccountChange> => {
      const updated = await repo.updateUserIfVersion(trx, id, version, changes)
      if (!updated) {
        const current = await repo.findUserById(trx, id)
        return current ? { ok: false, kind: 'stale', current } : notFoundResult
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
      return done(id)
    })
  }

  async function edit(id: string, input: EditUserInput, actor: Actor): Promise<AccountChange> {
    if (!(await knownAreaIds(input.areaIds))) return unknownAreas
    return changeAt(
      id,
      input.version,
      actor,
      'user.updated',
      { display_name: input.displayName, role: input.role, agency: input.agency },
      // A change of role or areas changes what the user may see: end their sessions so it applies at once.
      {
        areaIds: input.areaIds,
        endSessions: true,
        detail: { role: input.role, agency: input.agency, areaIds: input.areaIds },
      },
    )
  }

  async function resetPassword(id: string, password: string, version: number, actor: Actor): Promise<AccountChange> {
    const user = await repo.findUserById(db, id)
    if (!user) return notFoundResult
    const problem = await passwordProblem(password, user.username)
    if (problem) return invalidResult('password', problem)
    const passwordHash = await hashPassword(password)
    // The administrator knows this password now: the user must choose their own at their next sign-in.
    const changes = { password_hash: passwordHash, failed_sign_ins: 0, locked_until: null, must_change_password: true }
    return changeAt(id, version, actor, 'user.password_reset', changes, {
      endSessions: true,
      detail: { mustChangePassword: true },
    })
  }

  async function disable(id: string, version: number, actor: Actor): Promise<AccountChange> {
    if (id === actor.userId) return invalidResult('disable', 'You cannot disable your own account')
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
    changeOwnPassword: (userId: string, input: OwnPasswordChange, actor: Actor) =>
      changeOwnPassword(db, userId, input, actor),
    list: (viewer: SessionUser, page: { limit: number; offset: number }, status?: repo.AccountStatus) =>
      repo.listUsers(db, page, userScopeOf(viewer), status),
    count: (viewer: SessionUser, status?: repo.AccountStatus) => repo.countUsers(db, userScopeOf(viewer), status),
    /** The accounts a viewer may look up (the user activity list), and one of them by id. */
    visibleTo: (viewer: SessionUser) => repo.listUserNames(db, userScopeOf(viewer)),
    findVisibleTo: (viewer: SessionUser, id: string) => repo.findUserInScope(db, id, userScopeOf(viewer)),
    find: (id: string) => repo.findUserById(db, id),
    areas: () => repo.listAreas(db),
  }
}
