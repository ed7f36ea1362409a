import type { Request, Response } from 'express'
import { toFormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { pagingOf, windowOf } from '../../http/paging.ts'
import { renderPage } from '../../http/render.ts'
import { get, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { presentKindFilter, presentTaskList } from './tasksPresenter.ts'
import { taskFilterFields, taskFilterSchema } from './tasksSchemas.ts'
import type { TasksService } from './tasksService.ts'

export function tasksRoutes({ tasksService }: { tasksService: TasksService }): RouteDefinition[] {
  async function taskList(req: Request, res: Response) {
    const filter = taskFilterSchema.safeParse(req.query)
    if (!filter.success) {
      const errors = toFormErrors(filter.error, taskFilterFields)
      // The page's one control is the choice of kind: each problem links to it.
      errors.summary = errors.summary.map((item) => ({ ...item, href: '#kind' }))
      const filterOfKinds = presentKindFilter(tasksService.kindsFor(signedInUser(req)), undefined, undefined)
      return renderPage(res, 'tasks/list', { title: 'Tasks', heading: 'Tasks', filter: filterOfKinds, errors }, 400)
    }
    const { kind, page } = filter.data
    const found = await tasksService.forUser(signedInUser(req), kind, windowOf(page), actorFrom(req))
    // A page past the end (a link kept while the list shrank) is not "nothing is waiting".
    if (page > 1 && found.tasks.length === 0) throw notFound('Page')
    const list = presentTaskList(found.tasks, found.kinds, found.counts, kind, found.today)
    const paging = kind ? pagingOf(page, found.counts[0]?.total ?? 0, found.tasks.length, `kind=${kind}`) : undefined
    await renderPage(res, 'tasks/list', { title: list.heading, ...list, paging })
  }

  // The list names people: one consultation row for the people it shows.
  return [get('/tasks', 'tasks.view', 'consultation', taskList)]
}
