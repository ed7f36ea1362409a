import type { RequestHandler } from 'express'
import type { AuditCategory } from '../../db/types.ts'
import type { Permission } from '../auth/permissions.ts'
import type { PersonVia } from '../domain/personVia.ts'

/** Who may call a route: anyone, anyone signed in, or holders of one permission. */
export type Access = 'public' | 'signedIn' | Permission

/** What the route's service writes to the audit log ('none' for pages with no personal data). */
export type RouteAudit = AuditCategory | 'none'

/**
 * How a route finds the person it touches: the path parameter and what it names. The restricted
 * record gate (features/people/restrictedRecordGate.ts) runs before the handler of every route
 * that declares one, whatever the method and whatever the handler would answer.
 */
export type PersonInPath = { via: PersonVia; param: string }

export type RouteDefinition = {
  method: 'get' | 'post'
  path: string
  access: Access
  audit: RouteAudit
  handler: RequestHandler
  /** The person the route touches; required of every route whose path names a person's record. */
  person?: PersonInPath
  /** Route-specific middleware that runs after authorisation (e.g. rate limits). */
  before?: RequestHandler[]
  /**
   * A body parser for a form that is not urlencoded (a file upload). Its CSRF token travels
   * inside that body, so app.ts runs it, after authorise, before the CSRF check.
   */
  parseBody?: RequestHandler
}

/** What a few routes declare beyond path, access, audit and handler. */
export type RouteOptions = Pick<RouteDefinition, 'person' | 'before' | 'parseBody'>

type Declare = (
  path: string,
  access: Access,
  audit: RouteAudit,
  handler: RequestHandler,
  options?: RouteOptions,
) => RouteDefinition

const declare =
  (method: RouteDefinition['method']): Declare =>
  (path, access, audit, handler, options = {}) => ({ method, path, access, audit, handler, ...options })

/** Declares a GET route: its path, who may call it, what it writes to the audit log, and its handler. */
export const get = declare('get')

/** Declares a POST route, as `get` does. */
export const post = declare('post')
