import type { Request } from 'express'
import type { Kysely } from 'kysely'
import passport from 'passport'
import { Strategy as LocalStrategy } from 'passport-local'
import type { Database } from '../../db/types.ts'
import { actorFrom } from '../features/audit/actor.ts'
import type { SignInService } from '../features/auth/signInService.ts'
import { findActiveSessionUser } from '../features/users/usersRepository.ts'

/**
 * A passport instance of the app's own (not the global singleton), so two apps in one
 * process (tests) never share strategies. The session holds only the user id; the user
 * is read again on every request, so a disabled account or a changed role takes effect at once.
 */
export function createPassport(db: Kysely<Database>, signInService: SignInService): passport.PassportStatic {
  const instance = new passport.Passport() as passport.PassportStatic
  instance.use(
    new LocalStrategy({ passReqToCallback: true }, (req, username, password, done) => {
      signInService
        .signIn(username, password, actorFrom(req))
        .then((result) => (result.ok ? done(null, result.user) : done(null, false)))
        .catch(done)
    }),
  )
  instance.serializeUser((user, done) => done(null, user.id))
  instance.deserializeUser<string, Request>((req, id, done) => {
    const signedInAt = req.session?.signedInAt ?? 0
    findActiveSessionUser(db, id)
      .then((user) =>
        done(null, user && (user.sessionsValidAfter === null || signedInAt > user.sessionsValidAfter) ? user : false),
      )
      .catch(done)
  })
  return instance
}
