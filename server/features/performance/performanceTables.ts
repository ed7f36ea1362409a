import { programmeLabels, tierLabels } from '../people/vocabulary.ts'
import { formatMonth } from '../../presenters/format.ts'
import { barChart, change, perYear, rate, type Table } from './performancePresenter.ts'
import type { Figures } from './performanceService.ts'

// The report's figures as tables (shown, printed in the pack and downloaded as CSV) and charts.

export function tablesFrom(f: Figures): Table[] {
  return [
    {
      id: 'cohort-size',
      caption: 'Cohort size at the end of each month, by programme and tier',
      header: ['month', 'programme', 'tier', 'members'],
      rows: f.cohortSize.map((r) => [
        r.month,
        programmeLabels[r.programme as keyof typeof programmeLabels] ?? r.programme,
        r.tier ? tierLabels[r.tier as keyof typeof tierLabels] : '',
        r.members,
      ]),
    },
    {
      id: 'referrals',
      caption: 'Referrals received, accepted and declined',
      header: ['month', 'received', 'accepted', 'declined'],
      rows: f.referrals.map((r) => [r.month, r.received, r.accepted, r.declined]),
    },
    {
      id: 'drug-tests',
      caption: 'Drug tests by month, with positivity',
      header: ['month', 'tests', 'opiates positive', 'opiates positivity', 'cocaine positive', 'cocaine positivity'],
      rows: f.tests.map((r) => [
        r.month,
        r.tests,
        r.opiates_positive,
        rate(r.opiates_positive, r.opiates_tested),
        r.cocaine_positive,
        rate(r.cocaine_positive, r.cocaine_tested),
      ]),
    },
    {
      id: 'attendance',
      caption: 'Required assessment attendance',
      header: ['assessment', 'recorded', 'attended and remained', 'attendance rate'],
      rows: f.attendance.map((r) => [
        r.kind === 'initial' ? 'Initial' : 'Follow-up',
        r.recorded,
        r.attended,
        rate(r.attended, r.recorded),
      ]),
    },
    {
      id: 'before-after',
      caption:
        'Arrests with a custody drug test, in the 12 months before adoption and since, for everyone on a programme at the end of the period',
      header: [
        'programme',
        'people',
        'arrests in the 12 months before',
        'per person per year before',
        'arrests since adoption',
        'person-years since',
        'per person per year since',
        'change',
      ],
      rows: f.beforeAfter.map((r) => {
        const yearsSince = r.days_since / 365.25
        return [
          programmeLabels[r.programme as keyof typeof programmeLabels] ?? r.programme,
          r.members,
          r.before,
          perYear(r.before, r.members),
          r.since,
          yearsSince.toFixed(1),
          perYear(r.since, yearsSince),
          change(r.before / r.members, r.since / yearsSince),
        ]
      }),
    },
    {
      id: 'failures',
      caption: 'Failures by section and outcome',
      header: ['section', 'status', 'failures'],
      rows: f.failures.map((r) => [r.section, r.status.replace(/_/g, ' '), r.failures]),
    },
    {
      id: 'hot-spots',
      caption: 'Hot spots: Class A possession and supply tests, and DIP failures, by ward',
      header: ['ward', 'ward set', 'possession tests', 'failures'],
      rows: f.hotSpots.map((r) => [r.ward, r.ward_set, r.possession_tests, r.failures]),
    },
    {
      id: 'partner-links',
      caption: 'Open partner links by agency and rating',
      header: ['agency', 'rating', 'links'],
      rows: f.links.map((r) => [r.agency.toUpperCase(), r.rating, r.links]),
    },
  ]
}

export function chartsFrom(f: Figures) {
  // Every month of the period, so a month with no one open is a bar of zero, not a gap.
  const cohortTotals = new Map<string, number>(f.tests.map((r) => [r.month, 0]))
  for (const r of f.cohortSize) cohortTotals.set(r.month, (cohortTotals.get(r.month) ?? 0) + r.members)
  return [
    barChart(
      'chart-cohort',
      'Open memberships at the end of each month',
      [...cohortTotals].map(([month, value]) => ({ label: formatMonth(month), value })),
      { x: 'Month', y: 'Open memberships' },
    ),
    barChart(
      'chart-tests',
      'Drug tests by month',
      f.tests.map((r) => ({ label: formatMonth(r.month), value: r.tests })),
      { x: 'Month', y: 'Drug tests' },
    ),
  ]
}
