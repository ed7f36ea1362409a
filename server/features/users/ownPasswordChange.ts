import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { hashPassword, passwordProblem, verifyPassword } from '../../auth/passwords.ts'
import { done, invalidResult, notFoundResult, type WriteResult } from '../../domain/writeResult.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import * as repo from './usersRepository.ts'

export type OwnPasswordChange = { currentPassword: string; newPassword: string }

/** What a changed password answers: the instant before which the user's sessions are now refused. */
export type PasswordChanged = { sessionsValidAfter: number | null }

const wrongCurrentPassword = invalidResult('currentPassword', 'Your current password is not correct')

/**
 * A signed-in user chooses their own password. The current one proves it is them (a session left
 * open is not enough); a wrong one is a security event in the audit log. On success every session
 * of theirs ends, this one included: the caller starts a fresh one, as a sign-in does.
 */
export async function changeOwnPassword(
  db: Kysely<Database>,
  userId: string,
  input: OwnPasswordChange,
  actor: Actor,
): Promise<WriteResult<PasswordChanged>> {
  const user = await repo.findUserById(db, userId)
  if (!user || user.disabled_at !== null) return notFoundResult
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    await recordAudit(db, actor, {
      category: 'security',
      event: 'password.change_refused',
      entityType: 'user',
      entityId: userId,
      detail: { reason: 'wrong_current_password' },
    })
    return wrongCurrentPassword
  }
  const problem = await passwordProblem(input.newPassword, user.username)
  if (problem) return invalidResult('newPassword', problem)

  const newHash = await hashPassword(input.newPassword)
  return db.transaction().execute(async (trx): Promise<WriteResult<PasswordChanged>> => {
    if (!(await repo.replaceOwnPassword(trx, userId, user.password_hash, newHash))) {
      // Reset by an administrator since it was checked: the password typed is no longer the current one.
      return wrongCurrentPassword
    }
    const sessionsEnded = await repo.deleteSessionsOfUser(trx, userId)
    await recordAudit(trx, actor, {
      category: 'security',
      event: 'password.changed',
      entityType: 'user',
      entityId: userId,
      detail: { forced: user.must_change_password, sessionsEnded },
    })
    return done({ sessionsValidAfter: await repo.sessionsValidAfterOf(trx, userId) })
  })
}
