import type { RequestHandler } from 'express'
import type { Permission } from '../auth/permissions.ts'
import { agencyLabels, roleLabels } from '../auth/roles.ts'
import { can } from '../auth/sessionUser.ts'
import { navigationFor } from './navigation.ts'

/** What every page's layout needs: the user, their navigation and a one-time message. */
export const pageLocals: RequestHandler = (req, res, next) => {
  res.locals.user = req.user
  res.locals.roleLabel = req.user ? roleLabels[req.user.role] : undefined
  res.locals.agencyLabel = req.user?.agency ? agencyLabels[req.user.agency] : undefined
  res.locals.navigation = navigationFor(req.user, req.path)
  res.locals.currentPath = req.path
  // For showing or hiding buttons only: every route checks its own permission.
  res.locals.can = (permission: Permission) => can(req.user, permission)
  if (req.session?.flash) {
    res.locals.flash = req.session.flash
    delete req.session.flash
  }
  next()
}
