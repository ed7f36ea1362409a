import type { Kysely } from 'kysely'
import type { AttendanceOutcome, Database, FailureStatus, RefusalAction, TestResult } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { todayInLondon } from '../../domain/time.ts'
import { formatDate } from '../../presenters/format.ts'
import { done, invalidResult, notFoundResult, staleResult, type WriteResult } from '../../domain/writeResult.ts'
import type { Window } from '../../domain/window.ts'
import { recordAudit, recordListConsulted, recordViewed, type Actor } from '../audit/auditRepository.ts'
import { writeOnce } from '../idempotency/writeOnce.ts'
import { findPersonInAreas } from '../people/peopleRepository.ts'
import * as repo from './dipRepository.ts'
import { sweepDip } from './dipSweep.ts'
import { followFailureOutcome, suspendEntriesOf } from './cidHandOffRepository.ts'
import {
  assessmentProblem,
  chargeTimeBarProblem,
  earliestInitialAppointment,
  failureSection,
  impositionProblem,
  isFailure,
  isPositive,
  judgedResults,
  londonDay,
  supportsRequirement,
  testAgeProblem,
  timeBarDate,
} from './dipRules.ts'

/** A drug test as the form gives it: the row the repository inserts, less whom it is about, who records it and any import batch. */
export type TestInput = Omit<repo.NewDrugTest, 'personId' | 'recordedBy' | 'refusalAction' | 'importBatch'> & {
  refusalAction: RefusalAction | null
}

export type AttendanceInput = {
  outcome: AttendanceOutcome
  goodCause: boolean
  goodCauseNote: string | null
  followUp: 'ra4' | 'ra5' | null
  followUpAt: Date | null
  followUpPlace: string | null
  followUpAssessor: string | null
}

export type FailureOutcome = 'arrested' | 'charged' | 'summonsed' | 'no_further_action' | 'withdrawn'

/** Which status an outcome may follow: arrested → charged / summonsed / NFA; withdrawn at any open stage. */
const outcomeFrom: Record<FailureOutcome, readonly FailureStatus[]> = {
  arrested: ['open', 'wanted'],
  charged: ['arrested'],
  summonsed: ['arrested'],
  no_further_action: ['arrested'],
  withdrawn: ['open', 'wanted', 'arrested'],
}

const outcomes = ['arrested', 'charged', 'summonsed', 'no_further_action', 'withdrawn'] as const
function isOutcome(kind: string): kind is FailureOutcome {
  return (outcomes as readonly string[]).includes(kind)
}

export type DipService = ReturnType<typeof createDipService>

export const requirementFellAwayReason =
  'The confirmatory laboratory result was negative for every drug that was positive: the requirement fell away (Drugs Act 2005 s9)'

function closedMessage(appointment: { closed_on: string | null; fell_away_on: string | null }): string {
  return `The requirement fell away on ${formatDate(appointment.fell_away_on ?? appointment.closed_on)}, when the laboratory result came back negative: this appointment is closed and no attendance or failure can be recorded`
}

export function createDipService(db: Kysely<Database>, clock: () => Date = () => new Date()) {
  async function recordTest(
    user: SessionUser,
    personId: string,
    input: TestInput,
    actor: Actor,
  ): Promise<WriteResult<{ testId: string; positive: boolean }>> {
    const { suites, offences } = await repo.referenceLists(db)
    if (!suites.some((s) => s.code === input.custodySuiteCode))
      return invalidResult('custodySuiteCode', 'Select a custody suite')
    if (input.triggerOffenceCode && !offences.some((o) => o.code === input.triggerOffenceCode)) {
      return invalidResult('triggerOffenceCode', 'Select a trigger offence from the list')
    }
    if (input.sampleTakenAt > clock()) return invalidResult('sampleDate', 'The sample time must be now or in the past')
    return writeOnce(db, actor, async (trx) => {
      const person = await findPersonInAreas(trx, personId, user.visibleAreaIds)
      if (!person) return notFoundResult
      const ageProblem = testAgeProblem(person.date_of_birth, input.condition, input.sampleTakenAt)
      if (ageProblem) return invalidResult('condition', ageProblem)
      if (await repo.custodyNumberUsed(trx, input.custodySuiteCode, input.custodyNumber, input.sampleTakenAt)) {
        return invalidResult('custodyNumber', 'A test with this custody number and sample time is already recorded')
      }
      const testId = await repo.insertDrugTest(trx, { personId, ...input, recordedBy: user.id })
      await recordAudit(trx, actor, {
        category: 'collection',
        event: 'drug_test.recorded',
        entityType: 'drug_test',
        entityId: testId,
        personId,
      })
      return done({ testId, positive: isPositive(input) })
    })
  }

  async function confirmTest(
    user: SessionUser,
    testId: string,
    input: { opiates: TestResult; cocaine: TestResult; confirmedOn: string },
    actor: Actor,
  ): Promise<WriteResult> {
    return writeOnce(db, actor, async (trx) => {
      const test = await repo.findTestInAreas(trx, testId, user.visibleAreaIds)
      if (!test) return notFoundResult
      if (!test.disputed) return invalidResult('opiates', 'Only a disputed test has a confirmatory result')
      if (test.confirmation_id) return invalidResult('opiates', 'The confirmatory result is already recorded')
      if (input.confirmedOn < londonDay(test.sample_taken_at))
        return invalidResult('confirmedOn', 'The result date must be on or after the sample date')
      await repo.insertConfirmation(trx, { drugTestId: testId, ...input, recordedBy: user.id })
      await recordAudit(trx, actor, {
        category: 'collection',
        event: 'drug_test.confirmed',
        entityType: 'drug_test',
        entityId: testId,
        personId: test.person_id,
      })
      if (test.assessment_id && !supportsRequirement(test, input)) {
        await requirementFallsAway(trx, user, test.assessment_id, test.person_id, input.confirmedOn, actor)
      }
      return done(test.person_id)
    })
  }

  /**
   * The laboratory found negative every drug that was positive: the requirement imposed on the
   * test no longer stands (server/domain/REFERENCE.md, DIP 1). Its open appointments close, and every failure that
   * arose from it and is still open to the police is withdrawn, taking any CID entry with it.
   */
  async function requirementFallsAway(
    trx: Kysely<Database>,
    user: SessionUser,
    assessmentId: string,
    personId: string,
    day: string,
    actor: Actor,
  ) {
    const reason = requirementFellAwayReason
    const failures = await repo.fallAway(trx, assessmentId, day, reason)
    await recordAudit(trx, actor, {
      category: 'alteration',
      event: 'assessment.fell_away',
      entityType: 'required_assessment',
      entityId: assessmentId,
      personId,
      detail: { reason, failureIds: failures.map((f) => f.id) },
    })
    for (const failure of failures) {
      if (
        !(await repo.setFailureStateIfVersion(trx, failure.id, failure.version, ['open', 'wanted', 'arrested'], {
          status: 'withdrawn',
        }))
      )
        continue
      await repo.insertFailureEvent(trx, {
        failureId: failure.id,
        kind: 'withdrawn',
        eventDate: day,
        note: reason,
        recordedBy: user.id,
      })
      await followFailureOutcome(trx, {
        id: failure.id,
        outcome: 'withdrawn',
        eventDate: day,
        reference: null,
        recordedBy: user.id,
      })
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: 'failure.withdrawn',
        entityType: 'dip_failure',
        entityId: failure.id,
        personId,
      })
    }
  }

  /** RA1: the initial appointment, with the follow-up requirement imposed at the same time. */
  async function imposeAssessment(
    user: SessionUser,
    testId: string,
    input: { scheduledAt: Date; place: string; assessor: string; imposedAt: Date; imposedByOfficer: string | null },
    actor: Actor,
  ): Promise<WriteResult> {
    return writeOnce(db, actor, async (trx) => {
      const test = await repo.findTestInAreas(trx, testId, user.visibleAreaIds)
      if (!test) return notFoundResult
      if (test.assessment_id)
        return invalidResult('appointmentDate', 'An assessment has already been required after this test')
      // A disputed result confirmed by the laboratory is judged on the confirmed result.
      const judged = {
        ...test,
        ...judgedResults(test, { opiates: test.confirmed_opiates, cocaine: test.confirmed_cocaine }),
      }
      const problem = assessmentProblem(judged, test.date_of_birth)
      if (problem) return invalidResult('appointmentDate', problem)
      const earliest = earliestInitialAppointment(test.sample_taken_at, test.disputed)
      const day = londonDay(input.scheduledAt)
      if (input.scheduledAt < test.sample_taken_at || day < earliest) {
        return invalidResult(
          'appointmentDate',
          test.disputed
            ? `The test is disputed: the initial assessment must be on or after ${formatDate(earliest)} (5 working days after the sample)`
            : 'The appointment must be after the sample was taken',
        )
      }
      const imposition = impositionProblem(input.imposedAt, test.sample_taken_at, input.scheduledAt, clock())
      if (imposition) return invalidResult('imposedDate', imposition)
      const assessmentId = await repo.insertAssessment(trx, {
        personId: test.person_id,
        drugTestId: testId,
        imposedAt: input.imposedAt,
        // Named in free text when another officer imposed it; otherwise the user who records it.
        imposedBy: input.imposedByOfficer ? null : user.id,
        imposedByOfficer: input.imposedByOfficer,
      })
      await repo.insertAppointment(trx, {
        assessmentId,
        personId: test.person_id,
        kind: 'initial',
        scheduledAt: input.scheduledAt,
        place: input.place,
        assessor: input.assessor,
        form: 'RA1',
        createdBy: user.id,
      })
      await recordAudit(trx, actor, {
        category: 'collection',
        event: 'assessment.required',
        entityType: 'required_assessment',
        entityId: assessmentId,
        personId: test.person_id,
      })
      return done(test.person_id)
    })
  }

  /** RA2: a new time or place, with the old one kept in the history. */
  async function reschedule(
    user: SessionUser,
    appointmentId: string,
    input: { scheduledAt: Date; place: string; reason: string; version: number },
    actor: Actor,
  ): Promise<WriteResult> {
    return writeOnce(db, actor, async (trx) => {
      const appointment = await repo.findAppointmentInAreas(trx, appointmentId, user.visibleAreaIds)
      if (!appointment) return notFoundResult
      if (appointment.attendance_outcome)
        return invalidResult('appointmentDate', 'Attendance is already recorded: the appointment cannot be moved')
      if (appointment.closed_on) return invalidResult('appointmentDate', closedMessage(appointment))
      if (appointment.kind === 'initial') {
        const earliest = earliestInitialAppointment(appointment.sample_taken_at, appointment.disputed)
        if (londonDay(input.scheduledAt) < earliest || input.scheduledAt < appointment.sample_taken_at) {
          return invalidResult('appointmentDate', `The initial assessment must be on or after ${formatDate(earliest)}`)
        }
      }
      if (!(await repo.rescheduleIfVersion(trx, appointmentId, input.version, input.scheduledAt, input.place)))
        return staleResult
      await repo.insertAppointmentChange(trx, {
        appointmentId,
        previousAt: appointment.scheduled_at,
        previousPlace: appointment.place,
        newAt: input.scheduledAt,
        newPlace: input.place,
        reason: input.reason,
        changedBy: user.id,
      })
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: 'appointment.rescheduled',
        entityType: 'appointment',
        entityId: appointmentId,
        personId: appointment.person_id,
      })
      return done(appointment.person_id)
    })
  }

  /**
   * RA3 in one step: the attendance; for an attended initial assessment RA4 (book the
   * follow-up) or RA5 (end the requirement); and, without good cause, the s12/s14 failure.
   */
  async function recordAttendance(
    user: SessionUser,
    appointmentId: string,
    input: AttendanceInput,
    actor: Actor,
  ): Promise<WriteResult<{ personId: string; failureId: string | null }>> {
    return writeOnce(db, actor, async (trx) => {
      const appointment = await repo.findAppointmentInAreas(trx, appointmentId, user.visibleAreaIds)
      if (!appointment) return notFoundResult
      if (appointment.attendance_outcome)
        return invalidResult('outcome', 'Attendance is already recorded for this appointment')
      if (appointment.closed_on || appointment.fell_away_on) return invalidResult('outcome', closedMessage(appointment))
      if (appointment.scheduled_at > clock())
        return invalidResult('outcome', 'The appointment has not started yet: record attendance once it is due')
      const attendedInitial = appointment.kind === 'initial' && input.outcome === 'attended'
      if (attendedInitial && !input.followUp)
        return invalidResult('followUp', 'Confirm a follow-up assessment (RA4) or end the requirement (RA5)')
      if (!attendedInitial && input.followUp) {
        return invalidResult(
          'followUp',
          'A follow-up can only be confirmed or ended after an attended initial assessment',
        )
      }
      if (input.followUp === 'ra4') {
        if (!input.followUpAt || !input.followUpPlace || !input.followUpAssessor)
          return invalidResult('followUpDate', 'Enter the follow-up date, time, place and assessor')
        if (input.followUpAt <= appointment.scheduled_at)
          return invalidResult('followUpDate', 'The follow-up must be after the initial assessment')
        if (appointment.follow_up_ended_on || appointment.follow_up_booked)
          return invalidResult('followUp', 'The follow-up is already settled for this requirement')
      }
      if (
        !(await repo.insertAttendance(trx, {
          appointmentId,
          outcome: input.outcome,
          goodCause: input.goodCause,
          goodCauseNote: input.goodCauseNote,
          recordedBy: user.id,
        }))
      ) {
        return invalidResult('outcome', 'Attendance is already recorded for this appointment')
      }
      if (input.followUp === 'ra4' && input.followUpAt && input.followUpPlace && input.followUpAssessor) {
        await repo.insertAppointment(trx, {
          assessmentId: appointment.assessment_id,
          personId: appointment.person_id,
          kind: 'follow_up',
          scheduledAt: input.followUpAt,
          place: input.followUpPlace,
          assessor: input.followUpAssessor,
          form: 'RA4',
          createdBy: user.id,
        })
      }
      if (input.followUp === 'ra5')
        await repo.endFollowUp(trx, appointment.assessment_id, londonDay(appointment.scheduled_at), user.id)
      let failureId: string | null = null
      if (isFailure(input.outcome, input.goodCause)) {
        const failureDate = londonDay(appointment.scheduled_at)
        failureId = await repo.insertFailure(trx, {
          appointmentId,
          personId: appointment.person_id,
          section: failureSection(appointment.kind),
          failureDate,
          timeBarDate: timeBarDate(failureDate),
        })
        await repo.insertFailureEvent(trx, { failureId, kind: 'created', eventDate: failureDate, recordedBy: user.id })
      }
      await recordAudit(trx, actor, {
        category: 'collection',
        event: 'attendance.recorded',
        entityType: 'appointment',
        entityId: appointmentId,
        personId: appointment.person_id,
        detail: { outcome: input.outcome, goodCause: input.goodCause, followUp: input.followUp, failureId },
      })
      return done({ personId: appointment.person_id, failureId })
    })
  }

  /** Moves a failure on, only from the states the law allows, with a history row. */
  async function advanceFailure(
    user: SessionUser,
    failureId: string,
    version: number,
    from: readonly FailureStatus[],
    change: Parameters<typeof repo.setFailureStateIfVersion>[4],
    event: {
      kind: Parameters<typeof repo.insertFailureEvent>[1]['kind']
      eventDate: string
      reference?: string | null
      note?: string | null
    },
    actor: Actor,
    check?: (failure: repo.FailureRecord) => { field: string; message: string } | undefined,
  ): Promise<WriteResult> {
    // The failure's status as of today: one past its time bar refuses, whether or not the sweep has closed it.
    return writeOnce(db, actor, async (trx) => {
      const failure = await repo.findFailureInAreas(trx, failureId, user.visibleAreaIds, todayInLondon(clock()))
      if (!failure) return notFoundResult
      if (!from.includes(failure.status))
        return invalidResult(
          event.kind === 'statement_produced' ? 'statement' : 'outcome',
          `Not possible while the failure is ${failure.status.replace(/_/g, ' ')}`,
        )
      const problem = check?.(failure)
      if (problem) return invalidResult(problem.field, problem.message)
      if (!(await repo.setFailureStateIfVersion(trx, failureId, version, from, change))) return staleResult
      await repo.insertFailureEvent(trx, { failureId, ...event, recordedBy: user.id })
      if (isOutcome(event.kind)) {
        await followFailureOutcome(trx, {
          id: failureId,
          outcome: event.kind,
          eventDate: event.eventDate,
          reference: event.reference ?? null,
          recordedBy: user.id,
        })
      }
      if (event.kind === 'statement_withdrawn')
        await suspendEntriesOf(
          trx,
          failureId,
          event.eventDate,
          'Suspended: the evidential statement was withdrawn',
          user.id,
        )
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: `failure.${event.kind}`,
        entityType: 'dip_failure',
        entityId: failureId,
        personId: failure.person_id,
      })
      return done(failure.person_id)
    })
  }

  function produceStatement(user: SessionUser, failureId: string, version: number, actor: Actor) {
    const today = todayInLondon(clock())
    return advanceFailure(
      user,
      failureId,
      version,
      ['open'],
      { statement_produced_on: today, statement_produced_by: user.id },
      { kind: 'statement_produced', eventDate: today },
      actor,
      (f) =>
        f.statement_produced_on
          ? { field: 'statement', message: 'The statement has already been produced' }
          : undefined,
    )
  }

  /**
   * A statement withdrawn (the witness retracts it, or it was wrong) takes the failure back to
   * awaiting a statement: a wanted status without its evidence ends, and so does any hand-off to CID.
   */
  function withdrawStatement(
    user: SessionUser,
    failureId: string,
    input: { reason: string; version: number },
    actor: Actor,
  ) {
    const today = todayInLondon(clock())
    return advanceFailure(
      user,
      failureId,
      input.version,
      ['open', 'wanted'],
      {
        status: 'open',
        statement_produced_on: null,
        statement_produced_by: null,
        wanted_since: null,
        wanted_reference: null,
      },
      { kind: 'statement_withdrawn', eventDate: today, note: input.reason },
      actor,
      (f) => (f.statement_produced_on ? undefined : { field: 'reason', message: 'There is no statement to withdraw' }),
    )
  }

  function circulateWanted(
    user: SessionUser,
    failureId: string,
    input: { wantedOn: string; reference: string; version: number },
    actor: Actor,
  ) {
    const today = todayInLondon(clock())
    return advanceFailure(
      user,
      failureId,
      input.version,
      ['open'],
      { status: 'wanted', wanted_since: input.wantedOn, wanted_reference: input.reference },
      { kind: 'circulated_wanted', eventDate: input.wantedOn, reference: input.reference },
      actor,
      (f) =>
        !f.statement_produced_on
          ? {
              field: 'wantedOn',
              message: 'Produce and sign the evidential statement before recording the person as wanted',
            }
          : today > f.time_bar_date || input.wantedOn > f.time_bar_date
            ? {
                field: 'wantedOn',
                message: `The failure is time-barred from ${formatDate(f.time_bar_date)}: it cannot be circulated`,
              }
            : input.wantedOn < f.failure_date
              ? { field: 'wantedOn', message: 'The person cannot be wanted before the failure happened' }
              : input.wantedOn < f.statement_produced_on
                ? { field: 'wantedOn', message: 'The person cannot be circulated before the statement was produced' }
                : undefined,
    )
  }

  function recordOutcome(
    user: SessionUser,
    failureId: string,
    input: {
      outcome: FailureOutcome
      outcomeOn: string
      reference: string | null
      note: string | null
      version: number
    },
    actor: Actor,
  ) {
    return advanceFailure(
      user,
      failureId,
      input.version,
      outcomeFrom[input.outcome],
      { status: input.outcome },
      { kind: input.outcome, eventDate: input.outcomeOn, reference: input.reference, note: input.note },
      actor,
      (f) => {
        if (input.outcome === 'arrested' && !input.reference)
          return { field: 'reference', message: 'Enter the custody number of the arrest' }
        if (input.outcomeOn < f.failure_date)
          return { field: 'outcomeOn', message: 'The date must be on or after the failure' }
        const outOfTime = chargeTimeBarProblem(input.outcome, input.outcomeOn, f.time_bar_date)
        return outOfTime ? { field: 'outcomeOn', message: outOfTime } : undefined
      },
    )
  }

  /** Appointments in a range for the DIP worker's list, logged as one consultation. */
  /** One page of appointments; the people on that page are what was consulted. */
  async function appointments(user: SessionUser, from: Date, to: Date, window: Window, actor: Actor) {
    const found = await repo.appointmentsBetween(db, user.visibleAreaIds, from, to, window)
    await recordListConsulted(db, actor, 'appointments.listed', [...new Set(found.rows.map((r) => r.person_id))])
    return found
  }

  async function awaitingStatements(user: SessionUser, actor: Actor) {
    const rows = await repo.failuresAwaitingStatement(db, user.visibleAreaIds, 100, todayInLondon(clock()))
    const timeBarred = await repo.recentlyTimeBarred(db, user.visibleAreaIds, todayInLondon(clock()), 100)
    const personIds = [...new Set([...rows, ...timeBarred].map((r) => r.person_id))]
    if (personIds.length > 0) {
      await recordAudit(db, actor, { category: 'consultation', event: 'failures.listed', detail: { personIds } })
    }
    return { rows, timeBarred }
  }

  return {
    recordTest,
    confirmTest,
    imposeAssessment,
    reschedule,
    recordAttendance,
    produceStatement,
    withdrawStatement,
    circulateWanted,
    recordOutcome,
    appointments,
    awaitingStatements,
    /** The scheduled sweep on this service's clock (main.ts runs it; tests call it to stand in for the schedule). */
    sweep: () => sweepDip(db, todayInLondon(clock())),
    /** The failures the sweep closed (its first half), for callers that count only those. */
    referenceLists: () => repo.referenceLists(db),
    test: async (user: SessionUser, id: string, actor: Actor) =>
      recordViewed(
        db,
        actor,
        await repo.findTestInAreas(db, id, user.visibleAreaIds),
        'drug_test.viewed',
        'drug_test',
        id,
      ),
    appointment: async (user: SessionUser, id: string, actor: Actor) => {
      const row = await recordViewed(
        db,
        actor,
        await repo.findAppointmentInAreas(db, id, user.visibleAreaIds),
        'appointment.viewed',
        'appointment',
        id,
      )
      return row ? { ...row, changes: await repo.appointmentChangesOf(db, id) } : undefined
    },
    failure: async (user: SessionUser, id: string, actor: Actor) => {
      const row = await recordViewed(
        db,
        actor,
        await repo.findFailureInAreas(db, id, user.visibleAreaIds, todayInLondon(clock())),
        'failure.viewed',
        'dip_failure',
        id,
      )
      return row ? { ...row, events: await repo.failureEventsOf(db, id) } : undefined
    },
    now: clock,
  }
}
