import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { hashPassword, passwordProblem, verifyPassword } from '../../auth/passwords.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import * as repo from './usersRepository.ts'

export type OwnPasswordChange = { currentPassword: string; newPassword: string }

export type OwnPasswordChangeResult =
  | { ok: true; sessionsValidAfter: number | null }
  | { ok: false; kind: 'invalid'; field: 'currentPassword' | 'newPassword'; message: string }
  | { ok: false; kind: 'notFound' }

/**
 * A signed-in user chooses their own password. The current one proves it is them (a session left
 * open is not enough); a wrong one is a security event in the audit log. On success every session
 * of theirs ends, this one included: the caller starts a fresh one, as a sign-in does.
 */
export async function changeOwnPassword(db: Kysely<Database>, userId: string, input: OwnPasswordChange, actor: Actor): Promise<OwnPasswordChangeResult> {
  const user = await repo.findUserById(db, userId)
  if (!user || user.disabled_at !== null) return { ok: false, kind: 'notFound' }
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    await recordAudit(db, actor, {
      category: 'security',
      event: 'password.change_refused',
      entityType: 'user',
      entityId: userId,
      detail: { reason: 'wrong_current_password' },
    })
    return { ok: false, kind: 'invalid', field: 'currentPassword', message: 'Your current password is not correct' }
  }
  const problem = await passwordProblem(input.newPassword, user.username)
  if (problem) return { ok: false, kind: 'invalid', field: 'newPassword', message: problem }

  const newHash = await hashPassword(input.newPassword)
  return db.transaction().execute(async (trx) => {
    if (!(await repo.replaceOwnPassword(trx, userId, user.password_hash, newHash))) {
      // Reset by an administrator since it was checked: the password typed is no longer the current one.
      return { ok: false, kind: 'invalid', field: 'currentPassword', message: 'Your current password is not correct' } as const
    }
    const sessionsEnded = await repo.deleteSessionsOfUser(trx, userId)
    await recordAudit(trx, actor, {
      category: 'security',
      event: 'password.changed',
      entityType: 'user',
      entityId: userId,
      detail: { forced: user.must_change_password, sessionsEnded },
    })
    return { ok: true, sessionsValidAfter: await repo.sessionsValidAfterOf(trx, userId) } as const
  })
}
