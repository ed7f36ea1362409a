import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { DbHandle } from '../../db/index.ts'
import { addDays, todayInLondon } from '../../server/domain/time.ts'
import { down, up } from '../../migrations/20261206T1500_appointments_to_record_kept.ts'
import { areaIdsByCode, demoUserIds } from '../helpers/factories.ts'
import { createTestDatabase } from '../helpers/testDatabase.ts'
import { secondWhileFirstHoldsLocks } from '../helpers/twoSessions.ts'
import { appointmentsToRecordApart } from '../helpers/appointmentsToRecord.ts'
import { appointment, person } from '../features/cid/cidSupport.ts'

// The task list reads the appointments still to record from a table the database keeps
// (decision 0138, migration 20261206T1500). It is right only while it holds exactly the
// appointments the rule (RA3) names: not closed, no attendance recorded, with their borough and
// time as the appointment has them, whichever way either table was written.

let t: DbHandle
let users: Record<string, string> = {}
let boroughs: string[] = []
const today = todayInLondon()

beforeAll(async () => {
  t = await createTestDatabase()
  users = await demoUserIds(t.db)
  const areas = await areaIdsByCode(t.db)
  const parents = await t.db.selectFrom('area').select('id').where('parent_id', 'is not', null).execute()
  boroughs = Object.values(areas).filter((id) => parents.some((p) => p.id === id))
})
afterAll(async () => {
  await t?.close()
})

const disagreeing = () => appointmentsToRecordApart(t.db)

const keptOf = (id: string) =>
  t.db
    .selectFrom('appointment_to_record')
    .select(['area_id', 'scheduled_at'])
    .where('appointment_id', '=', id)
    .executeTakeFirst()

const attend = (appointmentId: string) =>
  t.db
    .insertInto('attendance')
    .values({ appointment_id: appointmentId, outcome: 'attended', good_cause: false, recorded_by: users.dip })
    .returning('id')
    .executeTakeFirstOrThrow()

describe('the appointments still to record, kept by the database', () => {
  it('agree with the demo data, and with the migration working them out again', async () => {
    const kept = await t.db.selectFrom('appointment_to_record').select('appointment_id').execute()
    expect(kept).not.toHaveLength(0)
    expect(await disagreeing()).toEqual([])
    const before = await sql`select * from appointment_to_record order by 1`.execute(t.db)
    await t.asOwner(async (owner) => {
      await down(owner)
      await up(owner)
    })
    expect((await sql`select * from appointment_to_record order by 1`.execute(t.db)).rows).toEqual(before.rows)
  })

  it('follow an appointment made, recorded, unrecorded, moved to another, rescheduled, closed, reopened, deleted', async () => {
    const who = await person(t.db)
    const made = await appointment(t.db, who.id, { scheduledOn: today })
    const other = await appointment(t.db, who.id, { scheduledOn: addDays(today, 1) })
    expect(await keptOf(made.id)).toMatchObject({ area_id: who.area_id })

    const recorded = await attend(made.id)
    expect(await keptOf(made.id)).toBeUndefined()
    // An attendance put against the wrong appointment and moved: each appointment follows.
    await t.db.updateTable('attendance').set({ appointment_id: other.id }).where('id', '=', recorded.id).execute()
    expect(await keptOf(made.id)).toBeDefined()
    expect(await keptOf(other.id)).toBeUndefined()
    // A change to the attendance that leaves its appointment alone leaves the kept rows alone.
    await t.db.updateTable('attendance').set({ outcome: 'left_early' }).where('id', '=', recorded.id).execute()
    expect(await keptOf(other.id)).toBeUndefined()
    await t.db.deleteFrom('attendance').where('id', '=', recorded.id).execute()
    expect(await keptOf(other.id)).toBeDefined()

    const later = new Date(Date.parse(`${today}T15:30:00Z`))
    await t.db.updateTable('appointment').set({ scheduled_at: later }).where('id', '=', made.id).execute()
    expect((await keptOf(made.id))?.scheduled_at).toEqual(later)
    await t.db
      .updateTable('appointment')
      .set({ closed_on: today, closed_reason: 'The requirement fell away' })
      .where('id', '=', made.id)
      .execute()
    expect(await keptOf(made.id)).toBeUndefined()
    await t.db
      .updateTable('appointment')
      .set({ closed_on: null, closed_reason: null })
      .where('id', '=', made.id)
      .execute()
    expect(await keptOf(made.id)).toBeDefined()
    await t.db.deleteFrom('appointment').where('id', '=', made.id).execute()
    expect(await keptOf(made.id)).toBeUndefined()
    expect(await disagreeing()).toEqual([])
  })

  it('follow the person: moved to another borough, combined with another record, erased', async () => {
    const who = await person(t.db)
    const made = await appointment(t.db, who.id, { scheduledOn: today })
    expect(await keptOf(made.id)).toMatchObject({ area_id: who.area_id })
    const moved = boroughs.find((id) => id !== who.area_id)!
    await t.db.updateTable('person').set({ area_id: moved }).where('id', '=', who.id).execute()
    expect(await keptOf(made.id)).toMatchObject({ area_id: moved })

    // Combined into a record in the first borough: the appointments take the survivor's.
    const survivor = await person(t.db)
    await t.db.updateTable('appointment').set({ person_id: survivor.id }).where('person_id', '=', who.id).execute()
    expect(await keptOf(made.id)).toMatchObject({ area_id: survivor.area_id })

    await t.db.deleteFrom('person').where('id', '=', survivor.id).execute()
    expect(await keptOf(made.id)).toBeUndefined()
    expect(await disagreeing()).toEqual([])
  })

  it('follow statements of many rows at once', async () => {
    const who = await person(t.db)
    const made = [] as { id: string }[]
    for (const day of [-1, 0, 0, 1]) made.push(await appointment(t.db, who.id, { scheduledOn: addDays(today, day) }))
    const ids = made.map((m) => m.id)
    await t.db
      .insertInto('attendance')
      .values(ids.slice(0, 3).map((id) => ({ appointment_id: id, outcome: 'did_not_attend', good_cause: false })))
      .execute()
    await t.db
      .updateTable('appointment')
      .set({ scheduled_at: sql`scheduled_at + interval '1 hour'` })
      .where('id', 'in', ids)
      .execute()
    expect(await disagreeing()).toEqual([])
    await t.db.deleteFrom('attendance').where('appointment_id', 'in', ids).execute()
    expect(await disagreeing()).toEqual([])
    expect(
      await t.db
        .selectFrom('appointment_to_record')
        .select('appointment_id')
        .where('appointment_id', 'in', ids)
        .execute(),
    ).toHaveLength(4)
  })

  // The embedded server has one backend session behind all its connections: only PostgreSQL has
  // two writers at once.
  it.runIf(inject('template').kind === 'postgres')(
    'stay right when an attendance is recorded while the appointment is rescheduled',
    async () => {
      const made = await appointment(t.db, (await person(t.db)).id, { scheduledOn: today })
      // The attendance waits for the reschedule to commit, then takes away the row it put back.
      await secondWhileFirstHoldsLocks(
        t.pool,
        (a) =>
          a.query(`update appointment set scheduled_at = scheduled_at + interval '1 hour' where id = $1`, [made.id]),
        (b) =>
          b.query(`insert into attendance (appointment_id, outcome, good_cause) values ($1, 'attended', false)`, [
            made.id,
          ]),
      )
      expect(await keptOf(made.id)).toBeUndefined()
      expect(await disagreeing()).toEqual([])
    },
  )
})
