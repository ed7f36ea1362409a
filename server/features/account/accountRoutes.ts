import type { Request, Response } from 'express'
import { passwordRules } from '../../auth/passwords.ts'
import { formPost } from '../../http/formPost.ts'
import type { FormErrors } from '../../http/forms.ts'
import { HttpError } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { startSession } from '../auth/startSession.ts'
import type { UsersService } from '../users/usersService.ts'
import { changePasswordSchema } from './accountSchemas.ts'
import { changePasswordPath } from './passwordChangeRequired.ts'

const changedMessage = 'Your password has been changed. You have been signed out on every other device.'

/** A signed-in user's own account: for now, choosing their own password. */
export function accountRoutes({ usersService }: { usersService: UsersService }): RouteDefinition[] {
  // Passwords are never put back in the form: a 400 shows empty fields and says why.
  async function passwordPage(req: Request, res: Response, _typed: unknown, errors?: FormErrors) {
    await renderPage(
      res,
      'account/password',
      { title: 'Change your password', forced: signedInUser(req).mustChangePassword, rules: passwordRules, errors },
      errors ? 400 : 200,
    )
  }

  async function changePassword(req: Request, data: { currentPassword: string; newPassword: string }) {
    const user = signedInUser(req)
    const result = await usersService.changeOwnPassword(user.id, data, actorFrom(req))
    // The signed-in account is gone or disabled: refused, as any request of theirs now would be.
    if (!result.ok && result.kind === 'notFound') throw new HttpError(403, 'Forbidden')
    // Every session of theirs has ended; this browser starts a fresh one, as at sign-in (before
    // the success message is set: starting it regenerates the session).
    if (result.ok) await startSession(req, user, result.id.sessionsValidAfter)
    return result
  }

  return [
    get(changePasswordPath, 'signedIn', 'none', (req, res) => passwordPage(req, res, {})),
    post(
      changePasswordPath,
      'signedIn',
      'security',
      formPost({
        schema: changePasswordSchema,
        page: passwordPage,
        act: changePassword,
        done: () => ({ message: changedMessage, redirect: '/' }),
      }),
    ),
  ]
}
