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
