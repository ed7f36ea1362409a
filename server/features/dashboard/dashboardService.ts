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

/** What the home page shows a user: each panel their role is given, and no other. */
export type Home = Awaited<ReturnType<DashboardService['forUser']>>

/** A panel's read, or undefined where the user's role is not shown that panel. */
type Reader = (() => Promise<unknown>) | undefined

/** What each reader gives, present only where there was a reader. */
type ReadResults<R extends Record<string, Reader>> = { [K in keyof R]?: Awaited<ReturnType<NonNullable<R[K]>>> }

/** A panel's reader when the user is shown it: the condition and the read side by side. */
const when = <T>(shown: boolean, read: () => Promise<T>) => (shown ? read : undefined)

/**
 * Runs every reader at once on the pool, so that a page of six panels waits for its slowest
 * panel, not for the sum of them; each result keeps its reader's type.
 */
async function readSideBySide<R extends Record<string, Reader>>(readers: R): Promise<ReadResults<R>> {
  const present = Object.entries(readers).flatMap(([name, read]) => (read ? [{ name, read }] : []))
  const results = await Promise.all(present.map(({ read }) => read()))
  return Object.fromEntries(present.map(({ name }, i) => [name, results[i]])) as ReadResults<R>
}

/** Counts as a partner agency may see them, each under its own name: small numbers suppressed. */
function shownToPartners<T extends Record<string, number>>(
  counts: T,
): { [K in keyof T]: ReturnType<typeof partnerCount> } {
  return Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, partnerCount(n)])) as {
    [K in keyof T]: ReturnType<typeof partnerCount>
  }
}

/** What each role needs to see first. Counts only, except the notices that name people (logged). */
export function createDashboardService(db: Kysely<Database>, clock: () => Date = () => new Date()) {
  /** `teamWindow`: the page of the supervisor's team table to show. */
  async function forUser(user: SessionUser, actor: Actor, teamWindow: Window) {
    const now = clock()
    const today = todayInLondon(now)
    const dayStart = londonInstant(today, '00:00')
    const weekEnd = londonInstant(addDays(today, 7), '00:00')
    const areas = user.visibleAreaIds
    const leadsCases = can(user, 'caseload.view') && user.role !== 'dip_worker'
    const decides = can(user, 'referrals.decide')
    const linkAgency = linkAgencyOf(user.agency)
    const panels = await readSideBySide({
      iom: when(leadsCases, () => repo.iomPanel(db, user.id, areas, today, weekEnd, dayStart)),
      cidNotices: when(leadsCases, () =>
        countersignedForLeadOfficer(db, user.id, areas, new Date(now.getTime() - 14 * 86_400_000)),
      ),
      markerReviews: when(leadsCases, () => markerReviewsOverdue(db, user.id, areas, today)),
      chargeDue: when(leadsCases, () =>
        arrestedAwaitingChargeForLeadOfficer(db, user.id, areas, today, chargeWarningDays),
      ),
      // Suspended hand-offs: every supervisor of the area, and the officer who proposed one.
      suspended: can(user, 'cid.countersign')
        ? () => suspendedEntries(db, areas)
        : when(can(user, 'cid.propose'), () => suspendedEntries(db, areas, user.id)),
      dip: when(can(user, 'dip.appointments'), () => repo.dipPanel(db, areas, today)),
      cid: when(can(user, 'cid.list'), () => repo.cidPanel(db, areas, today)),
      supervisor: when(decides, () => repo.supervisorPanel(db, user.id, areas, today)),
      team: when(decides, () => repo.teamPerformance(db, areas, today, teamWindow)),
      teamTotals: when(decides, () => repo.teamTotals(db, areas, today)),
      partner:
        can(user, 'partner.cases') && linkAgency ? () => repo.partnerPanel(db, linkAgency, areas, today) : undefined,
      partnership: when(user.role === 'partner', async () =>
        shownToPartners(await repo.partnershipPicture(db, areas, today)),
      ),
      admin: when(can(user, 'users.manage'), () => repo.adminPanel(db, today)),
    })
    // The notices name people: one consultation of all of them for the page (one request, one row).
    const named = [
      ...(panels.cidNotices ?? []),
      ...(panels.markerReviews ?? []),
      ...(panels.chargeDue ?? []),
      ...(panels.suspended ?? []),
    ].map((n) => n.person_id)
    if (named.length > 0)
      await recordAudit(db, actor, {
        category: 'consultation',
        event: 'home.notices',
        detail: { personIds: [...new Set(named)] },
      })
    const { supervisor, ...rest } = panels
    return {
      ...rest,
      // The sum of the team table's column over all its pages: one expression gives both.
      ...(supervisor && { supervisor: { ...supervisor, team_overdue_actions: panels.teamTotals?.overdue } }),
    }
  }
  return { forUser }
}
