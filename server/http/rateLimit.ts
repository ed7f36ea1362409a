import { createHash } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../../db/types.ts'
import { HttpError } from './httpError.ts'

export type SignInFailureLimits = { failuresPerAddress: number; failuresPerUsername: number }

/** A refusal that knows when the window ends, so the answer can say when to try again. */
export class TooManyAttempts extends HttpError {
  constructor(readonly retryAt: Date) {
    super(429, 'Too many attempts')
  }
}

/** When to try again, in the three forms the answer needs: a header, a clock time and a wait. */
export function describeRetry(retryAt: Date, now = Date.now()) {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - now) / 1000))
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
  }).format(retryAt)
  return { seconds, time, minutes: Math.ceil(seconds / 60) }
}

export type Reservation = { ok: true; release(): Promise<void> } | { ok: false; retryAt: Date }

/**
 * Counts failed sign-ins in fixed windows kept in the database (so every app instance counts the
 * same), per address and per username from that address. An attempt takes its place in both
 * counts before the password is checked, in one statement per count that refuses once the count
 * is full, so a burst sent at once cannot outrun the limit; a successful sign-in gives it back.
 */
export function createSignInLimiter(db: Kysely<Database>, options: SignInFailureLimits & { windowMs: number }) {
  async function take(trx: Transaction<Database>, key: string, windowStart: Date, limit: number) {
    return trx
      .insertInto('rate_limit_hit')
      .values({ key, window_start: windowStart, hits: 1 })
      .onConflict((oc) =>
        oc
          .columns(['key', 'window_start'])
          .doUpdateSet({ hits: sql`rate_limit_hit.hits + 1` })
          .where('rate_limit_hit.hits', '<', limit),
      )
      .returning('hits')
      .executeTakeFirst()
  }

  async function reserve(address: string, username: string): Promise<Reservation> {
    const start = Math.floor(Date.now() / options.windowMs) * options.windowMs
    const windowStart = new Date(start)
    const addressKey = `sign-in:address:${address}`
    const usernameKey = `sign-in:username:${usernameDigest(username)}:${address}`
    const taken = await db
      .transaction()
      .execute(async (trx) => {
        const byAddress = await take(trx, addressKey, windowStart, options.failuresPerAddress)
        if (!byAddress) return { ok: false as const, first: false }
        const byUsername = await take(trx, usernameKey, windowStart, options.failuresPerUsername)
        // Refused by the second count: the rollback hands back the place taken in the first.
        if (!byUsername) throw new Refused()
        return { ok: true as const, first: byAddress.hits === 1 }
      })
      .catch((error: unknown) => {
        if (error instanceof Refused) return { ok: false as const, first: false }
        throw error
      })
    if (!taken.ok) return { ok: false, retryAt: new Date(start + options.windowMs) }
    // The first failure of an address in a new window clears every finished window.
    if (taken.first)
      await db
        .deleteFrom('rate_limit_hit')
        .where('key', 'like', 'sign-in:%')
        .where('window_start', '<', windowStart)
        .execute()
    return {
      ok: true,
      release: async () => {
        await db
          .updateTable('rate_limit_hit')
          .set({ hits: sql`greatest(hits - 1, 0)` })
          .where('key', '=', addressKey)
          .where('window_start', '=', windowStart)
          .execute()
        // Proving the password clears this username's failures from here, as it clears the account's.
        await db.deleteFrom('rate_limit_hit').where('key', '=', usernameKey).execute()
      },
    }
  }

  return { reserve }
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>

class Refused extends Error {}

/** The key holds a digest, not what was typed: people type their password into the username box. */
function usernameDigest(username: string): string {
  return createHash('sha256').update(username.toLowerCase()).digest('base64url').slice(0, 22)
}
