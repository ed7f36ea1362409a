import type { TaskRow } from './tasksRepository.ts'

/** Every kind of waiting work the task list knows, in the order its filter offers them (?kind=). */
export const taskKinds = [
  'tests',
  'appointments',
  'statements',
  'circulation',
  'charge',
  'proposals',
  'returned',
  'wanted',
  'referrals',
  'actions',
  'links',
  'agreements',
  'retention',
] as const
export type TaskKind = (typeof taskKinds)[number]

/** One item of the list: a waiting record and the kind of work it waits for. */
export type Task = TaskRow & { kind: TaskKind }

/** How many items of a kind wait in all, and how many of them a page shows. */
export type KindCount = { kind: TaskKind; total: number; shown: number }
