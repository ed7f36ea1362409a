import { anyOr } from '../../http/forms.ts'
import { pageParam } from '../../http/paging.ts'
import { z } from 'zod'
import { taskKinds } from './taskKinds.ts'

/** The order the error summary lists the query's problems in. */
export const taskFilterFields = ['kind', 'page'] as const

/**
 * ?kind= and ?page=: one kind of task, or none for all of them, and the page of that kind. The
 * list of every kind shows the oldest of each on one page, so only a single kind has further pages.
 */
export const taskFilterSchema = z
  .object({
    kind: anyOr(z.enum(taskKinds, { error: 'There is no such kind of task' }), 'There is no such kind of task'),
    page: pageParam,
  })
  .refine((v) => v.kind !== undefined || v.page === 1, {
    path: ['page'],
    message: 'Choose a kind of task to see more of it',
  })
