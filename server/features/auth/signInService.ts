import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { burnVerification, verifyPassword } from '../../auth/passwords.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import {
  findActiveSessionUser,
  findUserByUsername,
  recordFailedSignIn,
  recordSuccessfulSignIn,
} from '../users/usersRepository.ts'

export type SignInPolicy = { lockoutThreshold: number; lockoutMs: number }
export type SignInResult = { ok: true; user: SessionUser } | { ok: false }

export type SignInService = ReturnType<typeof createSignInService>

export function createSignInService(db: Kysely<Database>, policy: SignInPolicy) {
  /**
   * Every failure looks the same to the caller (same answer, a password check either way),
   * so nobody can learn which usernames exist; the audit log keeps the real reason.
   */
  async function signIn(username: string, password: string, actor: Actor): Promise<SignInResult> {
    const user = await findUserByUsername(db, username)
    if (!user) {
      await burnVerification(password)
      await recordAudit(db, { ...actor, username: null }, {
        category: 'security',
        event: 'sign_in.failed',
        detail: { reason: 'unknown_user', attempted: username.slice(0, 64) },
      })
      return { ok: false }
    }

    const passwordMatches = await verifyPassword(user.password_hash, password)
    const now = Date.now()
    const locked = user.locked_until !== null && user.locked_until.getTime() > now
    const userActor: Actor = { ...actor, userId: user.id, username: user.username }

    if (passwordMatches && !locked && user.disabled_at === null) {
      return db.transaction().execute(async (trx) => {
        await recordSuccessfulSignIn(trx, user.id)
        await recordAudit(trx, userActor, { category: 'security', event: 'sign_in.succeeded' })
        const sessionUser = await findActiveSessionUser(trx, user.id)
        return sessionUser ? { ok: true as const, user: sessionUser } : { ok: false as const }
      })
    }

    const reason = user.disabled_at !== null ? 'disabled' : locked ? 'locked' : 'wrong_password'
    await db.transaction().execute(async (trx) => {
      await recordAudit(trx, userActor, { category: 'security', event: 'sign_in.failed', detail: { reason } })
      if (reason !== 'wrong_password') return
      const { failedSignIns, lockedNow } = await recordFailedSignIn(
        trx,
        user.id,
        policy.lockoutThreshold,
        policy.lockoutMs,
      )
      if (lockedNow) {
        await recordAudit(trx, userActor, {
          category: 'security',
          event: 'account.locked',
          entityType: 'user',
          entityId: user.id,
          detail: { failedSignIns },
        })
      }
    })
    return { ok: false }
  }

  async function recordSignOut(actor: Actor): Promise<void> {
    await recordAudit(db, actor, { category: 'security', event: 'sign_out' })
  }

  return { signIn, recordSignOut }
}
