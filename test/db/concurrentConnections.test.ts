import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../db/index.ts'
import { createTestDatabase } from '../helpers/testDatabase.ts'

// Every pooled connection must get its own answers, however many send at once: the embedded
// database is one session shared by its connections (db/embeddedQueue.ts), PostgreSQL is not.

let handle: DbHandle

beforeAll(async () => {
  handle = await createTestDatabase({ poolMax: 6 })
})
afterAll(async () => {
  await handle.close()
})

describe('several connections at once', () => {
  it('each parameterised query answers with its own values and SQL, never another connection’s', async () => {
    const queries = Array.from({ length: 300 }, (_, n) =>
      n % 2 === 0
        ? handle.pool.query<{ n: number; kind: string }>('select $1::int as n, $2::text as kind', [n, 'even'])
        : handle.pool.query<{ n: number; kind: string }>("select $1::int * 1 as n, 'odd' as kind, $2::text as extra", [
            n,
            'x',
          ]),
    )
    const answers = await Promise.all(queries)
    expect(answers.map((a) => a.rows[0])).toEqual(
      Array.from({ length: 300 }, (_, n) => (n % 2 === 0 ? { n, kind: 'even' } : { n, kind: 'odd', extra: 'x' })),
    )
  })

  it('transactions at once, each with parameterised statements, each see their own values', async () => {
    const work = async (who: number) => {
      const client = await handle.pool.connect()
      try {
        await client.query('begin')
        const seen: number[] = []
        for (let n = 0; n < 4; n++)
          seen.push((await client.query<{ v: number }>('select $1::int + $2::int as v', [who * 100, n])).rows[0]!.v)
        await client.query('commit')
        return seen
      } finally {
        client.release()
      }
    }
    const plain = Array.from({ length: 40 }, (_, n) =>
      handle.pool.query<{ v: number }>('select $1::int as v', [1000 + n]),
    )
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, (_, who) => work(who)),
      ...plain.map(async (p) => [(await p).rows[0]!.v]),
    ])
    expect(answers).toEqual([
      ...Array.from({ length: 6 }, (_, who) => [0, 1, 2, 3].map((n) => who * 100 + n)),
      ...Array.from({ length: 40 }, (_, n) => [1000 + n]),
    ])
  })

  it('a statement that fails answers its own caller only, and the others go on', async () => {
    const answers = await Promise.allSettled(
      Array.from({ length: 60 }, (_, n) =>
        n % 3 === 0
          ? handle.pool.query('select 1 / $1::int as n', [0])
          : handle.pool.query<{ n: number }>('select $1::int as n', [n]),
      ),
    )
    answers.forEach((answer, n) => {
      if (n % 3 === 0) expect(answer).toMatchObject({ status: 'rejected', reason: { code: '22012' } })
      else expect(answer).toEqual({ status: 'fulfilled', value: expect.objectContaining({ rows: [{ n }] }) })
    })
  })
})
