import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import type { DashboardService } from '../dashboard/dashboardService.ts'

export function homeRoutes({ dashboardService }: { dashboardService: DashboardService }): RouteDefinition[] {
  return [
    {
      method: 'get',
      path: '/',
      access: 'home.view',
      // Counts only; a consultation row when the lead officer's CID notices name people.
      audit: 'consultation',
      handler: async (req, res) => {
        const home = await dashboardService.forUser(signedInUser(req), actorFrom(req))
        await renderPage(res, 'home/home', { title: 'Home', home })
      },
    },
  ]
}
