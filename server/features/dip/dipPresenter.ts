import type { TestResult } from '../../../db/types.ts'
import { formatDate } from '../../presenters/format.ts'
import { shownRow } from '../../presenters/shownRow.ts'
import { fullName } from '../people/peoplePresenter.ts'
import { earliestInitialAppointment, isPositive, supportsRequirement } from './dipRules.ts'
import type { DipService } from './dipService.ts'

const time = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' })
const dayAndTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})

export const formatTime = (instant: Date) => time.format(instant)
export const formatWhen = (instant: Date) => dayAndTime.format(instant)

export const resultLabels: Record<TestResult, string> = {
  positive: 'Positive',
  negative: 'Negative',
  not_tested: 'Not tested',
}
export const resultOptions = (['positive', 'negative', 'not_tested'] as const).map((value) => ({
  value,
  text: resultLabels[value],
}))
export const refusalActionLabels = {
  charged: 'Charged with refusing without good cause (PACE s63C)',
  reported: 'Reported for summons for refusing (PACE s63C)',
  good_cause: 'Good cause for the refusal accepted: no offence',
  pending: 'Decision on the refusal still to be made',
} as const
export const refusalActionOptions = (['charged', 'reported', 'good_cause', 'pending'] as const).map((value) => ({
  value,
  text: refusalActionLabels[value],
}))

/** A custody result with the laboratory's beside it, in words: "Positive; laboratory: negative (4 December 2026)". */
export function resultWithLab(custody: TestResult, lab: TestResult | null, confirmedOn: string | null): string {
  return lab
    ? `${resultLabels[custody]}; laboratory: ${resultLabels[lab].toLowerCase()}${confirmedOn ? ` (${formatDate(confirmedOn)})` : ''}`
    : resultLabels[custody]
}

export const yesNoOptions = [
  { value: 'yes', text: 'Yes' },
  { value: 'no', text: 'No' },
]

export const outcomeLabels = {
  attended: 'Attended and remained',
  left_early: 'Attended but left before the end',
  did_not_attend: 'Did not attend',
} as const
export const outcomeOptions = (['attended', 'left_early', 'did_not_attend'] as const).map((value) => ({
  value,
  text: outcomeLabels[value],
}))

/** What the police record, or the time bar brings: each is a failure's status and the event that led to it, in the same words. */
const policeStageLabels = {
  arrested: 'Arrested',
  charged: 'Charged',
  summonsed: 'Summonsed',
  no_further_action: 'No further action',
  withdrawn: 'Withdrawn',
  time_barred: 'Time-barred',
}

export const failureStatusLabels: Record<string, string> = {
  open: 'Open: awaiting circulation',
  wanted: 'Circulated as wanted',
  ...policeStageLabels,
}

export const failureEventLabels: Record<string, string> = {
  created: 'Failure recorded',
  statement_produced: 'Evidential statement produced and signed',
  statement_withdrawn: 'Evidential statement withdrawn',
  circulated_wanted: 'Circulated as wanted',
  ...policeStageLabels,
}

/** An arrest and the outcomes that follow it, worded alike on the DIP failure page and the CID outcome form. */
export const arrestOutcomeOptions = [
  { value: 'arrested', text: 'Arrested' },
  { value: 'charged', text: 'Charged (after arrest)' },
  { value: 'summonsed', text: 'Summonsed (after arrest)' },
  { value: 'no_further_action', text: 'No further action (after arrest)' },
]

export const policeOutcomeOptions = [
  ...arrestOutcomeOptions,
  { value: 'withdrawn', text: 'Withdrawn: good cause shown later' },
]

export function sectionLabel(section: 's12' | 's14'): string {
  return section === 's12' ? 's12 failure: initial assessment' : 's14 failure: follow-up assessment'
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

export function presentTimeBar(timeBarDate: string, today: string) {
  const days = daysBetween(today, timeBarDate)
  return { date: formatDate(timeBarDate), daysLeft: days, text: days < 0 ? 'Time-barred' : `${days} days left` }
}

/** An arrested failure not yet charged: the charge or summons must come by the time bar (MCA 1980 s127). */
export function chargeBy(status: string, timeBarDate: string): string {
  return status === 'arrested' ? `Charge by ${formatDate(timeBarDate)}` : ''
}

/** Who imposed a requirement: the officer named in custody, or the user who recorded it. */
export function imposedByText(a: { imposed_by_officer: string | null; imposed_by_name?: string | null }): string {
  return a.imposed_by_officer ?? a.imposed_by_name ?? ''
}

type ChartTest = { sample_taken_at: Date; opiates: TestResult; cocaine: TestResult }

/**
 * A small server-drawn chart of results over time: one lane per drug, a filled circle for a
 * positive, a hollow one for a negative. The table beside it carries the same data in words.
 */
export function resultsChart(tests: readonly ChartTest[]) {
  const ordered = [...tests].sort((a, b) => a.sample_taken_at.getTime() - b.sample_taken_at.getTime())
  const width = 600
  const left = 90
  const first = ordered[0]?.sample_taken_at.getTime() ?? 0
  const last = ordered[ordered.length - 1]?.sample_taken_at.getTime() ?? 0
  const span = Math.max(last - first, 1)
  const x = (t: Date) =>
    ordered.length === 1 ? left + (width - left - 20) / 2 : left + ((t.getTime() - first) / span) * (width - left - 20)
  const points = ordered.flatMap((t) => [
    { cx: x(t.sample_taken_at), cy: 30, result: t.opiates },
    { cx: x(t.sample_taken_at), cy: 70, result: t.cocaine },
  ])
  const positives = (drug: 'opiates' | 'cocaine') => ordered.filter((t) => t[drug] === 'positive').length
  return {
    width,
    height: 100,
    points: points
      .filter((p) => p.result !== 'not_tested')
      .map((p) => ({ ...p, cx: Math.round(p.cx), filled: p.result === 'positive' })),
    firstLabel: first ? formatDate(new Date(first).toISOString().slice(0, 10)) : '',
    lastLabel: last ? formatDate(new Date(last).toISOString().slice(0, 10)) : '',
    description: `${ordered.length} tests from ${first ? formatDate(new Date(first).toISOString().slice(0, 10)) : ''} to ${last ? formatDate(new Date(last).toISOString().slice(0, 10)) : ''}: opiates positive ${positives('opiates')} times, cocaine positive ${positives('cocaine')} times.`,
  }
}

type TestRecord = NonNullable<Awaited<ReturnType<DipService['test']>>>
type AppointmentRecord = NonNullable<Awaited<ReturnType<DipService['appointment']>>>
type FailureRecord = NonNullable<Awaited<ReturnType<DipService['failure']>>>

/** The drug test page: the results with the laboratory's, whether a requirement may stand on them, and the earliest initial assessment. */
export function presentTest(test: TestRecord) {
  return {
    ...test,
    name: fullName(test),
    sampleWhen: formatWhen(test.sample_taken_at),
    opiatesText: resultWithLab(test.opiates, test.confirmed_opiates, test.confirmed_on),
    cocaineText: resultWithLab(test.cocaine, test.confirmed_cocaine, test.confirmed_on),
    refusalText: test.refusal_action ? refusalActionLabels[test.refusal_action] : '',
    supportsRequirement: supportsRequirement(
      test,
      test.confirmation_id ? { opiates: test.confirmed_opiates, cocaine: test.confirmed_cocaine } : null,
    ),
    fellAwayText: test.fell_away_on ? `${formatDate(test.fell_away_on)}: ${test.fell_away_reason ?? ''}` : '',
    imposedWhen: test.assessment_id && test.imposed_at ? formatWhen(test.imposed_at) : '',
    positive: isPositive(test),
    earliest: formatDate(earliestInitialAppointment(test.sample_taken_at, test.disputed)),
  }
}

/** An appointment: when, whether its time has come (attendance may be recorded), its outcome and its moves. */
export function presentAppointment(a: AppointmentRecord, now: Date) {
  return {
    ...a,
    name: fullName(a),
    when: formatWhen(a.scheduled_at),
    due: a.scheduled_at <= now,
    outcomeLabel: a.attendance_outcome ? outcomeLabels[a.attendance_outcome] : '',
    changes: a.changes.map((c) => ({
      ...c,
      from: `${formatWhen(c.previous_scheduled_at)}, ${c.previous_place}`,
      to: `${formatWhen(c.new_scheduled_at)}, ${c.new_place}`,
    })),
  }
}

/** A failure to attend or remain: the section, its status and time bar, the requirement behind it and its history. */
export function presentFailure(f: FailureRecord, today: string) {
  return {
    ...f,
    name: fullName(f),
    dateOfBirth: formatDate(f.date_of_birth),
    sectionText: sectionLabel(f.section),
    statusText: failureStatusLabels[f.status] ?? f.status,
    failureDateText: formatDate(f.failure_date),
    timeBar: presentTimeBar(f.time_bar_date, today),
    appointmentWhen: formatWhen(f.scheduled_at),
    sampleWhen: formatWhen(f.sample_taken_at),
    imposedWhen: formatWhen(f.imposed_at),
    imposedBy: imposedByText(f),
    chargeBy: chargeBy(f.status, f.time_bar_date),
    opiatesText: resultWithLab(f.opiates, f.confirmed_opiates, f.confirmed_on),
    cocaineText: resultWithLab(f.cocaine, f.confirmed_cocaine, f.confirmed_on),
    outcomeText: outcomeLabels[f.outcome],
    statementProducedText: formatDate(f.statement_produced_on),
    wantedSinceText: formatDate(f.wanted_since),
    events: f.events.map((e) => ({
      ...e,
      label: failureEventLabels[e.kind] ?? e.kind,
      date: formatDate(e.event_date),
    })),
  }
}

type AppointmentListRow = Awaited<ReturnType<DipService['appointments']>>['rows'][number]
type AwaitingStatements = Awaited<ReturnType<DipService['awaitingStatements']>>

/** A row of today's (or this week's) appointments: due once its time has come, so attendance can be recorded. */
export function presentAppointmentRow(r: AppointmentListRow, range: 'today' | 'week', now: Date) {
  return shownRow(r, {
    name: fullName(r),
    when: range === 'week' ? formatWhen(r.scheduled_at) : formatTime(r.scheduled_at),
    kindLabel: r.kind === 'initial' ? 'Initial (s9)' : 'Follow-up (s10)',
    outcomeLabel: r.outcome ? outcomeLabels[r.outcome] : '',
    due: r.scheduled_at <= now,
  })
}

/** Failures awaiting a statement, with their time bars, and those past the bar awaiting review. */
export function presentAwaitingStatements(
  rows: AwaitingStatements['rows'],
  timeBarred: AwaitingStatements['timeBarred'],
  today: string,
) {
  return {
    rows: rows.map((r) =>
      shownRow(r, {
        name: fullName(r),
        failureDate: formatDate(r.failure_date),
        sectionText: r.section.toUpperCase(),
        timeBar: presentTimeBar(r.time_bar_date, today),
      }),
    ),
    timeBarred: timeBarred.map((r) =>
      shownRow(r, {
        name: fullName(r),
        failureDate: formatDate(r.failure_date),
        sectionText: r.section.toUpperCase(),
        timeBarDate: formatDate(r.time_bar_date),
        wantedSince: formatDate(r.wanted_since),
      }),
    ),
  }
}
