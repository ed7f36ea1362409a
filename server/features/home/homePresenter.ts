import type { SessionUser } from '../../auth/sessionUser.ts'
import type { Home } from '../dashboard/dashboardService.ts'
import { fullName } from '../people/peoplePresenter.ts'

/** One figure of a card: the count, what it counts, and the list of exactly those rows where there is one. */
export type Figure = { count: number | string | undefined; label: string; href: string | null }

export type Card = { heading: string; figures: Figure[] }

/** A person a notice names, linked to their record or to the failure that needs them. */
export type NoticePerson = { name: string; href: string }

/** A person a notice names, with what the notice says of them. */
export type NoticeLine = NoticePerson & { note: string }

export type HomeNotices = {
  cidNotices: NoticePerson[]
  chargeDue: NoticeLine[]
  markerReviews: NoticeLine[]
  suspended: NoticePerson[]
}

export type TeamRow = { officer: string; caseload: number; overdue: number; contacts: number }

export type HomePage = {
  /** The user's areas, as the welcome line names them. */
  areas: string
  cards: Card[]
  /** Each list empty when there is no notice of its kind. */
  notices: HomeNotices
  /** This page of the supervisor's team table; empty for everyone else. */
  team: TeamRow[]
  /** Nothing to show: the page points to the navigation instead. */
  getStarted: boolean
}

const figure = (count: number | string | undefined, label: string, href: string | null = null): Figure => ({
  count,
  label,
  href,
})

/** A calendar day, 'YYYY-MM-DD', as the notices show it: "09/12/2026", short enough to sit beside a name. */
const dayMonthYear = (day: string | null): string => (day ? day.split('-').reverse().join('/') : '')

const named = (person: { surname: string; forenames: string }, href: string): NoticePerson => ({
  name: fullName(person),
  href,
})

/** Each count links to the list filtered to exactly the rows it counts; figures with no such list link nowhere. */
function cardsOf(home: Home, userId: string): Card[] {
  const cards: Card[] = []
  // The caseload card's figures: the cohort list filtered to the user's own people, that tier and that status.
  const mine = '/cohorts?leadOfficerId=' + encodeURIComponent(userId)
  const { dip, iom, cid, supervisor, partner, partnership, admin } = home
  if (dip)
    cards.push({
      heading: "Today's DIP work",
      figures: [
        figure(dip.today_total, 'appointments today', '/appointments'),
        figure(dip.today_to_record, 'not yet recorded', '/tasks?kind=appointments'),
        figure(dip.awaiting_statement, 'failures awaiting a statement', '/failures'),
        figure(dip.disputed_unconfirmed, 'disputed tests awaiting confirmation'),
      ],
    })
  if (iom)
    cards.push({
      heading: 'My caseload',
      figures: [
        figure(iom.red, 'red tier', mine + '&tier=red&status=active'),
        figure(iom.amber, 'amber tier', mine + '&tier=amber&status=active'),
        figure(iom.green, 'green tier', mine + '&tier=green&status=active'),
        figure(iom.in_custody, 'in custody', mine + '&status=in_custody'),
        figure(iom.actions_overdue, 'actions overdue', '/tasks?kind=actions'),
        figure(iom.actions_today, 'actions due today', '/actions?due=today'),
        figure(iom.appointments_week, 'DIP appointments this week for my people'),
        figure(iom.failures_recent, 'DIP failures in the last 30 days for my people'),
      ],
    })
  if (cid)
    cards.push({
      heading: 'Wanted for DIP failure',
      figures: [
        figure(cid.on_list, 'people on the list', '/cid'),
        figure(cid.new_this_week, 'countersigned in the last 7 days', '/cid?countersigned=7'),
        figure(cid.within_30_days, 'within 30 days of the time bar', '/cid?days=30'),
      ],
    })
  if (supervisor)
    cards.push({
      heading: 'Decisions waiting',
      figures: [
        figure(supervisor.proposals, 'CID proposals to countersign', '/tasks?kind=proposals'),
        figure(supervisor.referrals, 'referrals awaiting the panel', '/tasks?kind=referrals'),
        figure(supervisor.time_barred_to_close, 'time-barred CID entries to close', '/cid/proposals?show=to-close'),
        figure(supervisor.team_overdue_actions, 'overdue actions of your team'),
      ],
    })
  if (partner)
    cards.push({
      heading: 'Your agency’s cases',
      figures: [
        figure(partner.open, 'open cases', '/partner-cases'),
        figure(partner.opened_30_days, 'opened in the last 30 days', '/partner-cases?opened=30'),
      ],
    })
  if (partnership)
    cards.push({
      heading: 'The partnership in your boroughs',
      figures: [
        figure(partnership.iom_fixed, 'people on IOM Fixed'),
        figure(partnership.iom_flex, 'people on IOM Flex'),
        figure(partnership.iom_free, 'people on IOM Free'),
        figure(partnership.dip, 'people on DIP'),
        figure(partnership.tests_30_days, 'custody drug tests in the last 30 days'),
      ],
    })
  if (admin)
    cards.push({
      heading: 'Accounts',
      figures: [
        figure(admin.active_users, 'active users', '/admin/users?status=active'),
        figure(admin.locked, 'locked accounts', '/admin/users?status=locked'),
        figure(admin.disabled, 'disabled accounts', '/admin/users?status=disabled'),
        figure(admin.agreements_in_force, 'sharing agreements in force', '/admin/agreements'),
      ],
    })
  return cards
}

/** The notices that name people: each person linked to their record, or to the failure that needs them. */
function noticesOf(home: Home): HomeNotices {
  return {
    cidNotices: (home.cidNotices ?? []).map((n) => named(n, '/people/' + n.person_id)),
    chargeDue: (home.chargeDue ?? []).map((n) => ({
      ...named(n, '/failures/' + n.failure_id),
      note: `charge by ${dayMonthYear(n.time_bar_date)}`,
    })),
    markerReviews: (home.markerReviews ?? []).map((m) => ({
      ...named(m, '/people/' + m.person_id),
      note: `${m.label}, review was due ${dayMonthYear(m.review_date)}`,
    })),
    suspended: (home.suspended ?? []).map((n) => named(n, '/people/' + n.person_id)),
  }
}

/** The home page from what the dashboard read for the signed-in user. */
export function presentHome(home: Home, user: Pick<SessionUser, 'id' | 'areas'>): HomePage {
  const cards = cardsOf(home, user.id)
  return {
    areas: user.areas.map((a) => a.name).join(', '),
    cards,
    notices: noticesOf(home),
    team: (home.team ?? []).map((t) => ({
      officer: t.officer,
      caseload: t.caseload,
      overdue: t.overdue,
      contacts: t.contacts_30_days,
    })),
    getStarted: cards.length === 0,
  }
}
