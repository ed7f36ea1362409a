import { sql, type Kysely, type Selectable } from 'kysely'
import type { AppointmentTable, AttendanceOutcome, Database, RefusalAction, TestResult } from '../../../db/types.ts'
import type { Window } from '../../domain/window.ts'
import { personIdentityColumns, personListColumns } from '../people/personColumns.ts'
import { updateIfVersion } from '../../queries/updateIfVersion.ts'
import { userNameOf } from '../../queries/userName.ts'
import { eachAreasFirst } from '../../queries/areas.ts'

type Db = Kysely<Database>

export type NewDrugTest = {
  personId: string
  custodySuiteCode: string
  custodyNumber: string
  condition: 'arrest' | 'charge'
  triggerOffenceCode: string | null
  authorisedBy: string | null
  sampleTakenAt: Date
  opiates: TestResult
  cocaine: TestResult
  refused: boolean
  refusalAction?: RefusalAction | null
  disputed: boolean
  recordedBy: string
  importBatch?: string | null
}

export function drugTestValues(test: NewDrugTest) {
  return {
    person_id: test.personId,
    custody_suite_code: test.custodySuiteCode,
    custody_number: test.custodyNumber,
    condition: test.condition,
    trigger_offence_code: test.triggerOffenceCode,
    authorised_by: test.authorisedBy,
    sample_taken_at: test.sampleTakenAt,
    opiates: test.opiates,
    cocaine: test.cocaine,
    refused: test.refused,
    refusal_action: test.refused ? (test.refusalAction ?? 'pending') : null,
    disputed: test.disputed,
    recorded_by: test.recordedBy,
    import_batch: test.importBatch ?? null,
  }
}

export async function insertDrugTest(db: Db, test: NewDrugTest): Promise<string> {
  const row = await db.insertInto('drug_test').values(drugTestValues(test)).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function custodyNumberUsed(
  db: Db,
  suite: string,
  custodyNumber: string,
  sampleTakenAt: Date,
): Promise<boolean> {
  const row = await db
    .selectFrom('drug_test')
    .select('id')
    .where('custody_suite_code', '=', suite)
    .where('custody_number', '=', custodyNumber)
    .where('sample_taken_at', '=', sampleTakenAt)
    .executeTakeFirst()
  return row !== undefined
}

/** A test with its person, if the person is in the given areas. */
export function findTestInAreas(db: Db, testId: string, areaIds: readonly string[]) {
  if (areaIds.length === 0) return Promise.resolve(undefined)
  return db
    .selectFrom('drug_test as t')
    .innerJoin('person as p', 'p.id', 't.person_id')
    .leftJoin('drug_test_confirmation as c', 'c.drug_test_id', 't.id')
    .leftJoin('required_assessment as ra', 'ra.drug_test_id', 't.id')
    .selectAll('t')
    .select([
      ...personIdentityColumns,
      'c.id as confirmation_id',
      'c.opiates as confirmed_opiates',
      'c.cocaine as confirmed_cocaine',
      'c.confirmed_on',
      'ra.id as assessment_id',
      'ra.imposed_at',
      'ra.imposed_by_officer',
      'ra.fell_away_on',
      'ra.fell_away_reason',
    ])
    .where('t.id', '=', testId)
    .where('p.area_id', 'in', [...areaIds])
    .executeTakeFirst()
}

export async function insertConfirmation(
  db: Db,
  confirmation: {
    drugTestId: string
    opiates: TestResult
    cocaine: TestResult
    confirmedOn: string
    recordedBy: string
  },
): Promise<void> {
  await db
    .insertInto('drug_test_confirmation')
    .values({
      drug_test_id: confirmation.drugTestId,
      opiates: confirmation.opiates,
      cocaine: confirmation.cocaine,
      confirmed_on: confirmation.confirmedOn,
      recorded_by: confirmation.recordedBy,
    })
    .execute()
}

export async function insertAssessment(
  db: Db,
  assessment: {
    personId: string
    drugTestId: string
    imposedAt: Date
    imposedBy: string | null
    imposedByOfficer: string | null
  },
): Promise<string> {
  const row = await db
    .insertInto('required_assessment')
    .values({
      person_id: assessment.personId,
      drug_test_id: assessment.drugTestId,
      imposed_at: assessment.imposedAt,
      imposed_by: assessment.imposedBy,
      imposed_by_officer: assessment.imposedByOfficer,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function insertAppointment(
  db: Db,
  appointment: {
    assessmentId: string
    personId: string
    kind: 'initial' | 'follow_up'
    scheduledAt: Date
    place: string
    assessor: string
    form: 'RA1' | 'RA4'
    createdBy: string
  },
): Promise<string> {
  const row = await db
    .insertInto('appointment')
    .values({
      assessment_id: appointment.assessmentId,
      person_id: appointment.personId,
      kind: appointment.kind,
      scheduled_at: appointment.scheduledAt,
      place: appointment.place,
      assessor: appointment.assessor,
      form: appointment.form,
      created_by: appointment.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** An appointment with everything the attendance and statement pages need, if in scope. */
export function findAppointmentInAreas(db: Db, appointmentId: string, areaIds: readonly string[]) {
  if (areaIds.length === 0) return Promise.resolve(undefined)
  return db
    .selectFrom('appointment as a')
    .innerJoin('person as p', 'p.id', 'a.person_id')
    .innerJoin('required_assessment as ra', 'ra.id', 'a.assessment_id')
    .innerJoin('drug_test as t', 't.id', 'ra.drug_test_id')
    .leftJoin('attendance as at', 'at.appointment_id', 'a.id')
    .leftJoin('dip_failure as f', 'f.appointment_id', 'a.id')
    .selectAll('a')
    .select([
      ...personIdentityColumns,
      'p.address',
      'ra.follow_up_ended_on',
      'ra.imposed_at',
      'ra.fell_away_on',
      'ra.fell_away_reason',
      't.sample_taken_at',
      't.disputed',
      'at.outcome as attendance_outcome',
      'at.good_cause',
      'at.good_cause_note',
      'at.recorded_at as attendance_recorded_at',
      'f.id as failure_id',
      sql<boolean>`exists (select 1 from appointment f2 where f2.assessment_id = a.assessment_id and f2.kind = 'follow_up')`.as(
        'follow_up_booked',
      ),
    ])
    .where('a.id', '=', appointmentId)
    .where('p.area_id', 'in', [...areaIds])
    .executeTakeFirst()
}

export type AppointmentRecord = NonNullable<Awaited<ReturnType<typeof findAppointmentInAreas>>>

export const rescheduleIfVersion = (db: Db, id: string, version: number, scheduledAt: Date, place: string) =>
  updateIfVersion(db, 'appointment', { id, version }, { scheduled_at: scheduledAt, place })

export async function insertAppointmentChange(
  db: Db,
  change: {
    appointmentId: string
    previousAt: Date
    previousPlace: string
    newAt: Date
    newPlace: string
    reason: string
    changedBy: string
  },
) {
  await db
    .insertInto('appointment_change')
    .values({
      appointment_id: change.appointmentId,
      previous_scheduled_at: change.previousAt,
      previous_place: change.previousPlace,
      new_scheduled_at: change.newAt,
      new_place: change.newPlace,
      reason: change.reason,
      changed_by: change.changedBy,
    })
    .execute()
}

/** Inserts the attendance unless one exists; false when the appointment already had one. */
export async function insertAttendance(
  db: Db,
  attendance: {
    appointmentId: string
    outcome: AttendanceOutcome
    goodCause: boolean
    goodCauseNote: string | null
    recordedBy: string
  },
): Promise<boolean> {
  const row = await db
    .insertInto('attendance')
    .values({
      appointment_id: attendance.appointmentId,
      outcome: attendance.outcome,
      good_cause: attendance.goodCause,
      good_cause_note: attendance.goodCauseNote,
      recorded_by: attendance.recordedBy,
    })
    .onConflict((oc) => oc.column('appointment_id').doNothing())
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/**
 * The requirement falls away (a negative laboratory result): it is marked so, and every
 * appointment under it not yet attended is closed with the reason. Failures are withdrawn by the
 * service, which writes their history. Returns the failures still open to the police.
 */
export async function fallAway(db: Db, assessmentId: string, day: string, reason: string) {
  await db
    .updateTable('required_assessment')
    .set({ fell_away_on: day, fell_away_reason: reason })
    .where('id', '=', assessmentId)
    .where('fell_away_on', 'is', null)
    .execute()
  await db
    .updateTable('appointment')
    .set({ closed_on: day, closed_reason: reason, version: sql`version + 1` })
    .where('assessment_id', '=', assessmentId)
    .where('closed_on', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('attendance as at').select('at.id').whereRef('at.appointment_id', '=', 'appointment.id'),
        ),
      ),
    )
    .execute()
  return db
    .selectFrom('dip_failure as f')
    .innerJoin('appointment as a', 'a.id', 'f.appointment_id')
    .select(['f.id', 'f.person_id', 'f.version'])
    .where('a.assessment_id', '=', assessmentId)
    .where('f.status', 'in', ['open', 'wanted', 'arrested'])
    .execute()
}

export async function endFollowUp(db: Db, assessmentId: string, endedOn: string, endedBy: string): Promise<boolean> {
  const result = await db
    .updateTable('required_assessment')
    .set({ follow_up_ended_on: endedOn, follow_up_ended_by: endedBy })
    .where('id', '=', assessmentId)
    .where('follow_up_ended_on', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/**
 * The open appointments of [from, to), each area's first `upTo` in time order (at 1,000,000
 * people a day holds tens of thousands). Closed appointments (a requirement that fell away) are
 * no longer anyone's to keep.
 */
const eachAreasFirstAppointments = (areaIds: readonly string[], from: Date, to: Date, upTo: number) =>
  sql<Selectable<AppointmentTable>>`(select a.* from ${eachAreasFirst(
    areaIds,
    'appointment',
    'a',
    sql`a.scheduled_at >= ${from} and a.scheduled_at < ${to} and a.closed_on is null`,
    sql`a.scheduled_at, a.id`,
    upTo,
  )})`

/**
 * One page of the appointments in [from, to) in the areas, in time order, and whether there are
 * more. Not counted: at 100,000 people a day is about 3,000 appointments, and counting them cost
 * more than reading the page.
 */
export async function appointmentsBetween(db: Db, areaIds: readonly string[], from: Date, to: Date, window: Window) {
  if (areaIds.length === 0) return { rows: [], hasNext: false }
  const upTo = window.offset + window.limit + 1
  const rows = await db
    .selectFrom(eachAreasFirstAppointments(areaIds, from, to, upTo).as('a'))
    .innerJoin('person as p', 'p.id', 'a.person_id')
    .leftJoin('attendance as at', 'at.appointment_id', 'a.id')
    .leftJoin('dip_failure as f', 'f.appointment_id', 'a.id')
    .select([
      'a.id',
      'a.kind',
      'a.scheduled_at',
      'a.place',
      'a.assessor',
      ...personListColumns,
      'at.outcome',
      'f.id as failure_id',
    ])
    .orderBy('a.scheduled_at')
    .orderBy('a.id')
    .limit(window.limit + 1)
    .offset(window.offset)
    .execute()
  return { rows: rows.slice(0, window.limit), hasNext: rows.length > window.limit }
}

// ---- the DIP panels of the person page: each a part of its one statement (people/personPanels.ts) ----

export function testsQuery(db: Db, personId: string) {
  return db
    .selectFrom('drug_test as t')
    .innerJoin('custody_suite as cs', 'cs.code', 't.custody_suite_code')
    .leftJoin('offence as o', 'o.code', 't.trigger_offence_code')
    .leftJoin('drug_test_confirmation as c', 'c.drug_test_id', 't.id')
    .leftJoin('required_assessment as ra', 'ra.drug_test_id', 't.id')
    .select([
      't.id',
      't.sample_taken_at',
      't.condition',
      't.opiates',
      't.cocaine',
      't.refused',
      't.disputed',
      't.custody_number',
      'cs.name as custody_suite_name',
      'o.label as offence_label',
      't.authorised_by',
      'c.opiates as confirmed_opiates',
      'c.cocaine as confirmed_cocaine',
      'c.confirmed_on',
      'ra.id as assessment_id',
      'ra.fell_away_on',
      't.refusal_action',
    ])
    .where('t.person_id', '=', personId)
    .orderBy('t.sample_taken_at', 'desc')
    .limit(100)
}

export function appointmentsQuery(db: Db, personId: string) {
  return db
    .selectFrom('appointment as a')
    .innerJoin('required_assessment as ra', 'ra.id', 'a.assessment_id')
    .leftJoin('attendance as at', 'at.appointment_id', 'a.id')
    .select([
      'a.id',
      'a.kind',
      'a.form',
      'a.scheduled_at',
      'a.place',
      'a.assessor',
      'ra.follow_up_ended_on',
      'a.closed_on',
      'a.closed_reason',
      'at.outcome',
      'at.good_cause',
      sql<number>`(select count(*) from appointment_change ch where ch.appointment_id = a.id)::int`.as('changes'),
    ])
    .where('a.person_id', '=', personId)
    .orderBy('a.scheduled_at', 'desc')
    .limit(100)
}

/** What the appointment page shows of each change (RA2): the time and place before and after, why, who and when. */
const appointmentChangeColumns = [
  'c.previous_scheduled_at',
  'c.previous_place',
  'c.new_scheduled_at',
  'c.new_place',
  'c.reason',
  userNameOf(sql.ref<string | null>('c.changed_by')).as('changed_by_name'),
  'c.changed_at',
] as const

export function appointmentChangesOf(db: Db, appointmentId: string) {
  return db
    .selectFrom('appointment_change as c')
    .select(appointmentChangeColumns)
    .where('c.appointment_id', '=', appointmentId)
    .orderBy('c.changed_at')
    .execute()
}

export function referenceLists(db: Db) {
  return Promise.all([
    db.selectFrom('custody_suite').select(['code', 'name']).where('active', '=', true).orderBy('name').execute(),
    db
      .selectFrom('offence')
      .select(['code', 'label'])
      .where('active', '=', true)
      .where('trigger_offence', '=', true)
      .orderBy('sort_order')
      .execute(),
  ]).then(([suites, offences]) => ({ suites, offences }))
}

// Failures (s12/s14), their history and the time-bar sweep live beside this file.
export * from './dipFailureRepository.ts'
