import type { Request, Response } from 'express'
import { singleError, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { HttpError } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { passwordRules } from '../../auth/passwords.ts'
import { actorFrom } from '../audit/actor.ts'
import type { UsersService } from '../users/usersService.ts'
import { changePasswordFields, changePasswordSchema } from './accountSchemas.ts'
import { changePasswordPath } from './passwordChangeRequired.ts'

function logIn(req: Request) {
  const user = signedInUser(req)
  return new Promise<void>((resolve, reject) => req.logIn(user, (error) => (error ? reject(error) : resolve())))
}

/** A signed-in user's own account: for now, choosing their own password. */
export function accountRoutes({ usersService }: { usersService: UsersService }): RouteDefinition[] {
  // Passwords are never put back in the form: a 400 shows empty fields and says why.
  async function renderForm(req: Request, res: Response, errors?: FormErrors, status = 200) {
    await renderPage(res, 'account/password', { title: 'Change your password', forced: signedInUser(req).mustChangePassword, rules: passwordRules, errors }, status)
  }

  return [
    {
      method: 'get',
      path: changePasswordPath,
      access: 'signedIn',
      audit: 'none',
      handler: (req, res) => renderForm(req, res),
    },
    {
      method: 'post',
      path: changePasswordPath,
      access: 'signedIn',
      audit: 'security',
      handler: async (req, res) => {
        const parsed = changePasswordSchema.safeParse(req.body)
        if (!parsed.success) return renderForm(req, res, toFormErrors(parsed.error, changePasswordFields), 400)
        const user = signedInUser(req)
        const result = await usersService.changeOwnPassword(user.id, parsed.data, actorFrom(req))
        if (!result.ok) {
          if (result.kind === 'notFound') throw new HttpError(403, 'Forbidden')
          return renderForm(req, res, singleError(result.field, result.message), 400)
        }
        // Every session of theirs has ended; this browser starts a fresh one, as at sign-in, begun
        // after the instant that refuses the others (the database's clock may run ahead of ours).
        await logIn(req)
        const now = Date.now()
        req.session.signedInAt = Math.max(now, (result.sessionsValidAfter ?? 0) + 1)
        req.session.lastSeenAt = now
        req.session.flash = { kind: 'success', text: 'Your password has been changed. You have been signed out on every other device.' }
        res.redirect(303, '/')
      },
    },
  ]
}
