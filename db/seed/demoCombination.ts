import type { Kysely } from 'kysely'
import type { Database } from '../types.ts'
import { addDays } from '../../server/domain/time.ts'
import { pncCheckLetter } from '../../server/features/people/identifiers.ts'

/**
 * One person recorded twice (synthetic): a custody record with a PNC ID, and an older record a
 * DIP worker made from a referral without one, with a contact and an action of its own. A
 * supervisor finds the second as a likely duplicate from the first and can combine them.
 */
export async function seedDemoCombination(
  db: Kysely<Database>,
  options: { today: string },
): Promise<{ people: number }> {
  const area = await db.selectFrom('area').select('id').where('code', '=', 'HV').executeTakeFirstOrThrow()
  const dip = await db.selectFrom('app_user').select('id').where('username', '=', 'dip').executeTakeFirstOrThrow()
  const common = { surname: 'Brackenbury', date_of_birth: '1991-03-02', gender: 'male' as const, area_id: area.id }
  await db
    .insertInto('person')
    .values({
      ...common,
      forenames: 'Dominic James',
      pnc_id: `2010/0388142${pncCheckLetter(2010, 388142)}`,
      address: '14 Linden Street, Romford',
    })
    .execute()
  const duplicate = await db
    .insertInto('person')
    .values({ ...common, forenames: 'Dominic', address: 'No fixed abode', created_by: dip.id })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('contact')
    .values({
      person_id: duplicate.id,
      contact_date: addDays(options.today, -12),
      contact_type: 'phone',
      pathway: 'drugs_alcohol',
      note: 'Referred by custody; says he is already known to IOM',
      outcome: 'engaged',
      recorded_by: dip.id,
    })
    .execute()
  await db
    .insertInto('action')
    .values({
      person_id: duplicate.id,
      description: 'Check whether this is a second record for the same man',
      owner_id: dip.id,
      due_date: addDays(options.today, 2),
      pathway: 'drugs_alcohol',
      created_by: dip.id,
    })
    .execute()
  return { people: 2 }
}
