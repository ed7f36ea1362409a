import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import * as repo from './performanceRepository.ts'

export type PerformanceService = ReturnType<typeof createPerformanceService>

/** The monthly picture: each figure one aggregate query. Counts only, never a person. */
export function createPerformanceService(db: Kysely<Database>) {
  async function report(scope: repo.ReportScope) {
    return {
      cohortSize: await repo.cohortSizeByMonth(db, scope),
      referrals: await repo.referralsByMonth(db, scope),
      tests: await repo.testsByMonth(db, scope),
      attendance: await repo.attendanceRates(db, scope),
      failures: await repo.failuresBySectionAndStatus(db, scope),
      hotSpots: await repo.hotSpots(db, scope),
      links: await repo.linksByAgency(db, scope),
    }
  }
  return { report }
}
