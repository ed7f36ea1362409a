import type { Request, Response } from 'express'
import { HttpError } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { presentTaskList } from './tasksPresenter.ts'
import { taskFilterSchema } from './tasksSchemas.ts'
import type { TasksService } from './tasksService.ts'

export function tasksRoutes({ tasksService }: { tasksService: TasksService }): RouteDefinition[] {
  async function taskList(req: Request, res: Response) {
    const filter = taskFilterSchema.safeParse(req.query)
    if (!filter.success) throw new HttpError(400, 'There is no such kind of task')
    const kind = filter.data.kind
    const { tasks, kinds, today } = await tasksService.forUser(signedInUser(req), kind, actorFrom(req))
    const list = presentTaskList(tasks, kinds, kind, today)
    await renderPage(res, 'tasks/list', { title: list.heading, ...list })
  }

  // The list names people: one consultation row for the people it shows.
  return [get('/tasks', 'tasks.view', 'consultation', taskList)]
}
