import type { RequestHandler } from 'express'
import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { can } from '../../auth/sessionUser.ts'
import { uuid } from '../../http/forms.ts'
import { renderPage } from '../../http/render.ts'
import type { PersonInPath } from '../../http/routeDefinition.ts'
import { actorFrom } from '../audit/actor.ts'
import { recordPersonViewed } from '../audit/auditRepository.ts'
import { purposeQuestion } from './peoplePresenter.ts'
import { statedPurpose } from './personAccess.ts'
import { personBehind } from './restrictedRecordRepository.ts'

/**
 * The one gate before every route that touches a person (DPA 2018 s62 and the force's
 * restricted-records policy; see server/features/people/RULES.md). For a restricted record the
 * user must have stated why they need it: until they have, a GET answers the purpose question, a
 * POST is refused with it (403, nothing written), and a user who may not open records at all (a
 * partner) is told the record is restricted. The page shows nothing about the person.
 *
 * Past the gate, the stated purpose rides on the request, so every audit row the request writes
 * carries it; and a form shown again with errors (400, 409) logs its consultation if the handler
 * logged nothing, since the page shows the person.
 */
export function restrictedRecordGate(db: Kysely<Database>, person: PersonInPath): RequestHandler {
  return async (req, res, next) => {
    const parsed = uuid.safeParse(req.params[person.param])
    const user = req.user
    if (!parsed.success || !user) return next() // the handler answers 404 (or authorise has refused already)
    const found = await personBehind(db, person.via, parsed.data, user.visibleAreaIds)
    if (!found) return next()
    if (found.restricted) {
      const purpose = statedPurpose(req, found.personId)
      if (!purpose) {
        if (!found.inScope) return renderPage(res, 'errors/404', { title: 'Page not found', requestId: req.id }, 404)
        if (!can(user, 'people.view'))
          return renderPage(res, 'people/restrictedElsewhere', { title: 'This record is restricted' }, 403)
        const question = purposeQuestion({
          via: person.via,
          recordId: parsed.data,
          // Back to the page asked for; after a refused post, to the person (the default).
          returnTo: req.method === 'GET' ? req.originalUrl : undefined,
          refusedPost: req.method !== 'GET',
        })
        return renderPage(res, 'people/purpose', question, req.method === 'GET' ? 200 : 403)
      }
      req.statedPurpose = purpose
    }
    res.locals.consultationOnRefusal = async (view: string, status: number) => {
      const actor = actorFrom(req)
      if (actor.rowsWritten && actor.rowsWritten.count > 0) return
      await recordPersonViewed(db, actor, found.personId, req.statedPurpose, { page: view, status })
    }
    next()
  }
}
