import { createHash } from 'node:crypto'

// A captured request's statements, replayed later, must use what the replay itself returned where
// the capture used what the capture returned: an id from `insert … returning id`, say, sent back
// as a parameter of the next statement. Each request keeps a map from the captured value to the
// replayed one, learnt from every statement's rows as the replay goes.

export type Row = Record<string, unknown>

/** Values that can stand for one thing (an id, a key, a time): a short number or string could be a count or a flag. */
function identifying(value: unknown): boolean {
  if (typeof value === 'string') return value.length >= 8
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) >= 1000
  if (typeof value === 'bigint') return true
  return value instanceof Date
}

function keyOf(value: unknown): string | undefined {
  if (typeof value === 'string') return `s:${value}`
  if (typeof value === 'number' || typeof value === 'bigint') return `n:${String(value)}`
  if (value instanceof Date) return `d:${value.getTime()}`
  return undefined
}

/** UUIDs are unambiguous enough to be replaced inside a larger string too (an audit row's JSON detail). */
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export class ReplayValues {
  private readonly exact = new Map<string, unknown>()
  private readonly within = new Map<string, string>()

  /** Compares a statement's captured rows with its replayed rows, cell by cell, and keeps every identifying value that changed. */
  learn(captured: readonly Row[], replayed: readonly Row[]): void {
    const rows = Math.min(captured.length, replayed.length)
    for (let r = 0; r < rows; r++) {
      const before = captured[r]!
      const after = replayed[r]!
      for (const column of Object.keys(before)) {
        const was = before[column]
        const now = after[column]
        const key = keyOf(was)
        if (key === undefined || !identifying(was) || keyOf(now) === key) continue
        this.exact.set(key, now)
        if (typeof was === 'string' && typeof now === 'string' && uuid.test(was)) this.within.set(was, now)
      }
    }
  }

  /** The parameters with every captured value learnt so far replaced by its replayed value. */
  substitute(values: readonly unknown[]): unknown[] {
    return values.map((value) => this.one(value))
  }

  private one(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.one(v))
    const key = keyOf(value)
    if (key !== undefined && this.exact.has(key)) return this.exact.get(key)
    if (typeof value === 'string' && this.within.size > 0) {
      let text = value
      for (const [was, now] of this.within) if (text.includes(was)) text = text.split(was).join(now)
      return text
    }
    return value
  }
}

/** The name a statement is prepared under on each replaying connection: one per text, as the app names its own. */
export function statementName(text: string): string {
  return `floor_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`
}
