import { describe, expect, it } from 'vitest'
import type { Home } from '../../server/features/dashboard/dashboardService.ts'
import { presentHome, type Card } from '../../server/features/home/homePresenter.ts'

// What the home page shows each role, worked out from the dashboard's panels without a database:
// the cards and where each figure leads, the notices naming people, the team table, and the
// pointer to the navigation when there is nothing else.

const user = {
  id: 'u1',
  areas: [
    { id: 'a1', code: 'HV', name: 'Havering' },
    { id: 'a2', code: 'BD', name: 'Barking and Dagenham' },
  ],
}

const iom: NonNullable<Home['iom']> = {
  red: 3,
  amber: 5,
  green: 2,
  in_custody: 1,
  actions_overdue: 4,
  actions_today: 2,
  appointments_week: 6,
  failures_recent: 1,
}
const dip: NonNullable<Home['dip']> = {
  today_total: 12,
  today_to_record: 7,
  awaiting_statement: 3,
  disputed_unconfirmed: 0,
}
const cid: NonNullable<Home['cid']> = { on_list: 9, new_this_week: 2, within_30_days: 4 }

/** Each card as its heading and its figures as [count, label, href]. */
const shapeOf = (cards: Card[]) => cards.map((c) => [c.heading, c.figures.map((f) => [f.count, f.label, f.href])])

const noNotices = { cidNotices: [], chargeDue: [], markerReviews: [], suspended: [] }

describe('presentHome', () => {
  it('a supervisor: the DIP, caseload, CID and decisions cards, this page of the team, the whole team’s overdue actions', () => {
    const home: Home = {
      dip,
      iom,
      cid,
      supervisor: { proposals: 2, referrals: 1, time_barred_to_close: 0, team_overdue_actions: 17 },
      // The second page of a team of 52: the rows as read, in their order.
      team: [
        { officer: 'Zara Young', caseload: 14, overdue: 3, contacts_30_days: 22 },
        { officer: 'Zoe <Admin>', caseload: 0, overdue: 0, contacts_30_days: 0 },
      ],
      teamTotals: { officers: 52, overdue: 17 },
      suspended: [{ id: 'e1', person_id: 'p1', surname: 'Okafor', forenames: 'Daniel' }],
    }
    const page = presentHome(home, user)
    expect(page.cards.map((c) => c.heading)).toEqual([
      "Today's DIP work",
      'My caseload',
      'Wanted for DIP failure',
      'Decisions waiting',
    ])
    expect(shapeOf(page.cards.slice(3))).toEqual([
      [
        'Decisions waiting',
        [
          [2, 'CID proposals to countersign', '/tasks?kind=proposals'],
          [1, 'referrals awaiting the panel', '/tasks?kind=referrals'],
          [0, 'time-barred CID entries to close', '/cid/proposals?show=to-close'],
          [17, 'overdue actions of your team', null],
        ],
      ],
    ])
    expect(shapeOf(page.cards.slice(2, 3))).toEqual([
      [
        'Wanted for DIP failure',
        [
          [9, 'people on the list', '/cid'],
          [2, 'countersigned in the last 7 days', '/cid?countersigned=7'],
          [4, 'within 30 days of the time bar', '/cid?days=30'],
        ],
      ],
    ])
    expect(page.team).toEqual([
      { officer: 'Zara Young', caseload: 14, overdue: 3, contacts: 22 },
      { officer: 'Zoe <Admin>', caseload: 0, overdue: 0, contacts: 0 },
    ])
    expect(page.notices).toEqual({
      ...noNotices,
      suspended: [{ name: 'OKAFOR, Daniel', href: '/people/p1' }],
    })
    expect(page.areas).toBe('Havering, Barking and Dagenham')
    expect(page.getStarted).toBe(false)
  })

  it('an IOM officer: their caseload linked to the cohort list filtered to their own people, and every notice', () => {
    const home: Home = {
      iom,
      cidNotices: [
        { person_id: 'p1', surname: "O'Brien", forenames: 'Ann & Jo', decided_at: new Date('2026-12-01T10:00:00Z') },
      ],
      chargeDue: [
        { failure_id: 'f1', person_id: 'p2', surname: 'Smith', forenames: 'Bob', time_bar_date: '2026-12-09' },
        { failure_id: 'f2', person_id: 'p3', surname: 'Jones', forenames: 'Cat', time_bar_date: '2027-01-14' },
      ],
      markerReviews: [
        { id: 'm1', person_id: 'p4', surname: 'Marker', forenames: 'Dana', label: 'Drugs', review_date: '2026-12-03' },
      ],
      suspended: [],
    }
    const page = presentHome(home, { ...user, id: 'a b&c' })
    expect(shapeOf(page.cards)).toEqual([
      [
        'My caseload',
        [
          [3, 'red tier', '/cohorts?leadOfficerId=a%20b%26c&tier=red&status=active'],
          [5, 'amber tier', '/cohorts?leadOfficerId=a%20b%26c&tier=amber&status=active'],
          [2, 'green tier', '/cohorts?leadOfficerId=a%20b%26c&tier=green&status=active'],
          [1, 'in custody', '/cohorts?leadOfficerId=a%20b%26c&status=in_custody'],
          [4, 'actions overdue', '/tasks?kind=actions'],
          [2, 'actions due today', '/actions?due=today'],
          [6, 'DIP appointments this week for my people', null],
          [1, 'DIP failures in the last 30 days for my people', null],
        ],
      ],
    ])
    // Names as typed (the view escapes them), surname in capitals; dates as dd/mm/yyyy.
    expect(page.notices).toEqual({
      cidNotices: [{ name: "O'BRIEN, Ann & Jo", href: '/people/p1' }],
      chargeDue: [
        { name: 'SMITH, Bob', href: '/failures/f1', note: 'charge by 09/12/2026' },
        { name: 'JONES, Cat', href: '/failures/f2', note: 'charge by 14/01/2027' },
      ],
      markerReviews: [{ name: 'MARKER, Dana', href: '/people/p4', note: 'Drugs, review was due 03/12/2026' }],
      suspended: [],
    })
    expect(page.team).toEqual([])
    expect(page.getStarted).toBe(false)
  })

  it('a DIP worker: today’s DIP work only, the disputed tests linking nowhere', () => {
    const page = presentHome({ dip }, user)
    expect(shapeOf(page.cards)).toEqual([
      [
        "Today's DIP work",
        [
          [12, 'appointments today', '/appointments'],
          [7, 'not yet recorded', '/tasks?kind=appointments'],
          [3, 'failures awaiting a statement', '/failures'],
          [0, 'disputed tests awaiting confirmation', null],
        ],
      ],
    ])
    expect(page.notices).toEqual(noNotices)
    expect(page.team).toEqual([])
  })

  it('a partner: their agency’s cases, linked, and the partnership’s counts as the disclosure policy shows them', () => {
    const page = presentHome(
      {
        partner: { open: 4, opened_30_days: 1 },
        partnership: { iom_fixed: 12, iom_flex: 'fewer than 5', iom_free: 0, dip: 7, tests_30_days: 'fewer than 5' },
      },
      user,
    )
    expect(shapeOf(page.cards)).toEqual([
      [
        'Your agency’s cases',
        [
          [4, 'open cases', '/partner-cases'],
          [1, 'opened in the last 30 days', '/partner-cases?opened=30'],
        ],
      ],
      [
        'The partnership in your boroughs',
        [
          [12, 'people on IOM Fixed', null],
          ['fewer than 5', 'people on IOM Flex', null],
          [0, 'people on IOM Free', null],
          [7, 'people on DIP', null],
          ['fewer than 5', 'custody drug tests in the last 30 days', null],
        ],
      ],
    ])
    expect(page.notices).toEqual(noNotices)
  })

  it('an administrator: the accounts by status and the agreements in force, each linked to its list', () => {
    const page = presentHome({ admin: { active_users: 30, locked: 1, disabled: 2, agreements_in_force: 3 } }, user)
    expect(shapeOf(page.cards)).toEqual([
      [
        'Accounts',
        [
          [30, 'active users', '/admin/users?status=active'],
          [1, 'locked accounts', '/admin/users?status=locked'],
          [2, 'disabled accounts', '/admin/users?status=disabled'],
          [3, 'sharing agreements in force', '/admin/agreements'],
        ],
      ],
    ])
  })

  it('no panel at all: no cards, no notices, no team, and the pointer to the navigation', () => {
    expect(presentHome({}, { ...user, areas: [] })).toEqual({
      areas: '',
      cards: [],
      notices: noNotices,
      team: [],
      getStarted: true,
    })
  })

  it('empty notices and an empty team page show nothing of them, without asking for the navigation', () => {
    const page = presentHome({ iom, cidNotices: [], chargeDue: [], markerReviews: [], suspended: [], team: [] }, user)
    expect(page.notices).toEqual(noNotices)
    expect(page.team).toEqual([])
    expect(page.getStarted).toBe(false)
  })
})
