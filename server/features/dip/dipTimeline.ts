import { formatDate } from '../../presenters/format.ts'
import type { PersonPanels } from '../people/personPanels.ts'
import { failureStatusLabels, formatWhen, outcomeLabels, presentTimeBar, resultLabels, resultsChart } from './dipPresenter.ts'

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
      opiates: resultLabels[t.confirmed_opiates ?? t.opiates] + (t.confirmed_opiates ? ' (confirmed)' : ''),
      cocaine: resultLabels[t.confirmed_cocaine ?? t.cocaine] + (t.confirmed_cocaine ? ' (confirmed)' : ''),
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
      outcome: a.outcome ? outcomeLabels[a.outcome] + (a.good_cause ? ' (good cause)' : '') : 'Not yet recorded',
      changes: a.changes,
      followUpEnded: a.kind === 'initial' && a.follow_up_ended_on ? `Follow-up requirement ended (RA5) ${formatDate(a.follow_up_ended_on)}` : '',
    })),
    failures: record.failures.map((f) => ({
      id: f.id,
      section: f.section.toUpperCase(),
      date: formatDate(f.failure_date),
      status: failureStatusLabels[f.status] ?? f.status,
      open: f.status === 'open' || f.status === 'wanted',
      timeBar: presentTimeBar(f.time_bar_date, today),
      wanted: f.wanted_since ? `Wanted since ${formatDate(f.wanted_since)} (${f.wanted_reference ?? ''})` : '',
    })),
  }
}
