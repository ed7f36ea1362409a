import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { addDays, addMonths, todayInLondon } from '../../domain/time.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import { supervisorQueue } from '../cid/cidRepository.ts'
import { pendingReferrals } from '../cohorts/cohortsRepository.ts'
import { failuresAwaitingStatement } from '../dip/dipFailureRepository.ts'
import { reviewQueue, type RetentionRules } from '../retention/retentionRepository.ts'
import * as repo from './performanceRepository.ts'

export type PerformanceService = ReturnType<typeof createPerformanceService>

/** How many rows each decision list of the meeting pack prints at most. */
const packListLimit = 100

/** Each figure of the report by name, and the one aggregate query that works it out for a scope. */
const figureQueries = {
  cohortSize: repo.cohortSizeByMonth,
  beforeAfter: repo.beforeAndAfterAdoption,
  referrals: repo.referralsByMonth,
  tests: repo.testsByMonth,
  attendance: repo.attendanceRates,
  failures: repo.failuresBySectionAndStatus,
  hotSpots: repo.hotSpots,
  links: repo.linksByAgency,
}

/** The monthly picture: each figure one aggregate query. Counts only, never a person. */
export function createPerformanceService(db: Kysely<Database>, retentionRules: RetentionRules, cacheMinutes: number) {
  /** The figures side by side on the pool's connections: on two cores, about half the time of one after another. */
  async function workOut(scope: repo.ReportScope): Promise<Figures> {
    const figures = await Promise.all(
      Object.entries(figureQueries).map(async ([name, query]) => [name, await query(db, scope)] as const),
    )
    return Object.fromEntries(figures) as Figures
  }

  /**
   * The figures for a scope, and when they were worked out: from report_cache when someone asked
   * for the same scope within cacheMinutes (the page says how old they are), else worked out now.
   */
  async function report(scope: repo.ReportScope): Promise<{ figures: Figures; computedAt: Date }> {
    if (cacheMinutes === 0) return { figures: await workOut(scope), computedAt: new Date() }
    const key = cacheKey(scope)
    const cached = await repo.cachedFigures(db, key, cacheMinutes)
    if (cached) return { figures: cached.figures as Figures, computedAt: cached.computedAt }
    const figures = await workOut(scope)
    return { figures, computedAt: await repo.cacheFigures(db, key, figures) }
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
    const { figures, computedAt } = await report({ areaIds: user.visibleAreaIds, areaId: choice.areaId, from, to })
    const lists = {
      referrals: await pendingReferrals(db, areas, packListLimit),
      proposals: await supervisorQueue(db, areas, today),
      statements: await failuresAwaitingStatement(db, areas, packListLimit),
      reviews: await reviewQueue(db, areas, retentionRules, today, packListLimit),
    }
    const personIds = [
      ...new Set(
        [...lists.referrals, ...lists.proposals, ...lists.statements]
          .map((r) => r.person_id)
          .concat(lists.reviews.map((r) => r.id)),
      ),
    ]
    if (personIds.length > 0) {
      await recordAudit(db, actor, {
        category: 'consultation',
        event: 'performance.meeting_pack',
        detail: { month: choice.month, areaId: choice.areaId ?? null, personIds },
      })
    }
    return { from, to, figures, computedAt, lists }
  }

  return { report, meetingPack, cacheMinutes }
}

/** The report's figures, each the rows of its query. */
export type Figures = { [Name in keyof typeof figureQueries]: Awaited<ReturnType<(typeof figureQueries)[Name]>> }

/** The same scope, whatever order the areas came in, is the same key. */
function cacheKey(scope: repo.ReportScope): string {
  const canonical = {
    areaIds: [...scope.areaIds].sort(),
    areaId: scope.areaId ?? null,
    wardId: scope.wardId ?? null,
    from: scope.from,
    to: scope.to,
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex')
}
