import { formatDate } from '../../presenters/format.ts'
import type { PersonPanels } from '../personPage/personPanels.ts'
import {
  chargeBy,
  failureStatusLabels,
  formatWhen,
  outcomeLabels,
  presentTimeBar,
  resultsChart,
  resultWithLab,
} from './dipPresenter.ts'

type Timeline = {
  tests: PersonPanels['tests']
  appointments: PersonPanels['appointments']
  failures: PersonPanels['failures']
}

/** The DIP part of the person page: tests with their chart, assessments and attendance, failures and wanted status. */
export function presentDipTimeline(record: Timeline, today: string) {
  return {
    chart: record.tests.length > 0 ? resultsChart(record.tests) : undefined,
    tests: record.tests.map((t) => ({
      id: t.id,
      when: formatWhen(t.sample_taken_at),
      condition: t.condition === 'arrest' ? 'Arrest' : 'Charge',
      // The custody result with the laboratory's beside it: a negative lab result ends the requirement.
      opiates: resultWithLab(t.opiates, t.confirmed_opiates, t.confirmed_on),
      cocaine: resultWithLab(t.cocaine, t.confirmed_cocaine, t.confirmed_on),
      fellAway: t.fell_away_on ? `Requirement fell away ${formatDate(t.fell_away_on)}: laboratory result negative` : '',
      refused: t.refused,
      disputed: t.disputed && !t.confirmed_opiates,
      reason: t.offence_label ?? `Authorised by ${t.authorised_by ?? 'an inspector'}`,
      suite: t.custody_suite_name,
      assessed: t.assessment_id !== null,
    })),
    appointments: record.appointments.map((a) => ({
      id: a.id,
      when: formatWhen(a.scheduled_at),
      kind: a.kind === 'initial' ? 'Initial assessment' : 'Follow-up assessment',
      form: a.form,
      place: a.place,
      outcome: a.outcome
        ? outcomeLabels[a.outcome] + (a.good_cause ? ' (good cause)' : '')
        : a.closed_on
          ? `Closed ${formatDate(a.closed_on)}: the requirement fell away`
          : 'Not yet recorded',
      changes: a.changes,
      followUpEnded:
        a.kind === 'initial' && a.follow_up_ended_on
          ? `Follow-up requirement ended (RA5) ${formatDate(a.follow_up_ended_on)}`
          : '',
    })),
    failures: record.failures.map((f) => ({
      id: f.id,
      section: f.section.toUpperCase(),
      date: formatDate(f.failure_date),
      status: failureStatusLabels[f.status] ?? f.status,
      open: f.status === 'open' || f.status === 'wanted' || f.status === 'arrested',
      chargeBy: chargeBy(f.status, f.time_bar_date),
      timeBar: presentTimeBar(f.time_bar_date, today),
      wanted: f.wanted_since ? `Wanted since ${formatDate(f.wanted_since)} (${f.wanted_reference ?? ''})` : '',
    })),
  }
}
