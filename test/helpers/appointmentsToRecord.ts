import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/types.ts'

/**
 * The rows of `appointment_to_record` (decision 0138) and of the rule it keeps (RA3: not closed,
 * no attendance) that are not in the other, each way: none while the table is right.
 */
export async function appointmentsToRecordApart(db: Kysely<Database>): Promise<unknown[]> {
  const rule = sql`select a.id, a.area_id, a.scheduled_at from appointment a
                    where a.closed_on is null and not exists (select 1 from attendance at where at.appointment_id = a.id)`
  const kept = sql`select k.appointment_id, k.area_id, k.scheduled_at from appointment_to_record k`
  return (await sql`(${kept} except all ${rule}) union all (${rule} except all ${kept})`.execute(db)).rows
}
