import type { Request, Response } from 'express'
import { HttpError, notFound } from '../../http/httpError.ts'
import { pageParam, pagingOf, windowOf } from '../../http/paging.ts'
import { renderPage } from '../../http/render.ts'
import { get, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import type { DashboardService } from '../dashboard/dashboardService.ts'
import { presentHome } from './homePresenter.ts'

export function homeRoutes({ dashboardService }: { dashboardService: DashboardService }): RouteDefinition[] {
  // ?page=N pages the supervisor's team table, the one list on the page.
  async function homePage(req: Request, res: Response) {
    const page = pageParam.safeParse(req.query.page)
    if (!page.success) throw new HttpError(400, 'There is no such page of your team')
    const user = signedInUser(req)
    const home = await dashboardService.forUser(user, actorFrom(req), windowOf(page.data))
    const { team, teamTotals } = home
    if (page.data > 1 && !team?.length) throw notFound('Page')
    const paging = team && teamTotals ? pagingOf(page.data, teamTotals.officers, team.length, '') : undefined
    await renderPage(res, 'home/home', { title: 'Home', home: presentHome(home, user), paging })
  }

  // Counts only; a consultation row when the lead officer's CID notices name people.
  return [get('/', 'home.view', 'consultation', homePage)]
}
