/** An error that carries the HTTP status to answer with (404 for records out of scope, 409 …). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export const notFound = (what = 'Page') => new HttpError(404, `${what} not found`)

/** What a lookup found, or a 404 naming what it was: a record out of the user's scope is one that does not exist. */
export function orNotFound<T extends object>(found: T | undefined, what: string): T {
  if (!found) throw notFound(what)
  return found
}
