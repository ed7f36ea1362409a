import { z } from 'zod'
import type { Window } from '../domain/window.ts'

/** Long lists show this many rows a page (the GOV.UK pattern: numbered pages, previous and next). */
export const pageSize = 50

/** ?page=N: absent is the first page; anything but a whole number from 1 is refused. */
export const pageParam = z
  .string()
  .regex(/^\d{1,5}$/, 'The page must be a whole number')
  .optional()
  .transform((v) => (v ? Number(v) : 1))
  .refine((v) => v >= 1, 'The page must be a whole number from 1')

export const windowOf = (page: number): Window => ({ limit: pageSize, offset: (page - 1) * pageSize })

/**
 * What the pagination partial draws: the page, how many, and which rows this page shows. A list
 * whose length is costly to count passes `total` undefined and `hasNext` (it read one row past
 * the page): the links are then Previous and Next, without "of N".
 */
export function pagingOf(page: number, total: number | undefined, shown: number, query: string, hasNext = false) {
  return {
    page,
    pages: total === undefined ? (hasNext ? page + 1 : page) : Math.max(1, Math.ceil(total / pageSize)),
    pagesKnown: total !== undefined,
    total,
    first: shown ? (page - 1) * pageSize + 1 : 0,
    last: (page - 1) * pageSize + shown,
    query,
  }
}

export type Paging = ReturnType<typeof pagingOf>
