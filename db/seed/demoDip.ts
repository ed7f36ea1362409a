import { faker } from '@faker-js/faker/locale/en_GB'
import { sql, type Kysely } from 'kysely'
import type { AttendanceOutcome, Database, TestResult } from '../types.ts'
import { addDays, addMonths } from '../../server/domain/time.ts'
import { ageOn, isPositive, londonDay } from '../../server/features/dip/dipRules.ts'
import { requirementFellAwayReason } from '../../server/features/dip/dipService.ts'
import { pncCheckLetter } from '../../server/features/people/identifiers.ts'
import {
  afterWorkingDays,
  chance,
  createDipPlan,
  custodyTime,
  int,
  officeTime,
  pick,
  plusMinutes,
  todaySlots,
  workingDayOnOrBefore,
  type Appointment,
  type Assessment,
  type Borough,
  type DipPerson,
  type FailureStep,
  type Results,
  type Test,
} from './demoDipPlan.ts'

type Candidate = DipPerson & {
  pncId: string | null
  restricted: boolean
  romfordCentre: boolean
  violent: boolean
  violentEnded: boolean
  inCustody: boolean
  dipMember: boolean
  /** On a cohort led by the demo IOM officer: their home page warns of a charge falling due. */
  ledByIom: boolean
}

const totalTests = 150
const testedPeople = 40
const historyDays = 540 // about 18 months of tests
const fillerFrom = 50 // background chains end before the last weeks, which the stories below fill
const johnPnc = `2009/0417263${pncCheckLetter(2009, 417263)}`

/**
 * The demo DIP caseload, relative to `today` and `now` (Europe/London): drug tests over 18
 * months, required assessments with their RA1–RA5 history, appointments due today and this
 * week, and s12/s14 failures at every stage, some wanted and some past their time bar so the
 * start-up sweep has work. Built in memory through the same steps as the service, then a
 * few multi-row inserts.
 */
export async function seedDemoDip(
  db: Kysely<Database>,
  options: { today: string; now: Date },
): Promise<{ tests: number }> {
  const { today, now } = options
  const users = await db
    .selectFrom('app_user')
    .select(['id', 'username'])
    .where('username', 'in', ['dip', 'iom'])
    .execute()
  const userId = (name: string) => users.find((u) => u.username === name)?.id ?? missing(`the ${name} user`)
  const offences = await db
    .selectFrom('offence')
    .select('code')
    .where('trigger_offence', '=', true)
    .where('active', '=', true)
    .orderBy('sort_order')
    .execute()
  const cast = castPeople(today, await loadPeople(db))
  const plan = createDipPlan(
    today,
    now,
    { dip: userId('dip'), iom: userId('iom') },
    offences.map((o) => o.code),
  )

  const positive = (): Results => ({
    ...faker.helpers.weightedArrayElement([
      { value: { opiates: 'positive', cocaine: 'positive' } as const, weight: 35 },
      { value: { opiates: 'negative', cocaine: 'positive' } as const, weight: 40 },
      { value: { opiates: 'positive', cocaine: 'negative' } as const, weight: 25 },
    ]),
  })
  const negative: Results = { opiates: 'negative', cocaine: 'negative' }
  const sampleOn = (day: string) => new Date(Math.min(custodyTime(day).getTime(), plusMinutes(now, -90).getTime()))
  const daysAgo = (n: number) => workingDayOnOrBefore(addDays(today, -n))
  const daysLeft = (n: number) => workingDayOnOrBefore(addMonths(addDays(today, n), -6))

  /** A positive test on arrest, the assessment required after it and its initial appointment (RA1). */
  function initial(
    person: DipPerson,
    day: string,
    options: {
      at?: Date
      sampleDay?: string
      disputed?: boolean
      confirmed?: boolean
      changes?: number
      movePlace?: boolean
    } = {},
  ): Appointment {
    let sampleDay = options.sampleDay ?? addDays(day, -int(1, 3))
    if (options.disputed) while (afterWorkingDays(sampleDay, 5) > day) sampleDay = addDays(sampleDay, -1)
    const results = { ...positive(), disputed: options.disputed ?? false, condition: 'arrest' as const }
    const test = plan.test(person, sampleOn(sampleDay), results)
    if (options.disputed && options.confirmed !== false) plan.confirm(test, results)
    const assessment = plan.impose(test)
    return plan.appoint(
      assessment,
      'initial',
      options.at ?? officeTime(day < test.earliestDay ? test.earliestDay : day),
      { createdAt: assessment.imposedAt, changes: options.changes ?? 0, movePlace: options.movePlace },
    )
  }
  /** An initial assessment attended, with the follow-up (RA4) booked at `at`. */
  const followUpAt = (person: DipPerson, initialDay: string, at: Date, changes = 0) =>
    plan.followUp(plan.attend(initial(person, initialDay), 'attended', false), at, changes)

  function failure(
    person: DipPerson,
    day: string,
    section: 's12' | 's14',
    outcome: AttendanceOutcome,
    steps: FailureStep[],
    disputed = false,
  ) {
    const appointment =
      section === 's12'
        ? initial(person, day, { disputed })
        : followUpAt(person, workingDayOnOrBefore(addDays(day, -int(14, 24))), officeTime(day))
    plan.fail(plan.attend(appointment, outcome, false), steps)
  }
  const wanted = (statementAfter = int(1, 3)): FailureStep[] => [
    { kind: 'statement_produced', after: statementAfter },
    { kind: 'circulated_wanted', after: statementAfter + int(1, 4) },
  ]
  const roles = [...cast.roles]
  const role = () => roles.shift() ?? pick(cast.roles)

  // Failures: violent people wanted at every distance from the time bar, one wanted person
  // without a current marker, statements due, police outcomes, and two past the time bar.
  ;[12, 58, 104, 130, 167].forEach((left, k) =>
    failure(
      cast.violent[k % cast.violent.length]!,
      daysLeft(left),
      k % 2 ? 's14' : 's12',
      k === 2 ? 'left_early' : 'did_not_attend',
      wanted(),
    ),
  )
  failure(cast.otherWanted, daysLeft(80), 's12', 'did_not_attend', wanted())
  // Arrested but not yet charged, ten days before the time bar: "charge by" on every list, and a warning.
  failure(cast.awaitingCharge, daysLeft(10), 's12', 'did_not_attend', [...wanted(2), { kind: 'arrested', after: 40 }])
  failure(role(), daysAgo(1), 's12', 'did_not_attend', [])
  failure(role(), daysAgo(4), 's14', 'left_early', [])
  failure(role(), daysAgo(8), 's12', 'did_not_attend', [], true)
  failure(role(), daysAgo(19), 's12', 'left_early', [{ kind: 'statement_produced', after: 3 }])
  failure(role(), daysAgo(250), 's14', 'did_not_attend', [
    ...wanted(2),
    { kind: 'arrested', after: 38 },
    {
      kind: 'charged',
      after: 39,
      note: 'Charged with failing to attend the follow-up assessment; bailed to the magistrates’ court',
    },
  ])
  failure(role(), daysAgo(205), 's12', 'did_not_attend', [
    ...wanted(1),
    { kind: 'arrested', after: 52 },
    { kind: 'summonsed', after: 66, note: 'Released and reported for summons' },
  ])
  failure(role(), daysAgo(150), 's12', 'left_early', [
    ...wanted(2),
    { kind: 'arrested', after: 27 },
    { kind: 'no_further_action', after: 28, note: 'CPS: not in the public interest; now engaging with treatment' },
  ])
  failure(role(), daysAgo(62), 's14', 'did_not_attend', [
    { kind: 'statement_produced', after: 2 },
    { kind: 'withdrawn', after: 9, note: 'Hospital discharge letter produced: good cause shown' },
  ])
  failure(role(), workingDayOnOrBefore(addDays(addMonths(today, -6), -6)), 's12', 'did_not_attend', wanted(2))
  failure(role(), workingDayOnOrBefore(addDays(addMonths(today, -6), -18)), 's14', 'did_not_attend', [
    { kind: 'statement_produced', after: 4 },
  ])

  // Today, in office hours: in the working day four due already (one recorded as attended, one
  // left to record) and three still to come; before the office opens all seven are to come.
  const slots = todaySlots(today, now)
  const due = slots.filter((at) => at <= now).length
  const todays: ((at: Date) => void)[] = [
    (at) => {
      const appointment = initial(role(), today, { at })
      if (at <= now && due >= 2)
        plan.followUp(plan.attend(appointment, 'attended', false), officeTime(workingDayOnOrBefore(addDays(today, 21))))
    },
    (at) => initial(role(), today, { at }),
    (at) => initial(role(), today, { at, changes: 1 }),
    (at) => followUpAt(cast.john, daysAgo(21), at),
    (at) => initial(role(), today, { at, sampleDay: addDays(today, -1) }),
    (at) => followUpAt(role(), daysAgo(14), at),
    (at) => initial(role(), today, { at, changes: 1, movePlace: true }),
  ]
  slots.forEach((at, k) => todays[k]?.(at))

  // The coming week, including a disputed test still waiting for the laboratory.
  const disputedSample = addDays(today, -2)
  initial(role(), afterWorkingDays(disputedSample, 5), { sampleDay: disputedSample, disputed: true, confirmed: false })
  // And one the laboratory has answered negative: its requirement fell away (applied after the insert below).
  const labSample = addDays(today, -4)
  const labNegative = initial(role(), afterWorkingDays(labSample, 5), {
    sampleDay: labSample,
    disputed: true,
    confirmed: false,
  })
  initial(role(), afterWorkingDays(today, 1), { sampleDay: addDays(today, -1) })
  followUpAt(role(), daysAgo(12), officeTime(afterWorkingDays(today, 2)))
  followUpAt(role(), daysAgo(16), officeTime(afterWorkingDays(today, 4)), 1)
  initial(role(), afterWorkingDays(today, 3), { sampleDay: addDays(today, -1) })
  // Recent assessments: follow-ups booked beyond this week, and two requirements ended (RA5).
  for (let k = 0; k < 3; k++) followUpAt(role(), daysAgo(int(8, 20)), officeTime(afterWorkingDays(today, int(7, 15))))
  for (let k = 0; k < 2; k++)
    plan.endFollowUp(plan.attend(initial(role(), daysAgo(int(10, 40)), { changes: k }), 'attended', false))

  /** A background chain after a positive test, wholly in the past: mostly attended, some with good cause. */
  let excused = 0
  const excusedOutcome = (): AttendanceOutcome => (excused++ % 3 === 1 ? 'left_early' : 'did_not_attend')
  function history(test: Test) {
    const sampleDay = londonDay(test.sampleAt)
    const assessment: Assessment = plan.impose(test)
    const day = test.disputed ? afterWorkingDays(test.earliestDay, int(0, 1)) : afterWorkingDays(sampleDay, int(1, 4))
    const first = plan.appoint(assessment, 'initial', officeTime(day), {
      createdAt: assessment.imposedAt,
      changes: chance(0.2) ? int(1, 2) : 0,
    })
    if (chance(0.12)) return plan.attend(first, excusedOutcome(), true)
    plan.attend(first, 'attended', false)
    if (chance(0.4)) return plan.endFollowUp(first)
    const next = plan.followUp(first, officeTime(workingDayOnOrBefore(addDays(day, int(14, 28)))), chance(0.15) ? 1 : 0)
    plan.attend(next, chance(0.88) ? 'attended' : excusedOutcome(), true)
  }

  // John Smith's tests across the months, for the chart on his page.
  const johnTests: [number, TestResult, TestResult][] = [
    [520, 'positive', 'positive'],
    [440, 'positive', 'positive'],
    [350, 'positive', 'negative'],
    [262, 'positive', 'positive'],
    [171, 'negative', 'positive'],
    [96, 'negative', 'negative'],
  ]
  for (const [ago, opiates, cocaine] of johnTests) {
    const test = plan.test(cast.john, sampleOn(addDays(today, -ago + int(-4, 4))), {
      opiates,
      cocaine,
      condition: 'arrest',
    })
    if (isPositive({ opiates, cocaine })) history(test)
  }

  // Background tests to make up the total: recent ones without assessments, then older ones.
  const everyone = [...cast.violent, cast.otherWanted, ...cast.roles, ...cast.others]
  const weighted = everyone.map((p) => ({ value: p, weight: (p.dipMember ? 3 : 1) * (p.borough === 'HV' ? 1.5 : 1) }))
  const specs: { person: Candidate; day: string; results: Results }[] = []
  for (let k = 0; k < 12; k++) {
    const results = k < 2 ? { ...negative, refused: true } : k < 9 ? negative : positive()
    specs.push({
      person: faker.helpers.weightedArrayElement(weighted),
      day: addDays(today, -int(1, fillerFrom - 1)),
      results,
    })
  }
  const background = totalTests - plan.rows.tests.length - specs.length
  for (let k = 0; k < background; k++) {
    const person = cast.others[k] ?? faker.helpers.weightedArrayElement(weighted)
    const results = k % 50 === 7 ? { ...negative, refused: true } : chance(0.48) ? positive() : negative
    specs.push({ person, day: addDays(today, -int(fillerFrom, historyDays)), results })
  }
  const adultOn = (s: (typeof specs)[number]) => ageOn(s.person.dateOfBirth, s.day) >= 18
  const disputes = faker.helpers
    .shuffle(specs.filter((s) => s.day < addDays(today, -fillerFrom) && isPositive(s.results) && adultOn(s)))
    .slice(0, 4)
  specs.forEach((spec) => {
    const age = ageOn(spec.person.dateOfBirth, spec.day)
    if (age < 14) return
    const disputed = disputes.indexOf(spec)
    const test = plan.test(spec.person, sampleOn(spec.day), {
      ...spec.results,
      disputed: disputed >= 0,
      condition: age < 18 ? 'charge' : undefined,
    })
    const confirmed = disputed === 3 ? negative : spec.results
    if (disputed >= 0) plan.confirm(test, { opiates: confirmed.opiates, cocaine: confirmed.cocaine })
    const assess =
      age >= 18 &&
      isPositive(confirmed) &&
      !spec.results.refused &&
      spec.day < addDays(today, -fillerFrom) &&
      (disputed >= 0 || chance(0.75))
    if (assess) history(test)
  })

  await insertRows(db, plan.rows)
  await laboratoryFoundNegative(db, labNegative, addDays(today, -1), userId('dip'))
  await backdatePeople(db, everyone.concat(cast.john), plan.rows.tests)
  return { tests: plan.rows.tests.length }
}

function missing(what: string): never {
  throw new Error(`The demo DIP caseload needs ${what}: seed the demo users and people first`)
}

async function loadPeople(db: Kysely<Database>): Promise<Candidate[]> {
  const marker = (current: boolean) =>
    sql<boolean>`exists (select 1 from person_marker m where m.person_id = p.id and m.marker_code in ('violent', 'weapons') and m.ended_on is ${current ? sql`null` : sql`not null`})`
  const rows = await db
    .selectFrom('person as p')
    .innerJoin('area as a', 'a.id', 'p.area_id')
    .leftJoin('ward as w', 'w.id', 'p.ward_id')
    .select(['p.id', 'p.date_of_birth', 'p.pnc_id', 'p.restricted', 'p.created_at', 'a.code', 'w.name as ward'])
    .select([
      marker(true).as('violent'),
      marker(false).as('violent_ended'),
      sql<boolean>`exists (select 1 from cohort_membership c where c.person_id = p.id and c.status = 'in_custody')`.as(
        'in_custody',
      ),
      sql<boolean>`exists (select 1 from cohort_membership c where c.person_id = p.id and c.programme = 'dip')`.as(
        'dip_member',
      ),
      sql<boolean>`exists (select 1 from cohort_membership c join app_user u on u.id = c.lead_officer_id
                            where c.person_id = p.id and c.status = 'active' and u.username = 'iom')`.as('led_by_iom'),
    ])
    .where('a.code', 'in', ['HV', 'BD', 'RB'])
    .orderBy('p.id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    dateOfBirth: r.date_of_birth,
    borough: r.code as Borough,
    createdAt: r.created_at,
    pncId: r.pnc_id,
    restricted: r.restricted,
    romfordCentre: r.ward === "St Edward's" || r.ward === "St Alban's",
    violent: r.violent,
    violentEnded: r.violent_ended && !r.violent,
    inCustody: r.in_custody,
    dipMember: r.dip_member,
    ledByIom: r.led_by_iom,
  }))
}

/** Who plays which part: a weighted draw that favours Havering and Romford town centre. */
function castPeople(today: string, people: Candidate[]) {
  const adult = (p: Candidate) => ageOn(p.dateOfBirth, addDays(today, -historyDays - 30)) >= 18
  const john = people.find((p) => p.pncId === johnPnc)
  const weight = (p: Candidate) => (p.romfordCentre ? 4 : p.borough === 'HV' ? 2.5 : 1.2) * (p.dipMember ? 2 : 1)
  const ordered = people
    .filter((p) => p !== john && !p.restricted)
    .map((p) => ({ p, key: Math.pow(faker.number.float({ min: 0.0001, max: 1 }), 1 / weight(p)) }))
    .sort((a, b) => b.key - a.key)
    .map((x) => x.p)
  const used = new Set<string>()
  const take = (n: number, ...filters: ((p: Candidate) => boolean)[]) => {
    const chosen: Candidate[] = []
    for (const filter of filters) {
      for (const p of ordered) {
        if (chosen.length >= n) return chosen
        if (!used.has(p.id) && filter(p)) {
          used.add(p.id)
          chosen.push(p)
        }
      }
    }
    return chosen
  }
  const free = (p: Candidate) => !p.inCustody && adult(p)
  const johnOrStandIn = john ?? take(1, free)[0] ?? missing('the demo people')
  const violent = take(
    5,
    (p) => p.violent && free(p),
    (p) => p.violent && adult(p),
  )
  const otherWanted =
    take(
      1,
      (p) => p.violentEnded && free(p),
      (p) => !p.violent && free(p),
    )[0] ?? johnOrStandIn
  const awaitingCharge =
    take(
      1,
      (p) => p.ledByIom && !p.violent && free(p),
      (p) => !p.violent && free(p),
    )[0] ?? johnOrStandIn
  const roles = take(26, (p) => !p.violent && free(p), free, adult)
  const others = take(testedPeople - 1 - used.size, () => true)
  return {
    john: johnOrStandIn,
    violent: violent.length > 0 ? violent : [otherWanted],
    otherWanted,
    awaitingCharge,
    roles,
    others,
  }
}

/**
 * The laboratory found negative what custody found positive: the requirement falls away and its
 * appointment closes, as dipService.confirmTest does it. After the insert, since the database
 * refuses an appointment under a requirement that no longer stands.
 */
async function laboratoryFoundNegative(
  db: Kysely<Database>,
  appointment: Appointment,
  confirmedOn: string,
  recordedBy: string,
) {
  const reason = requirementFellAwayReason
  await db
    .insertInto('drug_test_confirmation')
    .values({
      drug_test_id: appointment.assessment.test.id,
      opiates: 'negative',
      cocaine: 'negative',
      confirmed_on: confirmedOn,
      recorded_by: recordedBy,
    })
    .execute()
  await db
    .updateTable('required_assessment')
    .set({ fell_away_on: confirmedOn, fell_away_reason: reason })
    .where('id', '=', appointment.assessment.id)
    .execute()
  await db
    .updateTable('appointment')
    .set({ closed_on: confirmedOn, closed_reason: reason })
    .where('id', '=', appointment.id)
    .execute()
}

async function insertRows(db: Kysely<Database>, rows: ReturnType<typeof createDipPlan>['rows']) {
  if (rows.tests.length > 0) await db.insertInto('drug_test').values(rows.tests).execute()
  if (rows.confirmations.length > 0) await db.insertInto('drug_test_confirmation').values(rows.confirmations).execute()
  if (rows.assessments.length > 0) await db.insertInto('required_assessment').values(rows.assessments).execute()
  if (rows.appointments.length > 0) await db.insertInto('appointment').values(rows.appointments).execute()
  if (rows.changes.length > 0) await db.insertInto('appointment_change').values(rows.changes).execute()
  if (rows.attendances.length > 0) await db.insertInto('attendance').values(rows.attendances).execute()
  if (rows.failures.length > 0) await db.insertInto('dip_failure').values(rows.failures).execute()
  if (rows.events.length > 0) await db.insertInto('dip_failure_event').values(rows.events).execute()
}

/** A person's record exists before their first test in custody. */
async function backdatePeople(
  db: Kysely<Database>,
  people: DipPerson[],
  tests: { person_id: string; sample_taken_at: Date | string }[],
) {
  const firstTest = new Map<string, number>()
  for (const t of tests) {
    const at = new Date(t.sample_taken_at).getTime()
    firstTest.set(t.person_id, Math.min(at, firstTest.get(t.person_id) ?? at))
  }
  const unique = [...new Map(people.map((p) => [p.id, p])).values()]
  const changes = unique.flatMap((p) => {
    const first = firstTest.get(p.id)
    return first !== undefined && p.createdAt.getTime() > first
      ? [sql`(${p.id}::uuid, ${new Date(first - 86_400_000 * int(1, 60)).toISOString()}::timestamptz)`]
      : []
  })
  if (changes.length === 0) return
  await sql`update person set created_at = v.created_at from (values ${sql.join(changes)}) as v(id, created_at) where person.id = v.id`.execute(
    db,
  )
}
