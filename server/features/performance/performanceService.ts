import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { addDays, addMonths, todayInLondon } from '../../http/dates.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import { supervisorQueue } from '../cid/cidRepository.ts'
import { pendingReferrals } from '../cohorts/cohortsRepository.ts'
import { failuresAwaitingStatement } from '../dip/dipFailureRepository.ts'
import { reviewQueue, type RetentionRules } from '../retention/retentionRepository.ts'
import * as repo from './performanceRepository.ts'

export type PerformanceService = ReturnType<typeof createPerformanceService>

/** How many rows each decision list of the meeting pack prints at most. */
const packListLimit = 100

/** The monthly picture: each figure one aggregate query. Counts only, never a person. */
export function createPerformanceService(db: Kysely<Database>, retentionRules: RetentionRules) {
  async function report(scope: repo.ReportScope) {
    return {
      cohortSize: await repo.cohortSizeByMonth(db, scope),
      beforeAfter: await repo.beforeAndAfterAdoption(db, scope),
      referrals: await repo.referralsByMonth(db, scope),
      tests: await repo.testsByMonth(db, scope),
      attendance: await repo.attendanceRates(db, scope),
      failures: await repo.failuresBySectionAndStatus(db, scope),
      hotSpots: await repo.hotSpots(db, scope),
      links: await repo.linksByAgency(db, scope),
    }
  }

  /**
   * The monthly intelligence meeting pack: the month's figures, and the lists awaiting a decision
   * as they stand when it is printed. The lists name people, so the pack is one consultation.
   */
  async function meetingPack(user: SessionUser, choice: { month: string; areaId?: string | undefined }, actor: Actor) {
    const from = `${choice.month}-01`
    const to = addDays(addMonths(from, 1), -1)
    const areas = choice.areaId ? user.visibleAreaIds.filter((id) => id === choice.areaId) : user.visibleAreaIds
    const today = todayInLondon()
    const figures = await report({ areaIds: user.visibleAreaIds, areaId: choice.areaId, from, to })
    const lists = {
      referrals: await pendingReferrals(db, areas, packListLimit),
      proposals: await supervisorQueue(db, areas, today),
      statements: await failuresAwaitingStatement(db, areas, packListLimit),
      reviews: await reviewQueue(db, areas, retentionRules, today, packListLimit),
    }
    const personIds = [
      ...new Set([...lists.referrals, ...lists.proposals, ...lists.statements].map((r) => r.person_id).concat(lists.reviews.map((r) => r.id))),
    ]
    if (personIds.length > 0) {
      await recordAudit(db, actor, { category: 'consultation', event: 'performance.meeting_pack', detail: { month: choice.month, areaId: choice.areaId ?? null, personIds } })
    }
    return { from, to, figures, lists }
  }

  return { report, meetingPack }
}
