import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { burnVerification, verifyPassword } from '../../auth/passwords.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import {
  findActiveSessionUser,
  findUserByUsername,
  recordSuccessfulSignIn,
  reserveSignInAttempt,
} from '../users/usersRepository.ts'

export type SignInPolicy = { lockoutThreshold: number; lockoutMs: number }
export type SignInResult = { ok: true; user: SessionUser } | { ok: false }

export type SignInService = ReturnType<typeof createSignInService>

export function createSignInService(db: Kysely<Database>, policy: SignInPolicy) {
  // How long a password check takes here, kept as a moving average: a refusal that checks nothing
  // waits this long, so a locked account answers no sooner than a wrong password does.
  let typicalCheckMs = 50

  async function checkPassword(hash: string, password: string): Promise<boolean> {
    const started = performance.now()
    const matches = await verifyPassword(hash, password)
    typicalCheckMs = typicalCheckMs * 0.8 + (performance.now() - started) * 0.2
    return matches
  }

  const waitAsLongAsACheck = () => new Promise((resolve) => setTimeout(resolve, typicalCheckMs))

  async function refuse(actor: Actor, reason: 'disabled' | 'locked'): Promise<SignInResult> {
    await waitAsLongAsACheck()
    await recordAudit(db, actor, { category: 'security', event: 'sign_in.failed', detail: { reason } })
    return { ok: false }
  }

  /**
   * Every failure looks the same to the caller (same answer, about the same time), so nobody can
   * learn which usernames exist; the audit log keeps the real reason. An attempt on an account
   * takes its place in the account's allowance before the password is checked, so however many
   * guesses arrive at once, no more than the lockout threshold are ever checked.
   */
  async function signIn(username: string, password: string, actor: Actor): Promise<SignInResult> {
    const user = await findUserByUsername(db, username)
    if (!user) {
      await burnVerification(password)
      await recordAudit(
        db,
        { ...actor, username: null },
        {
          category: 'security',
          event: 'sign_in.failed',
          detail: { reason: 'unknown_user', attempted: username.slice(0, 64) },
        },
      )
      return { ok: false }
    }
    const userActor: Actor = { ...actor, userId: user.id, username: user.username }
    if (user.disabled_at !== null) return refuse(userActor, 'disabled')

    const attempt = await reserveSignInAttempt(db, user.id, policy.lockoutThreshold, policy.lockoutMs)
    if (!attempt) return refuse(userActor, 'locked')

    if (await checkPassword(user.password_hash, password)) {
      return db.transaction().execute(async (trx) => {
        await recordSuccessfulSignIn(trx, user.id)
        await recordAudit(trx, userActor, { category: 'security', event: 'sign_in.succeeded' })
        const sessionUser = await findActiveSessionUser(trx, user.id)
        return sessionUser ? { ok: true as const, user: sessionUser } : { ok: false as const }
      })
    }

    // The failure was counted when the attempt was reserved; what is left is to record it.
    await db.transaction().execute(async (trx) => {
      await recordAudit(trx, userActor, {
        category: 'security',
        event: 'sign_in.failed',
        detail: { reason: 'wrong_password' },
      })
      if (attempt.locksOnFailure) {
        await recordAudit(trx, userActor, {
          category: 'security',
          event: 'account.locked',
          entityType: 'user',
          entityId: user.id,
          detail: { failedSignIns: attempt.failedSignIns },
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
