import type { Request } from 'express'
import { clientRequestIdOf } from '../../http/security.ts'
import type { Actor } from './auditRepository.ts'

export function actorFrom(req: Request): Actor {
  return {
    userId: req.user?.id ?? null,
    username: req.user?.username ?? null,
    requestId: req.id,
    clientRequestId: clientRequestIdOf(req),
    ip: req.ip ?? null,
    idempotency: req.idempotency,
    purpose: req.statedPurpose,
    rowsWritten: (req.auditRows ??= { count: 0 }),
  }
}

export const systemActor: Actor = { userId: null, username: 'system', requestId: null, ip: null }
