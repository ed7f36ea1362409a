import type { RequestHandler } from 'express'
import type { AuditCategory } from '../../db/types.ts'
import type { Permission } from '../auth/permissions.ts'

/** Who may call a route: anyone, anyone signed in, or holders of one permission. */
export type Access = 'public' | 'signedIn' | Permission

/** What the route's service writes to the audit log ('none' for pages with no personal data). */
export type RouteAudit = AuditCategory | 'none'

export type RouteDefinition = {
  method: 'get' | 'post'
  path: string
  access: Access
  audit: RouteAudit
  handler: RequestHandler
  /** Route-specific middleware that runs after authorisation (e.g. rate limits). */
  before?: RequestHandler[]
  /**
   * A body parser for a form that is not urlencoded (a file upload). Its CSRF token travels
   * inside that body, so app.ts runs it, after authorise, before the CSRF check.
   */
  parseBody?: RequestHandler
}
