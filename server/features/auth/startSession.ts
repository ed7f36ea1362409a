import type { Request } from 'express'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { callbackPromise } from '../../http/callbackPromise.ts'

/**
 * Signs a user in to this browser, at sign-in and after a password change. Passport regenerates
 * the session, so the id it had before and its CSRF token die here. The new session counts as
 * begun after `sessionsValidAfter`, the instant before which the user's sessions are refused (the
 * database's clock, which set it, may run ahead of ours).
 */
export async function startSession(
  req: Request,
  user: SessionUser,
  sessionsValidAfter: number | null = null,
): Promise<void> {
  await callbackPromise((done) => req.logIn(user, done))
  const now = Date.now()
  req.session.signedInAt = Math.max(now, (sessionsValidAfter ?? 0) + 1)
  req.session.lastSeenAt = now
}
