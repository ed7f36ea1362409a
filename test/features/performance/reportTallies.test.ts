import fc from 'fast-check'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../../db/types.ts'
import type { DbHandle } from '../../../db/index.ts'
import { areaIdsByCode, createMembership, createPerson, demoUserIds, uniqueTag } from '../../helpers/factories.ts'
import { createTestDatabase } from '../../helpers/testDatabase.ts'
import { failure } from '../cid/cidSupport.ts'
import { allKeptAndFresh, expectTalliesToAgree } from './talliesAgree.ts'

// The report reads its counts from tallies kept by the database as the case tables change (the
// report_tallies migration). Whatever the writes, the tallies must equal what the case tables give
// when worked out from nothing: after the demo seed, after each awkward kind of write, after a
// rollback, after two transactions on one person at once, and after random sequences of writes.

type Db = Kysely<Database>
let handle: DbHandle
let db: Db
let users: Awaited<ReturnType<typeof demoUserIds>>
let wards: string[]
let havering: string

beforeAll(async () => {
  handle = await createTestDatabase()
  db = handle.db
  users = await demoUserIds(db)
  havering = (await areaIdsByCode(db))['HV'] ?? ''
  wards = (
    await db.selectFrom('ward').select('id').where('borough_id', '=', havering).orderBy('name').limit(3).execute()
  ).map((w) => w.id)
})
afterAll(async () => {
  await handle.close()
})

async function addTest(personId: string, when: string, offence = 'POSSESSION_A') {
  return (
    await db
      .insertInto('drug_test')
      .values({
        person_id: personId,
        custody_suite_code: 'ROMFORD',
        custody_number: `TT/${uniqueTag()}/25`,
        condition: 'arrest',
        trigger_offence_code: offence,
        sample_taken_at: new Date(when),
        opiates: 'positive',
        cocaine: 'negative',
        recorded_by: users.dip,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
}

/** An appointment with no attendance recorded: one to record on its day (the home page's count). */
async function bookAppointment(personId: string, testId: string, when: string) {
  const assessment = await db
    .insertInto('required_assessment')
    .values({ person_id: personId, drug_test_id: testId, imposed_by: users.dip })
    .returning('id')
    .executeTakeFirstOrThrow()
  return db
    .insertInto('appointment')
    .values({
      assessment_id: assessment.id,
      person_id: personId,
      kind: 'initial',
      form: 'RA1',
      scheduled_at: new Date(when),
      place: 'CJIT office',
      assessor: 'Sam Okafor',
      created_by: users.dip,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

async function addAttendedAppointment(
  personId: string,
  testId: string,
  when: string,
  outcome: 'attended' | 'did_not_attend' = 'attended',
) {
  const appointment = await bookAppointment(personId, testId, when)
  await db
    .insertInto('attendance')
    .values({ appointment_id: appointment.id, outcome, good_cause: false, recorded_by: users.dip })
    .execute()
  return appointment.id
}

describe('the report tallies', () => {
  it('agree with the case tables after the demo seed', async () => {
    const kept = await sql<{ n: number }>`select count(*)::int as n from report_day_tally`.execute(db)
    expect(kept.rows[0]?.n).toBeGreaterThan(0)
    await expectTalliesToAgree(db)
  })

  it('follow a person who moves ward, and a test that moves to another person', async () => {
    const mover = await createPerson(db, { ward_id: wards[0] ?? null })
    const other = await createPerson(db, { ward_id: wards[1] ?? null })
    const testId = await addTest(mover.id, '2025-03-03T10:00:00Z')
    await addAttendedAppointment(mover.id, testId, '2025-03-04T10:00:00Z')
    await createMembership(db, { personId: mover.id, leadOfficerId: users.iom, adoptedOn: '2025-01-10' })
    await db
      .updateTable('person')
      .set({ ward_id: wards[2] ?? null })
      .where('id', '=', mover.id)
      .execute()
    await expectTalliesToAgree(db)
    const inNewWard = await sql<{
      tests: number
    }>`select sum(tests)::int as tests from report_day_tally where ward_id = ${wards[2]} and day = '2025-03-03'`.execute(
      db,
    )
    expect(inNewWard.rows[0]?.tests).toBeGreaterThanOrEqual(1)
    await db.updateTable('drug_test').set({ person_id: other.id }).where('id', '=', testId).execute()
    await expectTalliesToAgree(db)
  })

  it('follow several changes to one membership in one statement, and a reschedule of every appointment at once', async () => {
    const person = await createPerson(db, { ward_id: wards[0] ?? null })
    const membership = await createMembership(db, {
      personId: person.id,
      leadOfficerId: users.iom,
      adoptedOn: '2024-11-20',
      tier: 'green',
    })
    await db
      .insertInto('membership_event')
      .values([
        {
          membership_id: membership.id,
          kind: 'tier_changed',
          event_date: '2025-01-05',
          tier: 'amber',
          recorded_by: users.iom,
        },
        {
          membership_id: membership.id,
          kind: 'tier_changed',
          event_date: '2025-01-05',
          tier: 'red',
          recorded_by: users.iom,
        },
        {
          membership_id: membership.id,
          kind: 'tier_changed',
          event_date: '2025-04-30',
          tier: 'green',
          recorded_by: users.iom,
        },
      ])
      .execute()
    await expectTalliesToAgree(db)
    const testId = await addTest(person.id, '2025-02-01T10:00:00Z')
    await addAttendedAppointment(person.id, testId, '2025-02-02T10:00:00Z')
    await addAttendedAppointment(
      person.id,
      await addTest(person.id, '2025-02-03T09:00:00Z', 'THEFT'),
      '2025-02-03T10:00:00Z',
      'did_not_attend',
    )
    await db
      .updateTable('appointment')
      .set({ scheduled_at: sql`scheduled_at + interval '40 days'` })
      .where('person_id', '=', person.id)
      .execute()
    await expectTalliesToAgree(db)
    await db
      .updateTable('cohort_membership')
      .set({ status: 'ended', ended_on: '2025-03-15' })
      .where('id', '=', membership.id)
      .execute()
    await expectTalliesToAgree(db)
    await db
      .deleteFrom('membership_event')
      .where('membership_id', '=', membership.id)
      .where('tier', '=', 'red')
      .execute()
    await expectTalliesToAgree(db)
  })

  it('forget a person deleted with everything of theirs, and nothing changes when a transaction rolls back', async () => {
    const person = await createPerson(db, { ward_id: wards[1] ?? null })
    const testId = await addTest(person.id, '2025-05-05T10:00:00Z')
    await addAttendedAppointment(person.id, testId, '2025-05-06T10:00:00Z')
    await createMembership(db, { personId: person.id, leadOfficerId: users.iom, adoptedOn: '2025-02-10' })
    const before = await allKeptAndFresh(db)
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .updateTable('person')
          .set({ ward_id: wards[2] ?? null })
          .where('id', '=', person.id)
          .execute()
        await trx
          .deleteFrom('attendance')
          .where('appointment_id', 'in', trx.selectFrom('appointment').select('id').where('person_id', '=', person.id))
          .execute()
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    expect(await allKeptAndFresh(db)).toEqual(before)
    await db.deleteFrom('required_assessment').where('person_id', '=', person.id).execute()
    await db.deleteFrom('drug_test').where('person_id', '=', person.id).execute()
    await db.deleteFrom('person').where('id', '=', person.id).execute()
    await expectTalliesToAgree(db)
    const left = await sql<{
      n: number
    }>`select count(*)::int as n from report_day_share where person_id = ${person.id}`.execute(db)
    expect(left.rows[0]?.n).toBe(0)
  })

  it('follow DIP failures (new, moved on, moved to another person) and partner links (opened, re-rated, closed)', async () => {
    const person = await createPerson(db, { ward_id: wards[0] ?? null })
    const other = await createPerson(db, { ward_id: wards[1] ?? null })
    const failed = await failure(db, person.id, { status: 'open', failureDate: '2025-06-10' })
    await expectTalliesToAgree(db)
    await db.updateTable('dip_failure').set({ status: 'wanted' }).where('id', '=', failed.id).execute()
    await expectTalliesToAgree(db)
    const wanted = await sql<{
      n: number
    }>`select sum(n)::int as n from report_failure_tally where ward_id = ${wards[0]} and day = '2025-06-10' and status = 'wanted'`.execute(
      db,
    )
    expect(wanted.rows[0]?.n).toBeGreaterThanOrEqual(1)
    await db.updateTable('dip_failure').set({ person_id: other.id }).where('id', '=', failed.id).execute()
    await expectTalliesToAgree(db)
    const agreement = await db
      .insertInto('sharing_agreement')
      .values({
        name: `Tally agreement ${uniqueTag()}`,
        agency: 'mash',
        categories: ['identity'],
        starts_on: '2020-01-01',
        created_by: users.admin,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const link = await db
      .insertInto('partner_link')
      .values({
        person_id: person.id,
        agency: 'mash',
        reference: `MASH/${uniqueTag()}`,
        opened_on: '2025-06-01',
        agreement_id: agreement.id,
        brag_rating: 'amber',
        created_by: users.iom,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await expectTalliesToAgree(db)
    await db.updateTable('partner_link').set({ brag_rating: 'red' }).where('id', '=', link.id).execute()
    await db
      .updateTable('person')
      .set({ ward_id: wards[2] ?? null })
      .where('id', '=', person.id)
      .execute()
    await expectTalliesToAgree(db)
    await db
      .updateTable('partner_link')
      .set({ status: 'closed', closed_on: '2025-07-01' })
      .where('id', '=', link.id)
      .execute()
    await expectTalliesToAgree(db)
    const open = await sql<{
      n: number
    }>`select count(*)::int as n from report_link_share where person_id = ${person.id}`.execute(db)
    expect(open.rows[0]?.n).toBe(0)
  })

  it('agree after two transactions write for one person at the same time', async () => {
    const person = await createPerson(db, { ward_id: wards[0] ?? null })
    await Promise.all(
      [0, 1, 2].map((i) =>
        db.transaction().execute(async (trx) => {
          await trx
            .insertInto('drug_test')
            .values({
              person_id: person.id,
              custody_suite_code: 'ROMFORD',
              custody_number: `TC/${uniqueTag()}/25`,
              condition: 'arrest',
              trigger_offence_code: 'THEFT',
              sample_taken_at: new Date(`2025-06-1${i}T10:00:00Z`),
              opiates: 'negative',
              cocaine: 'positive',
              recorded_by: users.dip,
            })
            .execute()
          await trx
            .updateTable('person')
            .set({ ward_id: wards[i] ?? null })
            .where('id', '=', person.id)
            .execute()
        }),
      ),
    )
    await expectTalliesToAgree(db)
  })

  it('agree after any sequence of writes to tests, appointments, attendance, referrals, memberships and wards', async () => {
    const people = [await createPerson(db, { ward_id: wards[0] ?? null }), await createPerson(db, { ward_id: null })]
    const day = fc
      .integer({ min: 0, max: 500 })
      .map((n) => new Date(Date.UTC(2024, 10, 1, 23, 30) + n * 86_400_000).toISOString())
    const who = fc.integer({ min: 0, max: people.length - 1 }).map((i) => people[i]?.id ?? '')
    const write = fc.oneof(
      fc.record({
        op: fc.constant('test' as const),
        who,
        when: day,
        offence: fc.constantFrom('POSSESSION_A', 'THEFT'),
      }),
      fc.record({ op: fc.constant('attend' as const), who, when: day, attended: fc.boolean() }),
      fc.record({ op: fc.constant('book' as const), who, when: day }),
      fc.record({ op: fc.constant('close' as const), who, on: day.map((d) => d.slice(0, 10)) }),
      fc.record({
        op: fc.constant('refer' as const),
        who,
        when: day,
        status: fc.constantFrom('pending' as const, 'accepted' as const, 'declined' as const),
      }),
      fc.record({
        op: fc.constant('adopt' as const),
        who,
        on: day.map((d) => d.slice(0, 10)),
        tier: fc.constantFrom('red' as const, 'amber' as const, 'green' as const),
      }),
      fc.record({
        op: fc.constant('retier' as const),
        who,
        on: day.map((d) => d.slice(0, 10)),
        tier: fc.constantFrom('red' as const, 'amber' as const, 'green' as const),
      }),
      fc.record({ op: fc.constant('end' as const), who, on: day.map((d) => d.slice(0, 10)) }),
      fc.record({ op: fc.constant('move' as const), who, ward: fc.integer({ min: -1, max: 2 }) }),
      fc.record({ op: fc.constant('forget' as const), who }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 6 }), async (writes) => {
        for (const w of writes) {
          switch (w.op) {
            case 'test':
              await addTest(w.who, w.when, w.offence)
              break
            case 'attend':
              await addAttendedAppointment(
                w.who,
                await addTest(w.who, w.when),
                w.when,
                w.attended ? 'attended' : 'did_not_attend',
              )
              break
            case 'book':
              await bookAppointment(w.who, await addTest(w.who, w.when), w.when)
              break
            case 'close':
              await db
                .updateTable('appointment')
                .set({ closed_on: w.on, closed_reason: 'Tally test' })
                .where('person_id', '=', w.who)
                .where('closed_on', 'is', null)
                .execute()
              break
            case 'refer':
              await db
                .insertInto('referral')
                .values({
                  person_id: w.who,
                  programme: 'iom_fixed',
                  source: 'custody',
                  reason: 'Tally test',
                  referred_by: users.iom,
                  referred_at: new Date(w.when),
                  status: w.status,
                })
                .execute()
              break
            case 'adopt':
              await db
                .deleteFrom('cohort_membership')
                .where('person_id', '=', w.who)
                .where('status', '<>', 'ended')
                .execute()
              await createMembership(db, { personId: w.who, leadOfficerId: users.iom, adoptedOn: w.on, tier: w.tier })
              break
            case 'retier': {
              const open = await db
                .selectFrom('cohort_membership')
                .select('id')
                .where('person_id', '=', w.who)
                .where('status', '<>', 'ended')
                .executeTakeFirst()
              if (open) {
                await db
                  .insertInto('membership_event')
                  .values({
                    membership_id: open.id,
                    kind: 'tier_changed',
                    event_date: w.on,
                    tier: w.tier,
                    recorded_by: users.iom,
                  })
                  .execute()
                await db.updateTable('cohort_membership').set({ tier: w.tier }).where('id', '=', open.id).execute()
              }
              break
            }
            case 'end':
              await db
                .updateTable('cohort_membership')
                .set({ status: 'ended', ended_on: sql`greatest(adopted_on, ${w.on}::date)` })
                .where('person_id', '=', w.who)
                .where('status', '<>', 'ended')
                .execute()
              break
            case 'move':
              await db
                .updateTable('person')
                .set({ ward_id: wards[w.ward] ?? null })
                .where('id', '=', w.who)
                .execute()
              break
            case 'forget':
              await db
                .deleteFrom('attendance')
                .where('appointment_id', 'in', db.selectFrom('appointment').select('id').where('person_id', '=', w.who))
                .execute()
              await db.deleteFrom('referral').where('person_id', '=', w.who).execute()
              break
          }
        }
        await expectTalliesToAgree(db)
      }),
      { numRuns: 25 },
    )
  })
})
