import autocannon from 'autocannon'

// One page under load: `connections` autocannon clients side by side, each on its own keep-alive
// connection with its own session cookie (one autocannon instance per session, since an
// instance's clients share their request objects), latencies gathered from every response.

export type Target = {
  method?: 'GET' | 'POST'
  /** Called for every request: the path (and body) it sends. */
  next(session: number): { path: string; body?: string }
}

export type LoadResult = {
  requests: number
  rps: number
  p50: number
  p99: number
  errors: number
  statuses: Record<string, number>
}

export async function runLoad(
  baseUrl: string,
  cookies: string[],
  target: Target,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let errors = 0
  const started = Date.now()
  const instances = cookies.map(
    (cookie, session) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(
          {
            url: baseUrl,
            connections: 1,
            duration: seconds,
            timeout: 30,
            headers: {
              cookie,
              ...(target.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
            },
            requests: [
              {
                method: target.method ?? 'GET',
                setupRequest: (request) => {
                  const { path, body } = target.next(session)
                  return { ...request, path, ...(body === undefined ? {} : { body }) }
                },
              },
            ],
          },
          (error, result) => (error ? reject(error as Error) : resolve(result)),
        )
        instance.on('response', (_client, statusCode, _bytes, responseTime) => {
          latencies.push(responseTime)
          statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
          // A read answers 200, the write 303; anything else is an error here.
          if (statusCode >= 400) errors++
        })
        instance.on('reqError', () => errors++)
      }),
  )
  const results = await Promise.all(instances)
  const elapsed = (Date.now() - started) / 1000
  errors += results.reduce((n, r) => n + r.timeouts, 0)
  latencies.sort((a, b) => a - b)
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? Number.NaN
  return { requests: latencies.length, rps: latencies.length / elapsed, p50: at(50), p99: at(99), errors, statuses }
}
