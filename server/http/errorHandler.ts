import type { ErrorRequestHandler, RequestHandler } from 'express'
import type { Logger } from '../logger.ts'
import { isChangedMeanwhile, isDatabaseUnavailable, isRefusedInput } from './databaseErrors.ts'
import { HttpError } from './httpError.ts'
import { describeRetry, TooManyAttempts } from './rateLimit.ts'
import { renderPage } from './render.ts'

const pageForStatus: Record<number, string> = {
  400: 'errors/400',
  403: 'errors/403',
  404: 'errors/404',
  409: 'errors/409',
  413: 'errors/400',
  429: 'errors/429',
  503: 'errors/503',
}

export const notFoundHandler: RequestHandler = async (req, res) => {
  // The error views print the request id as the reference to quote: without it the 404 page itself failed (a 500).
  await renderPage(res, 'errors/404', { title: 'Page not found', requestId: req.id }, 404)
}

function statusOf(error: unknown): number {
  if (isDatabaseUnavailable(error)) return 503
  if (isRefusedInput(error)) return 400
  if (isChangedMeanwhile(error)) return 409
  if (error instanceof HttpError) return error.status
  const candidate =
    (error as { status?: unknown; statusCode?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode
  if (typeof candidate === 'number' && candidate >= 400 && candidate < 600) return candidate
  return 500
}

/** The one error handler: a GOV.UK page for each status, no stack traces in production. */
export function errorHandler(options: { logger: Logger; showStack: boolean }): ErrorRequestHandler {
  return async (error: unknown, req, res, _next) => {
    const status = statusOf(error)
    const isCsrf = (error as { code?: unknown })?.code === 'EBADCSRFTOKEN'
    if (status >= 500) {
      options.logger.error(
        { err: error, requestId: req.id, path: req.path },
        status === 503 ? 'database unavailable' : 'unhandled error',
      )
    } else {
      options.logger.warn(
        { requestId: req.id, path: req.path, status, reason: (error as Error)?.message },
        'request refused',
      )
    }
    if (res.headersSent) {
      res.end()
      return
    }
    if (status === 503) res.setHeader('Retry-After', '5')
    // Too many failed sign-ins: say when the window ends, as a header and in words (nothing about who).
    const retry = error instanceof TooManyAttempts ? describeRetry(error.retryAt) : undefined
    if (retry) res.setHeader('Retry-After', String(retry.seconds))
    const view = pageForStatus[status] ?? 'errors/500'
    const locals = {
      title: isCsrf ? 'Your form could not be sent' : titleFor(status),
      csrfFailure: isCsrf,
      tooLarge: status === 413,
      retry,
      requestId: req.id,
      stack: options.showStack && error instanceof Error ? error.stack : undefined,
      // The error may come before the session or the user was loaded: render without them.
      user: res.locals.user as unknown,
      navigation: (res.locals.navigation ?? []) as unknown,
    }
    try {
      await renderPage(res, view, locals, status)
    } catch (renderError) {
      options.logger.error({ err: renderError, requestId: req.id }, 'error page failed to render')
      res
        .status(status)
        .type('text')
        .send(`${status} ${titleFor(status)}`)
    }
  }
}

/**
 * The last handler of all. express-session stores the session as the response ends and hands a
 * failure to next() after the answer has gone; when that answer was the error page itself, the
 * error arrives past errorHandler, and Express's own final handler would print it and destroy
 * the socket, cutting off a complete 503 page. Here it is logged, and the answer left to finish.
 */
export function errorsAfterTheAnswer(options: { logger: Logger }): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    options.logger.warn(
      { err: error, requestId: req.id, path: req.path },
      'the session could not be stored after the answer was sent',
    )
    if (!res.headersSent)
      res
        .status(statusOf(error))
        .type('text')
        .send(`${statusOf(error)} ${titleFor(statusOf(error))}`)
  }
}

function titleFor(status: number): string {
  switch (status) {
    case 400:
      return 'There is a problem with the request'
    case 403:
      return 'You do not have permission to see this page'
    case 404:
      return 'Page not found'
    case 409:
      return 'Someone else changed this record'
    case 413:
      return 'What you sent is too large'
    case 429:
      return 'Too many attempts'
    case 503:
      return 'Sorry, the service is unavailable'
    default:
      return 'Sorry, there is a problem with the service'
  }
}
