import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { can } from '../../auth/sessionUser.ts'
import { addDays, todayInLondon } from '../../http/dates.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import { countersignedForLeadOfficer } from '../cid/cidRepository.ts'
import { londonInstant } from '../dip/dipRules.ts'
import { linkAgencyOf, partnerCount } from '../partners/disclosurePolicy.ts'
import * as repo from './dashboardRepository.ts'

export type DashboardService = ReturnType<typeof createDashboardService>

/** What each role needs to see first. Counts only, except the lead officer's CID notices (logged). */
export function createDashboardService(db: Kysely<Database>, clock: () => Date = () => new Date()) {
  async function forUser(user: SessionUser, actor: Actor) {
    const now = clock()
    const today = todayInLondon(now)
    const dayStart = londonInstant(today, '00:00')
    const dayEnd = londonInstant(addDays(today, 1), '00:00')
    const weekEnd = londonInstant(addDays(today, 7), '00:00')
    const areas = user.visibleAreaIds
    const home: Record<string, unknown> = {}
    if (can(user, 'caseload.view') && user.role !== 'dip_worker') {
      home.iom = await repo.iomPanel(db, user.id, areas, today, weekEnd, dayStart)
      const notices = await countersignedForLeadOfficer(db, user.id, areas, new Date(now.getTime() - 14 * 86_400_000))
      if (notices.length > 0) {
        await recordAudit(db, actor, { category: 'consultation', event: 'home.cid_notices', detail: { personIds: notices.map((n) => n.person_id) } })
      }
      home.cidNotices = notices
    }
    if (can(user, 'dip.appointments')) home.dip = await repo.dipPanel(db, areas, dayStart, dayEnd, now)
    if (can(user, 'cid.list')) home.cid = await repo.cidPanel(db, areas, today)
    if (can(user, 'referrals.decide')) {
      home.supervisor = await repo.supervisorPanel(db, areas, today)
      home.team = await repo.teamPerformance(db, areas, today)
    }
    const linkAgency = linkAgencyOf(user.agency)
    if (can(user, 'partner.cases') && linkAgency) home.partner = await repo.partnerPanel(db, linkAgency, areas, today)
    if (user.role === 'partner') {
      const picture = await repo.partnershipPicture(db, areas, today)
      home.partnership = Object.fromEntries(Object.entries(picture).map(([k, n]) => [k, partnerCount(n)]))
    }
    if (can(user, 'users.manage')) home.admin = await repo.adminPanel(db, today)
    return home
  }
  return { forUser }
}
