import type { Kysely } from 'kysely'
import type { Database } from '../types.ts'
import { addMonths } from '../../server/domain/time.ts'

/**
 * Old records, never adopted and untouched for years, so the retention queue has work on a fresh
 * start: three within the six years a record must be kept (they may be retained, not disposed of),
 * and one past them.
 */
export async function seedDemoRetention(db: Kysely<Database>, options: { today: string }): Promise<{ people: number }> {
  const area = await db.selectFrom('area').select('id').where('code', '=', 'BD').executeTakeFirstOrThrow()
  const old = (months: number) => `${addMonths(options.today, -months)}T10:00:00Z`
  const people = [
    { surname: 'Ashworth', forenames: 'Terence', date_of_birth: '1961-04-09', gender: 'male' as const, at: old(58) },
    { surname: 'Pellow', forenames: 'Marian', date_of_birth: '1970-11-23', gender: 'female' as const, at: old(49) },
    { surname: 'Quint', forenames: 'Derek', date_of_birth: '1958-02-17', gender: 'male' as const, at: old(44) },
    { surname: 'Harker', forenames: 'Lionel', date_of_birth: '1955-08-30', gender: 'male' as const, at: old(86) },
  ]
  await db
    .insertInto('person')
    .values(
      people.map(({ at, ...p }) => ({
        ...p,
        area_id: area.id,
        address: 'Address no longer current',
        created_at: at,
        updated_at: at,
      })),
    )
    .execute()
  return { people: people.length }
}
