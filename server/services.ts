import type { Kysely } from 'kysely'
import type { Database } from '../db/types.ts'
import type { Config } from './config.ts'
import { createSignInService } from './features/auth/signInService.ts'
import { createUsersService } from './features/users/usersService.ts'
import { createCaseworkService } from './features/casework/caseworkService.ts'
import { createCohortsService } from './features/cohorts/cohortsService.ts'
import { createPeopleService } from './features/people/peopleService.ts'
import { createPersonPageService } from './features/personPage/personPageService.ts'
import { createDipService } from './features/dip/dipService.ts'
import { createDipImportService } from './features/dip/import/dipImportService.ts'
import { createPartnersService } from './features/partners/partnersService.ts'
import { createCidService } from './features/cid/cidService.ts'
import { createAuditViewsService } from './features/auditViews/auditViewsService.ts'
import { createRetentionService } from './features/retention/retentionService.ts'
import { createDashboardService } from './features/dashboard/dashboardService.ts'
import { createPerformanceService } from './features/performance/performanceService.ts'
import { createReferenceService } from './features/reference/referenceService.ts'
import { createCombinationService } from './features/combination/combinationService.ts'
import { createTasksService } from './features/tasks/tasksService.ts'

/** Every service, built once over one database. createApp receives these; tests build the same. */
export function createServices(db: Kysely<Database>, config: Config) {
  return {
    signInService: createSignInService(db, {
      lockoutThreshold: config.signIn.lockoutThreshold,
      lockoutMs: config.signIn.lockoutMs,
    }),
    usersService: createUsersService(db),
    peopleService: createPeopleService(db),
    personPageService: createPersonPageService(db),
    caseworkService: createCaseworkService(db),
    cohortsService: createCohortsService(db),
    dipService: createDipService(db),
    dipImportService: createDipImportService(db),
    partnersService: createPartnersService(db),
    cidService: createCidService(db),
    auditViewsService: createAuditViewsService(db),
    retentionService: createRetentionService(db, config.retention),
    dashboardService: createDashboardService(db),
    performanceService: createPerformanceService(db, config.retention, config.reportCacheMinutes),
    referenceService: createReferenceService(db),
    combinationService: createCombinationService(db),
    tasksService: createTasksService(db, config.retention),
  }
}

export type Services = ReturnType<typeof createServices>
