import type { Request, Response } from 'express'
import { z } from 'zod'
import { todayInLondon } from '../../domain/time.ts'
import { anyOr, type FormErrors, keepValues, toFormErrors } from '../../http/forms.ts'
import { renderPage } from '../../http/render.ts'
import { get, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import type { CohortsService } from '../cohorts/cohortsService.ts'
import {
  boroughName,
  boroughOptions,
  monthChoices,
  presentPackHeading,
  presentPackLists,
} from './performancePresenter.ts'
import type { PerformanceService } from './performanceService.ts'
import { chartsFrom, tablesFrom } from './performanceTables.ts'

const packSchema = z.object({
  month: z
    .string({ error: 'Select the month the meeting is about' })
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Select the month the meeting is about')
    .refine(
      (m) => m >= '2000-01' && m <= todayInLondon().slice(0, 7),
      'Select a month that has begun, from January 2000',
    ),
  areaId: anyOr(z.guid({ error: 'Select a borough from the list' }), 'Select a borough from the list'),
})

type Deps = { performanceService: PerformanceService; cohortsService: CohortsService }

export function meetingPackRoutes({ performanceService, cohortsService }: Deps): RouteDefinition[] {
  async function choosePage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const options = await cohortsService.placeOptions(signedInUser(req))
    const view = {
      title: 'Monthly intelligence meeting pack',
      values,
      monthOptions: monthChoices(todayInLondon(), values.month),
      areaOptions: boroughOptions(options.boroughs),
    }
    await renderPage(res, 'performance/packChoose', { ...view, ...(errors ? { errors } : {}) }, errors ? 400 : 200)
  }

  async function packPage(req: Request, res: Response) {
    // Last month is the one offered first.
    if (req.query.month === undefined) return choosePage(req, res, { month: monthChoices(todayInLondon())[1]!.value })
    const parsed = packSchema.safeParse(req.query)
    if (!parsed.success)
      return choosePage(
        req,
        res,
        keepValues(req.query, ['month', 'areaId']),
        toFormErrors(parsed.error, ['month', 'areaId']),
      )
    const user = signedInUser(req)
    const pack = await performanceService.meetingPack(user, parsed.data, actorFrom(req))
    const options = await cohortsService.placeOptions(user)
    await renderPage(res, 'performance/pack', {
      ...presentPackHeading(
        parsed.data.month,
        boroughName(options.boroughs, parsed.data.areaId),
        { at: new Date(), by: user.displayName },
        pack.computedAt,
      ),
      printable: true,
      charts: chartsFrom(pack.figures),
      tables: tablesFrom(pack.figures),
      ...presentPackLists(pack.lists),
    })
  }

  // Without a month it is the choice of month (no one named); with one, the pack's lists name people.
  return [get('/performance/pack', 'performance.view', 'consultation', packPage)]
}
