import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compiledOnce } from '../../db/compiledOnce.ts'
import type { DbHandle } from '../../db/index.ts'
import { createTestDatabase } from '../helpers/testDatabase.ts'

// A query compiled once must answer every call exactly as the same query built for that call's
// values would, and must refuse, on first use, a query whose text depends on its values.

let handle: DbHandle

beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle.close()
})

describe('queries compiled once', () => {
  const boroughs = (codes: readonly string[], kind: string) =>
    handle.db
      .selectFrom('area')
      .select(['code', 'name'])
      .where(sql<boolean>`kind = ${kind}`)
      .where(sql<boolean>`code = any(${sql.val([...codes])}::text[])`)
      .orderBy('code')
  const once = compiledOnce({ codes: [] as readonly string[], kind: '' }, (_db, { codes, kind }) =>
    boroughs(codes, kind),
  )

  it('puts each call’s values, strings and lists, where the stand-ins stood', async () => {
    const all = (
      await handle.db.selectFrom('area').select('code').where('kind', '=', 'borough').orderBy('code').execute()
    ).map((a) => a.code)
    expect(all.length).toBeGreaterThan(1)
    for (const [codes, kind] of [
      [all, 'borough'],
      [all.slice(0, 1), 'borough'],
      [all, 'bcu'],
      [[], 'borough'],
    ] as const) {
      const fromOnce = await handle.db.executeQuery(once(handle.db, { codes, kind }))
      expect(fromOnce.rows).toEqual(await boroughs(codes, kind).execute())
    }
    expect(
      (await handle.db.executeQuery(once(handle.db, { codes: all.slice(0, 1), kind: 'borough' }))).rows.map(
        (r) => r.code,
      ),
    ).toEqual(all.slice(0, 1))
  })

  it('refuses a value written into the text, changed on its way, or sent as another kind', () => {
    const inlined = compiledOnce({ code: '' }, (db, { code }) =>
      db.selectFrom('area').select('code').where('code', '=', sql.lit(code)),
    )
    expect(() => inlined(handle.db, { code: 'HV' })).toThrow(/written into the query's text/)
    const changed = compiledOnce({ code: '' }, (db, { code }) =>
      db.selectFrom('area').select('code').where('code', 'like', `${code}%`),
    )
    expect(() => changed(handle.db, { code: 'HV' })).toThrow(/not among the query's parameters/)
    const spread = compiledOnce({ codes: [] as readonly string[] }, (db, { codes }) =>
      db
        .selectFrom('area')
        .select('code')
        .where('code', 'in', [...codes]),
    )
    expect(() => spread(handle.db, { codes: ['HV'] })).toThrow(/not sent as it was given/)
  })
})
