import type { RequestHandler } from 'express'
import type { Logger } from '../logger.ts'

/** One line per request. The path only: query strings can hold names searched for. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint()
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      logger.info(
        {
          requestId: req.id,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(ms),
          userId: req.user?.id,
        },
        'request',
      )
    })
    next()
  }
}
