import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { can } from '../../auth/sessionUser.ts'
import { addDays, todayInLondon } from '../../domain/time.ts'
import type { Window } from '../../domain/window.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import {
  arrestedAwaitingChargeForLeadOfficer,
  countersignedForLeadOfficer,
  markerReviewsOverdue,
  suspendedEntries,
} from '../cid/cidRepository.ts'
import { chargeWarningDays, londonInstant } from '../dip/dipRules.ts'
import { linkAgencyOf, partnerCount } from '../partners/disclosurePolicy.ts'
import * as repo from './dashboardRepository.ts'

export type DashboardService = ReturnType<typeof createDashboardService>

/** The home page's panels that name people, rather than count them. */
const noticePanels = ['cidNotices', 'markerReviews', 'chargeDue', 'suspended'] as const

/** What each role needs to see first. Counts only, except the notices that name people (logged). */
export function createDashboardService(db: Kysely<Database>, clock: () => Date = () => new Date()) {
  /** `teamWindow`: the page of the supervisor's team table to show. */
  async function forUser(user: SessionUser, actor: Actor, teamWindow: Window) {
    const now = clock()
    const today = todayInLondon(now)
    const dayStart = londonInstant(today, '00:00')
    const weekEnd = londonInstant(addDays(today, 7), '00:00')
    const areas = user.visibleAreaIds
    // The panels are independent counts: read side by side on the pool, so a supervisor's page
    // (six panels) waits for its slowest panel, not for the sum of them.
    const panels: Record<string, () => Promise<unknown>> = {}
    if (can(user, 'caseload.view') && user.role !== 'dip_worker') {
      panels.iom = () => repo.iomPanel(db, user.id, areas, today, weekEnd, dayStart)
      panels.cidNotices = () =>
        countersignedForLeadOfficer(db, user.id, areas, new Date(now.getTime() - 14 * 86_400_000))
      panels.markerReviews = () => markerReviewsOverdue(db, user.id, areas, today)
      panels.chargeDue = () => arrestedAwaitingChargeForLeadOfficer(db, user.id, areas, today, chargeWarningDays)
    }
    // Suspended hand-offs: every supervisor of the area, and the officer who proposed one.
    if (can(user, 'cid.countersign')) panels.suspended = () => suspendedEntries(db, areas)
    else if (can(user, 'cid.propose')) panels.suspended = () => suspendedEntries(db, areas, user.id)
    if (can(user, 'dip.appointments')) panels.dip = () => repo.dipPanel(db, areas, today)
    if (can(user, 'cid.list')) panels.cid = () => repo.cidPanel(db, areas, today)
    if (can(user, 'referrals.decide')) {
      panels.supervisor = () => repo.supervisorPanel(db, user.id, areas, today)
      panels.team = () => repo.teamPerformance(db, areas, today, teamWindow)
      panels.teamTotals = () => repo.teamTotals(db, areas, today)
    }
    const linkAgency = linkAgencyOf(user.agency)
    if (can(user, 'partner.cases') && linkAgency) panels.partner = () => repo.partnerPanel(db, linkAgency, areas, today)
    if (user.role === 'partner') {
      panels.partnership = async () => {
        const picture = await repo.partnershipPicture(db, areas, today)
        return Object.fromEntries(Object.entries(picture).map(([k, n]) => [k, partnerCount(n)]))
      }
    }
    if (can(user, 'users.manage')) panels.admin = () => repo.adminPanel(db, today)
    const entries = Object.entries(panels)
    const results = await Promise.all(entries.map(([, read]) => read()))
    const home: Record<string, unknown> = Object.fromEntries(entries.map(([name], i) => [name, results[i]]))
    // The notices name people: one consultation of all of them for the page (one request, one row).
    const named = noticePanels
      .flatMap((name) => (home[name] as { person_id: string }[] | undefined) ?? [])
      .map((n) => n.person_id)
    if (named.length > 0)
      await recordAudit(db, actor, {
        category: 'consultation',
        event: 'home.notices',
        detail: { personIds: [...new Set(named)] },
      })
    if (home.supervisor && home.teamTotals) {
      // The sum of the team table's column over all its pages: one expression gives both.
      const totals = home.teamTotals as Awaited<ReturnType<typeof repo.teamTotals>>
      home.supervisor = { ...home.supervisor, team_overdue_actions: totals.overdue }
    }
    return home
  }
  return { forUser }
}
