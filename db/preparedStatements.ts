import { createHash } from 'node:crypto'
import type { CompiledQuery, PostgresPool, PostgresPoolClient } from 'kysely'
import type pg from 'pg'

// PostgreSQL plans an unnamed statement every time it is sent. A named (prepared) one it plans
// for its first five executions on a connection and then, when a generic plan costs no more,
// not again. For the app's busiest statements planning cost more than running: the person
// page's panels statement took 6 ms to plan and 2 to run at 100,000 people.
//
// Only statements marked here are named, so the statements kept on each connection are a fixed
// set (one per marked query shape), never one per request. Marked statements name their columns
// or build JSON, so a later change of a table's columns cannot change their result's shape.

const names = new Map<string, string>()

/** Marks a compiled query to be sent as a named statement (on PostgreSQL; the embedded database plans each time). */
export function prepared<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  if (!names.has(query.sql))
    names.set(query.sql, `cohort_${createHash('sha1').update(query.sql).digest('hex').slice(0, 24)}`)
  return query
}

/**
 * The pool as Kysely sees it, sending each marked statement by its name. Not for the embedded
 * database: its one backend session is shared by every socket, so a statement prepared on one
 * pooled connection would already exist when another prepared it.
 */
export function poolPreparingMarkedStatements(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>()
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    query: ((textOrCursor: string | object, parameters?: readonly unknown[]) => {
      if (typeof textOrCursor !== 'string') return client.query(textOrCursor as pg.Submittable)
      const values = [...(parameters ?? [])]
      const name = names.get(textOrCursor)
      return name ? client.query({ name, text: textOrCursor, values }) : client.query(textOrCursor, values)
    }) as unknown as PostgresPoolClient['query'],
    release: (destroy?: boolean) => client.release(destroy),
  })
  return {
    async connect() {
      const client = await pool.connect()
      let wrapper = wrapped.get(client)
      if (!wrapper) {
        wrapper = wrap(client)
        wrapped.set(client, wrapper)
      }
      return wrapper
    },
    end: () => pool.end(),
  }
}
