import type { SessionUser } from './auth/sessionUser.ts'

declare global {
  namespace Express {
    // passport attaches the signed-in user here (see auth/passport.ts deserializeUser)
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
    interface Request {
      id: string
      /** The form post's idempotency key and what it was sent to (see http/idempotency.ts). */
      idempotency?: { key: string; scope: string }
      /** The purpose stated for the restricted record this request touches (set by the restricted record gate). */
      statedPurpose?: string
      /** How many audit rows this request has written: a refused form shown again writes its consultation only if none was. */
      auditRows?: { count: number }
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    signedInAt?: number
    lastSeenAt?: number
    flash?: { kind: 'success' | 'information'; text: string }
    /** Stated purposes for opening restricted records, by person id; each lasts a short while. */
    restrictedAccess?: Record<string, { purpose: string; grantedAt: number }>
  }
}

export {}
