import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { Actor } from '../audit/auditRepository.ts'

type Db = Kysely<Database>

const keyReused = { ok: false as const, kind: 'keyReused' as const }

/** How long a key is remembered: far longer than anyone retries a form, short enough to keep the table small. */
export const idempotencyKeyLifetimeHours = 24

/**
 * A service's write transaction, done once per idempotency key. The key is claimed first, in the
 * same transaction as the write, so either both are committed or neither is:
 * - a new key: the write runs; on success its result is stored with the key; otherwise the key
 *   is released, so the corrected form can be sent again;
 * - a key already committed by the same user for the same form: nothing is written and the
 *   stored result comes back, so the route ends on the same redirect as the first time (even
 *   if that first answer never reached the browser);
 * - the same key sent twice at once: the second claim waits for the first transaction, then
 *   sees its key (or, if the first rolled back, takes the key itself);
 * - a key used by another user or for another form: refused.
 * Without a key (a form opened before keys existed, or a post from a script) it is just a transaction.
 */
export async function writeOnce<R extends { ok: true; id?: unknown } | { ok: false }>(
  db: Db,
  actor: Actor,
  work: (trx: Transaction<Database>) => Promise<R>,
): Promise<R | typeof keyReused> {
  const once = actor.idempotency
  const userId = actor.userId
  if (!once || !userId) return db.transaction().execute(work)
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('idempotency_key')
      .values({ key: once.key, user_id: userId, scope: once.scope, result: null })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst()
    if (!claimed) {
      const earlier = await trx
        .selectFrom('idempotency_key')
        .select(['user_id', 'scope', 'result'])
        .where('key', '=', once.key)
        .executeTakeFirst()
      if (!earlier || earlier.user_id !== userId || earlier.scope !== once.scope || earlier.result === null)
        return keyReused
      return { ok: true, id: earlier.result } as R
    }
    const result = await work(trx)
    if (result.ok) {
      await trx
        .updateTable('idempotency_key')
        .set({ result: JSON.stringify('id' in result ? (result.id ?? null) : null) })
        .where('key', '=', once.key)
        .execute()
    } else {
      await trx.deleteFrom('idempotency_key').where('key', '=', once.key).execute()
    }
    return result
  })
}

/** Forgets keys older than their lifetime; run by the hourly sweep. */
export async function deleteExpiredIdempotencyKeys(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_key')
    .where('created_at', '<', sql<Date>`now() - make_interval(hours => ${idempotencyKeyLifetimeHours})`)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
