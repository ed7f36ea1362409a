import type { Kysely } from 'kysely'
import type {
  Agency,
  AttendanceOutcome,
  Database,
  FailureStatus,
  MembershipStatus,
  Programme,
  TestResult,
  Tier,
} from '../../../db/types.ts'
import { createOutsideArea, createPerson, demoUserIds, uniqueTag } from '../../helpers/factories.ts'

// A hand-made month-by-month picture, December 2024 to June 2025, in a borough of its own under a
// BCU of its own, granted only to a supervisor of its own: the demo data cannot touch the figures.
// Every figure the report shows is written down in performance.test.ts from the rows below.

type Db = Kysely<Database>

export const period = { from: '2024-12-01', to: '2025-06-30' }

export type PerformanceWorld = {
  username: string
  boroughId: string
  wards: { north: string; south: string; old: string }
}

/** London noon on a day, or an exact instant when given one ('…Z'). */
const at = (when: string) => new Date(when.includes('T') ? when : `${when}T12:00:00Z`)

export async function buildPerformanceWorld(db: Db): Promise<PerformanceWorld> {
  const users = await demoUserIds(db)
  const area = await createOutsideArea(db)
  const ward = async (name: string, validFrom: string, validTo: string | null) =>
    (
      await db
        .insertInto('ward')
        .values({ borough_id: area.boroughId, name, valid_from: validFrom, valid_to: validTo })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const wards = {
    north: await ward('Perfield North', '2022-05-05', null),
    south: await ward('Perfield South', '2022-05-05', null),
    old: await ward('Perfield Old Town', '2002-05-02', '2022-05-04'),
  }

  // The supervisor who sees this borough and nothing else (the demo supervisor's password hash: the same password).
  const demo = await db
    .selectFrom('app_user')
    .select('password_hash')
    .where('id', '=', users.supervisor)
    .executeTakeFirstOrThrow()
  const username = `perfsup${uniqueTag().toLowerCase()}`
  const supervisor = await db
    .insertInto('app_user')
    .values({
      username,
      display_name: 'Pat Performance',
      role: 'supervisor',
      agency: null,
      password_hash: demo.password_hash,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.insertInto('user_area').values({ user_id: supervisor.id, area_id: area.bcuId }).execute()

  const inWard = (wardId: string | null) => createPerson(db, { areaCode: area.boroughCode, ward_id: wardId })
  const people = {
    north: await inWard(wards.north),
    south: await inWard(wards.south),
    old: await inWard(wards.old),
    none: await inWard(null),
  }

  // ---- cohort membership: open at the end of each month ----
  // tierHistory: the dated tiers the membership had, oldest first; its current tier is the last.
  const membership = async (
    personId: string,
    programme: Programme,
    tier: Tier | null,
    adoptedOn: string,
    endedOn: string | null,
    tierHistory: [string, Tier][] = [],
  ) => {
    const status: MembershipStatus = endedOn ? 'ended' : 'active'
    const row = await db
      .insertInto('cohort_membership')
      .values({
        person_id: personId,
        programme,
        status,
        tier,
        lead_officer_id: users.iom,
        adopted_on: adoptedOn,
        ended_on: endedOn,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const [index, [eventDate, eventTier]] of tierHistory.entries()) {
      await db
        .insertInto('membership_event')
        .values({
          membership_id: row.id,
          kind: index === 0 ? 'adopted' : 'tier_changed',
          event_date: eventDate,
          tier: eventTier,
        })
        .execute()
    }
  }
  // Amber when adopted, red from 10 March: the months before count it as amber.
  await membership(people.north.id, 'iom_fixed', 'red', '2025-01-15', null, [
    ['2025-01-15', 'amber'],
    ['2025-03-10', 'red'],
  ])
  await membership(people.south.id, 'iom_fixed', 'amber', '2025-02-10', '2025-04-20')
  await membership(people.old.id, 'dip', null, '2025-03-31', null) // adopted on the last day of March: open at its end
  await membership(people.north.id, 'iom_flex', 'green', '2025-05-01', '2025-05-31') // ended on the last day of May: not open at its end
  await membership(people.south.id, 'iom_free', 'green', '2025-07-05', null) // after the period
  await membership(people.old.id, 'iom_flex', 'amber', '2024-06-01', '2024-12-31') // ended on the last day of December

  // ---- referrals, by the UK month they were made ----
  const referral = async (when: string, status: 'pending' | 'accepted' | 'declined') => {
    await db
      .insertInto('referral')
      .values({
        person_id: people.none.id,
        programme: 'iom_fixed',
        source: 'custody',
        reason: 'Performance test referral',
        referred_by: users.iom,
        referred_at: at(when),
        status,
        decided_by: status === 'pending' ? null : users.supervisor,
        decided_at: status === 'pending' ? null : at(when),
        decline_reason: status === 'declined' ? 'Below threshold' : null,
      })
      .execute()
  }
  await referral('2025-01-10', 'accepted')
  await referral('2025-01-31T23:30:00Z', 'pending') // GMT: still 31 January in London
  await referral('2025-03-05', 'declined')
  await referral('2025-03-20', 'accepted')
  await referral('2025-03-31T23:30:00Z', 'accepted') // BST: already 1 April in London
  await referral('2025-05-15', 'declined')
  await referral('2024-11-20', 'accepted') // before the period

  // ---- drug tests ----
  const drugTest = async (personId: string, when: string, opiates: TestResult, cocaine: TestResult, offence: string) =>
    (
      await db
        .insertInto('drug_test')
        .values({
          person_id: personId,
          custody_suite_code: 'ROMFORD',
          custody_number: `PF/${uniqueTag()}/25`,
          condition: 'arrest',
          trigger_offence_code: offence,
          sample_taken_at: at(when),
          opiates,
          cocaine,
          recorded_by: users.dip,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const t1 = await drugTest(people.north.id, '2025-01-05', 'positive', 'negative', 'POSSESSION_A')
  const t2 = await drugTest(people.north.id, '2025-01-12', 'negative', 'positive', 'THEFT')
  await drugTest(people.south.id, '2025-01-31T23:30:00Z', 'positive', 'positive', 'PWITS_A')
  // February: no tests at all.
  const t4 = await drugTest(people.old.id, '2025-03-03', 'positive', 'not_tested', 'SUPPLY_A')
  await drugTest(people.north.id, '2025-03-15', 'negative', 'not_tested', 'POSSESSION_A')
  await drugTest(people.south.id, '2025-04-10', 'not_tested', 'positive', 'THEFT')
  const t7 = await drugTest(people.north.id, '2025-05-02', 'positive', 'negative', 'POSSESSION_A')
  await drugTest(people.south.id, '2025-05-09', 'negative', 'negative', 'THEFT')
  await drugTest(people.south.id, '2025-05-16', 'negative', 'negative', 'THEFT')
  await drugTest(people.south.id, '2025-05-23', 'not_tested', 'negative', 'THEFT')
  await drugTest(people.none.id, '2025-05-31T23:30:00Z', 'negative', 'negative', 'POSSESSION_A') // BST: 1 June in London
  await drugTest(people.south.id, '2024-11-20', 'positive', 'positive', 'POSSESSION_A') // before the period

  // ---- required assessments and attendance ----
  const assessment = async (personId: string, testId: string) =>
    (
      await db
        .insertInto('required_assessment')
        .values({ person_id: personId, drug_test_id: testId, imposed_by: users.dip })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const appointment = async (
    assessmentId: string,
    personId: string,
    kind: 'initial' | 'follow_up',
    when: string,
    outcome: AttendanceOutcome | null,
  ) => {
    const row = await db
      .insertInto('appointment')
      .values({
        assessment_id: assessmentId,
        person_id: personId,
        kind,
        form: kind === 'initial' ? 'RA1' : 'RA4',
        scheduled_at: at(when),
        place: 'CJIT office',
        assessor: 'Sam Okafor',
        created_by: users.dip,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (outcome)
      await db
        .insertInto('attendance')
        .values({ appointment_id: row.id, outcome, good_cause: outcome !== 'attended', recorded_by: users.dip })
        .execute()
    return row.id
  }
  const a1 = await assessment(people.north.id, t1)
  await appointment(a1, people.north.id, 'initial', '2025-01-08', 'attended')
  await appointment(a1, people.north.id, 'follow_up', '2025-02-05', null) // a follow-up with nothing recorded
  await appointment(await assessment(people.north.id, t2), people.north.id, 'initial', '2025-01-15', 'attended')
  await appointment(await assessment(people.old.id, t4), people.old.id, 'initial', '2025-03-06', 'did_not_attend')
  await appointment(await assessment(people.north.id, t7), people.north.id, 'initial', '2025-05-05', 'left_early')

  // ---- failures: each with its own chain, tested in October 2024 (before the period), no attendance rows ----
  let chains = 0
  const failure = async (personId: string, section: 's12' | 's14', status: FailureStatus, failureDate: string) => {
    chains += 1
    const testId = await drugTest(
      personId,
      `2024-10-${String(chains).padStart(2, '0')}`,
      'positive',
      'negative',
      'THEFT',
    )
    const appointmentId = await appointment(
      await assessment(personId, testId),
      personId,
      section === 's12' ? 'initial' : 'follow_up',
      failureDate,
      null,
    )
    await db
      .insertInto('dip_failure')
      .values({
        appointment_id: appointmentId,
        person_id: personId,
        section,
        failure_date: failureDate,
        time_bar_date: '2025-12-31',
        status,
        statement_produced_on: failureDate,
        wanted_since: status === 'open' ? null : failureDate,
      })
      .execute()
  }
  await failure(people.south.id, 's12', 'wanted', '2025-01-20')
  await failure(people.south.id, 's12', 'wanted', '2025-02-20')
  await failure(people.south.id, 's12', 'charged', '2025-03-20')
  await failure(people.south.id, 's14', 'withdrawn', '2025-04-20')
  await failure(people.north.id, 's14', 'open', '2025-06-10')
  await failure(people.north.id, 's12', 'wanted', '2024-11-15') // before the period

  // ---- partner links: open ones by agency and rating ----
  const agreements = new Map<Agency, string>()
  const agreementFor = async (agency: Agency) => {
    const known = agreements.get(agency)
    if (known) return known
    const row = await db
      .insertInto('sharing_agreement')
      .values({ name: `Perf ${agency}`, agency, categories: ['identity'], starts_on: '2020-01-01' })
      .returning('id')
      .executeTakeFirstOrThrow()
    agreements.set(agency, row.id)
    return row.id
  }
  const link = async (
    agency: 'marac' | 'yos' | 'mash',
    fields: { brag?: 'red' | 'amber'; dash?: number; closed?: boolean },
  ) => {
    await db
      .insertInto('partner_link')
      .values({
        person_id: people.none.id,
        agency,
        reference: `${agency.toUpperCase()}/${uniqueTag()}`,
        opened_on: '2025-02-01',
        status: fields.closed ? 'closed' : 'open',
        closed_on: fields.closed ? '2025-03-01' : null,
        agreement_id: await agreementFor(agency),
        marac_role: agency === 'marac' ? 'victim' : null,
        dash_score: fields.dash ?? null,
        brag_rating: fields.brag ?? null,
      })
      .execute()
  }
  await link('mash', { brag: 'red' })
  await link('mash', { brag: 'red' })
  await link('mash', { brag: 'amber' })
  await link('mash', { brag: 'red', closed: true }) // closed: not counted
  await link('marac', { dash: 16 })
  await link('marac', { dash: 10 })
  await link('yos', {})

  return { username, boroughId: area.boroughId, wards }
}
