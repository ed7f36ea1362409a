import { randomBytes, randomUUID } from 'node:crypto'
import type { Request, RequestHandler } from 'express'
import helmet from 'helmet'

/** The shape a client's X-Request-Id must have to be kept: a uuid passes; line breaks, quotes, markup and long strings do not. */
export const clientRequestIdPattern = /^[A-Za-z0-9._-]{8,64}$/

const clientIds = new WeakMap<Request, string>()

/**
 * Gives every request the server's own id (a uuid), for logs, audit rows and the X-Request-Id
 * response header. A client's or proxy's X-Request-Id never replaces it, since anyone can send
 * one: it is kept beside it, for tracing across systems, and only when it has the strict shape.
 */
export const requestId: RequestHandler = (req, res, next) => {
  req.id = randomUUID()
  const incoming = req.get('x-request-id')
  if (incoming !== undefined && clientRequestIdPattern.test(incoming)) clientIds.set(req, incoming)
  res.setHeader('X-Request-Id', req.id)
  next()
}

/** The X-Request-Id the client sent, if it had the accepted shape. */
export function clientRequestIdOf(req: Request): string | null {
  return clientIds.get(req) ?? null
}

export const cspNonce: RequestHandler = (_req, res, next) => {
  res.locals.cspNonce = randomBytes(16).toString('base64')
  next()
}

export function securityHeaders(options: { upgradeInsecureRequests: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: [
          "'self'",
          (_req, res) => `'nonce-${(res as unknown as { locals: { cspNonce: string } }).locals.cspNonce}'`,
        ],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(options.upgradeInsecureRequests ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
  })
}

/** Personal data must not sit in browser or proxy caches. */
export const noCache: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('Pragma', 'no-cache')
  next()
}
