import type { Request, Response } from 'express'
import { renderPage } from '../../http/render.ts'
import { get, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import type { DashboardService } from '../dashboard/dashboardService.ts'

export function homeRoutes({ dashboardService }: { dashboardService: DashboardService }): RouteDefinition[] {
  async function homePage(req: Request, res: Response) {
    const home = await dashboardService.forUser(signedInUser(req), actorFrom(req))
    await renderPage(res, 'home/home', { title: 'Home', home })
  }

  // Counts only; a consultation row when the lead officer's CID notices name people.
  return [get('/', 'home.view', 'consultation', homePage)]
}
