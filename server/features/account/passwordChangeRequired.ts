import type { RequestHandler } from 'express'

export const changePasswordPath = '/account/password'

/**
 * After an administrator's reset, a signed-in user may do nothing but choose their own password
 * or sign out: every other request is sent to the change page (deny by default, so a route added
 * later is covered too). Static files are served before the session and never reach this.
 */
export const passwordChangeRequired: RequestHandler = (req, res, next) => {
  if (!req.user?.mustChangePassword) return next()
  if (req.path === changePasswordPath || (req.method === 'POST' && req.path === '/sign-out')) return next()
  res.redirect(303, changePasswordPath)
}
