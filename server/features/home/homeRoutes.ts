import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'

export function homeRoutes(): RouteDefinition[] {
  return [
    {
      method: 'get',
      path: '/',
      access: 'home.view',
      audit: 'none',
      handler: async (_req, res) => {
        await renderPage(res, 'home/home', { title: 'Home' })
      },
    },
  ]
}
