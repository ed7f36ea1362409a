import { anyOr } from '../../http/forms.ts'
import { z } from 'zod'
import { taskKinds } from './taskKinds.ts'

/** ?kind=: one kind of task, or none for all of them. */
export const taskFilterSchema = z.object({
  kind: anyOr(z.enum(taskKinds, { error: 'There is no such kind of task' })),
})
