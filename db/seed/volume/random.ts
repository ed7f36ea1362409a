import { createHash } from 'node:crypto'
import { sql, type RawBuilder } from 'kysely'

/**
 * Every synthetic value is a pure function of (seed, row number): a keyed hash, never random().
 * hashint8extended is the hash PostgreSQL's hash partitioning relies on, so it is stable and
 * fast, and the same call gives the same number on PostgreSQL and on PGlite.
 */
export type Rng = {
  seed: number
  /** A number in [0, 2^31) for this salt and key (a bigint SQL expression). */
  r(salt: number, key: RawBuilder<unknown>): RawBuilder<number>
  /** The same, reduced to [0, modulo). */
  below(salt: number, key: RawBuilder<unknown>, modulo: number | RawBuilder<unknown>): RawBuilder<number>
  /** True with the given probability (0 to 1), decided in ten-thousandths. */
  chance(salt: number, key: RawBuilder<unknown>, probability: number): RawBuilder<boolean>
  /** A deterministic uuid for row `key` of kind `tag` (md5 of seed, tag and key, as PostgreSQL's md5()::uuid gives). */
  id(tag: string, key: RawBuilder<unknown>): RawBuilder<string>
}

export function createRng(seed: number): Rng {
  const base = seed * 1000
  const r = (salt: number, key: RawBuilder<unknown>) =>
    sql<number>`(hashint8extended((${key})::int8, ${sql.lit(base + salt)}) & 2147483647)::int`
  return {
    seed,
    r,
    below: (salt, key, modulo) =>
      sql<number>`(${r(salt, key)} % ${typeof modulo === 'number' ? sql.lit(modulo) : modulo})::int`,
    chance: (salt, key, probability) =>
      sql<boolean>`(${r(salt, key)} % 10000 < ${sql.lit(Math.round(probability * 10000))})`,
    id: (tag, key) => sql<string>`md5(${sql.lit(idPrefix(seed, tag))} || (${key})::text)::uuid`,
  }
}

export function idPrefix(seed: number, tag: string): string {
  return `vol${seed}:${tag}:`
}

/** The uuid PostgreSQL's md5(text)::uuid gives for the same id, computed here. */
export function volumeId(seed: number, tag: string, key: number | string): string {
  const hex = createHash('md5')
    .update(`${idPrefix(seed, tag)}${key}`)
    .digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A small deterministic generator for the values made in JavaScript (audit rows). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `element` of a SQL array parameter, 1-based, chosen by a number. */
export function pickFrom(array: RawBuilder<unknown>, index: RawBuilder<number>): RawBuilder<string> {
  return sql<string>`(${array})[1 + (${index}) % cardinality(${array})]`
}
