import type { RequestHandler } from 'express'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/types.ts'
import { HttpError } from './httpError.ts'

/**
 * A fixed-window counter kept in the database, so that every app instance counts the same
 * attempts. Old windows are removed as new ones are written.
 */
export function rateLimit(
  db: Kysely<Database>,
  options: { name: string; limit: number; windowMs: number },
): RequestHandler {
  return async (req, _res, next) => {
    const windowStart = new Date(Math.floor(Date.now() / options.windowMs) * options.windowMs)
    const key = `${options.name}:${req.ip ?? 'unknown'}`
    const row = await db
      .insertInto('rate_limit_hit')
      .values({ key, window_start: windowStart, hits: 1 })
      .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`rate_limit_hit.hits + 1` }))
      .returning('hits')
      .executeTakeFirstOrThrow()
    if (row.hits === 1) {
      await db.deleteFrom('rate_limit_hit').where('key', '=', key).where('window_start', '<', windowStart).execute()
    }
    if (row.hits > options.limit) return next(new HttpError(429, 'Too many attempts'))
    next()
  }
}
