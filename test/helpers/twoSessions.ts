import type pg from 'pg'

/**
 * Two transactions at once (PostgreSQL only: the embedded server has one backend session):
 * `first` writes and holds its locks; `second` starts meanwhile and is to wait for them. After a
 * pause the first commits, then the second finishes and commits.
 */
export async function secondWhileFirstHoldsLocks(
  pool: pg.Pool,
  first: (client: pg.PoolClient) => Promise<unknown>,
  second: (client: pg.PoolClient) => Promise<unknown>,
): Promise<void> {
  const [a, b] = [await pool.connect(), await pool.connect()]
  try {
    await a.query('begin')
    await b.query('begin')
    await first(a)
    const waiting = second(b)
    await new Promise((resolve) => setTimeout(resolve, 200))
    await a.query('commit')
    await waiting
    await b.query('commit')
  } finally {
    a.release()
    b.release()
  }
}
