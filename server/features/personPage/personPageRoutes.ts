import { can } from '../../auth/sessionUser.ts'
import { todayInLondon } from '../../domain/time.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { purposeQuestion } from '../people/peoplePresenter.ts'
import { personIdFrom, statedPurpose } from '../people/personAccess.ts'
import { presentCombinedRecord, presentPersonPage } from './personPagePresenter.ts'
import type { PersonPageService } from './personPageService.ts'

type Deps = { personPageService: PersonPageService }

export function personPageRoutes({ personPageService }: Deps): RouteDefinition[] {
  return [
    get('/people/:personId', 'people.view', 'consultation', async (req, res) => {
      const user = signedInUser(req)
      const id = personIdFrom(req)
      const record = await personPageService.view(user, id, actorFrom(req), statedPurpose(req, id))
      if (record.kind === 'notFound') throw notFound('Person')
      if (record.kind === 'combined')
        return renderPage(res, 'combination/combinedRecord', presentCombinedRecord(record.survivorId))
      if (record.kind === 'needsPurpose')
        return renderPage(res, 'people/purpose', purposeQuestion({ via: 'person', recordId: id }))
      await renderPage(res, 'people/show', {
        ...presentPersonPage(record, todayInLondon()),
        canEdit: can(user, 'people.edit'),
        canRecord: can(user, 'casework.record'),
        canRefer: can(user, 'referrals.create'),
        canManage: can(user, 'memberships.manage'),
        canRestrict: can(user, 'people.restrict'),
      })
    }),
  ]
}
