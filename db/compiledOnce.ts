import { CompiledQuery, type Compilable, type Kysely } from 'kysely'
import type { Database } from './types.ts'
import { prepared } from './preparedStatements.ts'

// Building a query with Kysely and compiling it to SQL costs the app's CPU on every call: for
// the statements every request sends (the signed-in user, the person looked up by id) about a
// twentieth of a page's time under load, measured with a CPU profile. A query whose text is the
// same on every call but for its values is built once here, for stand-in values, and each call
// puts its own values where the stand-ins stood.

/** A query's values: strings (ids, dates) and lists of strings (the user's areas). */
type Values = Record<string, string | readonly string[]>

/**
 * The query that `build` makes, compiled on first use. `example` gives each value's kind (a
 * string or a list); its contents are not used. A stand-in that ends up anywhere but as a
 * parameter of its own kind (inlined into the text, or inside another value) throws on first use,
 * as a query whose text depends on its values cannot be compiled once.
 */
export function compiledOnce<V extends Values, R>(
  example: V,
  build: (db: Kysely<Database>, values: V) => Compilable<R>,
  options: { prepare?: boolean } = {},
): (db: Kysely<Database>, values: V) => CompiledQuery<R> {
  const keys = Object.keys(example)
  const standIns = keys.map((_, i) => `7e57ab1e-0000-4000-8000-${String(i).padStart(12, '0')}`)
  const keyOf = new Map(standIns.map((standIn, i) => [standIn, keys[i] as string]))
  let compiled: { sql: string; slots: (string | undefined)[]; parameters: readonly unknown[] } | undefined

  function compile(db: Kysely<Database>) {
    const standInValues = Object.fromEntries(
      keys.map((key, i) => [key, Array.isArray(example[key]) ? [standIns[i]] : standIns[i]]),
    ) as V
    const query = build(db, standInValues).compile()
    const slots = query.parameters.map((p) => {
      const standIn: unknown = Array.isArray(p) && p.length === 1 ? (p as unknown[])[0] : p
      const key = typeof standIn === 'string' ? keyOf.get(standIn) : undefined
      if (key !== undefined && Array.isArray(p) !== Array.isArray(example[key]))
        throw new Error(`compiledOnce: "${key}" is not sent as it was given`)
      return key
    })
    for (const [i, key] of keys.entries()) {
      if (query.sql.includes(standIns[i] as string))
        throw new Error(`compiledOnce: "${key}" is written into the query's text`)
      if (!slots.includes(key)) throw new Error(`compiledOnce: "${key}" is not among the query's parameters`)
    }
    // Marked by its text, which every call's query shares.
    if (options.prepare) prepared(query)
    return { sql: query.sql, slots, parameters: query.parameters }
  }

  return (db, values) => {
    compiled ??= compile(db)
    const { sql, slots, parameters } = compiled
    const sent = parameters.map((p, i) => {
      const key = slots[i]
      return key === undefined ? p : values[key]
    })
    return CompiledQuery.raw(sql, sent)
  }
}
