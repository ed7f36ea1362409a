import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../../types.ts'
import type { Progress } from './progress.ts'
import type { Rng } from './random.ts'

/** What every generator step needs: one connection, the seed's hash, the size and the reference rows. */
export type VolumeContext = {
  db: Kysely<Database>
  rng: Rng
  people: number
  /** People per statement: the unit of progress, and what keeps PGlite's memory small. */
  chunk: number
  today: string
  now: Date
  progress: Progress
  refs: References
}

export type References = {
  areas: { HV: string; BD: string; RB: string; EA: string }
  /** Each borough's current wards, with the town an address in them gives. */
  wards: Record<'HV' | 'BD' | 'RB', { id: string; town: string }[]>
  officers: { iom: string[]; dip: string[]; supervisor: string[]; cid: string[] }
  demo: { iom: string; dip: string; supervisor: string; admin: string }
  agreements: { mash: string; marac: string; yos: string }
}

/** Runs `statement` for each range of people in turn, counting the rows it reports. */
export async function inChunks(
  ctx: VolumeContext,
  label: string,
  expectedRows: number | undefined,
  statement: (lo: number, hi: number) => RawBuilder<unknown>,
): Promise<number> {
  ctx.progress.step(label, expectedRows)
  let total = 0
  for (let lo = 1; lo <= ctx.people; lo += ctx.chunk) {
    const hi = Math.min(ctx.people, lo + ctx.chunk - 1)
    const result = await statement(lo, hi).execute(ctx.db)
    const rows = Number(result.numAffectedRows ?? 0)
    total += rows
    ctx.progress.add(rows)
  }
  ctx.progress.done()
  return total
}

/** One statement over the whole population (derived rows that are few, or that join what came before). */
export async function once(ctx: VolumeContext, label: string, statement: RawBuilder<unknown>): Promise<number> {
  ctx.progress.step(label)
  const result = await statement.execute(ctx.db)
  const rows = Number(result.numAffectedRows ?? 0)
  ctx.progress.add(rows)
  ctx.progress.done()
  return rows
}

export const series = (lo: number, hi: number) => sql`generate_series(${sql.lit(lo)}::int8, ${sql.lit(hi)}::int8)`
