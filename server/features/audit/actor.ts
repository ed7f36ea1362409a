import type { Request } from 'express'
import type { Actor } from './auditRepository.ts'

export function actorFrom(req: Request): Actor {
  return {
    userId: req.user?.id ?? null,
    username: req.user?.username ?? null,
    requestId: req.id,
    ip: req.ip ?? null,
    idempotency: req.idempotency,
  }
}

export const systemActor: Actor = { userId: null, username: 'system', requestId: null, ip: null }
