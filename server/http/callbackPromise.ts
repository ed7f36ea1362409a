/**
 * A callback-style call (passport, express-session) as a promise. What the callback gives as its
 * error is passed on as it is when it is an Error, and wrapped in one otherwise, so a rejection is
 * always an Error with a stack.
 */
export function callbackPromise<T = void>(call: (done: (error: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    call((error, value) => {
      if (error === undefined || error === null || error === false) resolve(value as T)
      else reject(error instanceof Error ? error : new Error('Callback failed', { cause: error }))
    }),
  )
}
