import type { Request, Response } from 'express'
import { z } from 'zod'
import { addMonths, todayInLondon } from '../../domain/time.ts'
import { toCsv } from '../../http/csv.ts'
import { dateParts, gatherDates, keepDateValues, optionalDateField } from '../../http/dates.ts'
import { anyOr, keepValues, singleError, toFormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import type { CohortsService } from '../cohorts/cohortsService.ts'
import { boroughOptions, presentAsAt, wardOptions } from './performancePresenter.ts'
import type { PerformanceService } from './performanceService.ts'
import { chartsFrom, tablesFrom } from './performanceTables.ts'

const filterSchema = z
  .object({
    from: optionalDateField('from date'),
    to: optionalDateField('to date'),
    // The message goes on the union and on the id: the summary would otherwise say "Invalid input" or "Not a valid reference".
    areaId: anyOr(z.guid({ error: 'Select a borough from the list' }), 'Select a borough from the list'),
    wardId: anyOr(z.guid({ error: 'Select a ward from the list' }), 'Select a ward from the list'),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, {
    path: ['to'],
    message: 'The to date must be on or after the from date',
  })
  .refine((v) => !v.from || !v.to || v.to <= addMonths(v.from, 60), {
    path: ['to'],
    message: 'Choose a period of 5 years or less',
  })

type Deps = { performanceService: PerformanceService; cohortsService: CohortsService }

export function performanceRoutes({ performanceService, cohortsService }: Deps): RouteDefinition[] {
  async function report(req: Request) {
    const user = signedInUser(req)
    const parsed = filterSchema.safeParse(gatherDates(req.query, ['from', 'to']))
    if (!parsed.success) return { user, errors: toFormErrors(parsed.error, ['from', 'to', 'areaId', 'wardId']) }
    const to = parsed.data.to ?? todayInLondon()
    const from = parsed.data.from ?? `${addMonths(to, -11).slice(0, 7)}-01`
    // The schema checks the period when both dates are typed; a from date alone runs to today.
    if (from > to)
      return {
        user,
        errors: singleError('from', 'The from date must be today or in the past, or enter a to date after it'),
      }
    if (to > addMonths(from, 60)) return { user, errors: singleError('from', 'Choose a period of 5 years or less') }
    const { figures, computedAt } = await performanceService.report({
      areaIds: user.visibleAreaIds,
      areaId: parsed.data.areaId,
      wardId: parsed.data.wardId,
      from,
      to,
    })
    return { user, from, to, tables: tablesFrom(figures), figures, computedAt }
  }

  async function reportPage(req: Request, res: Response) {
    const result = await report(req)
    const options = await cohortsService.placeOptions(result.user)
    const dates = keepDateValues(req.query, ['from', 'to'])
    const values = { ...dates, ...keepValues(req.query, ['areaId', 'wardId']) }
    const common = {
      title: 'Performance',
      areaOptions: boroughOptions(options.boroughs),
      wardOptions: wardOptions(options.wards),
    }
    if ('errors' in result)
      return renderPage(
        res,
        'performance/report',
        { ...common, values, tables: [], charts: [], errors: result.errors },
        400,
      )
    const query = new URLSearchParams(
      Object.entries(req.query).filter(([, v]) => typeof v === 'string') as [string, string][],
    ).toString()
    await renderPage(res, 'performance/report', {
      ...common,
      // A date left blank shows the one the report used.
      values: {
        ...values,
        from: dates.from?.year ? dates.from : dateParts(result.from),
        to: dates.to?.year ? dates.to : dateParts(result.to),
      },
      period: `${result.from} to ${result.to}`,
      asAt: presentAsAt(result.computedAt, performanceService.cacheMinutes),
      tables: result.tables,
      charts: chartsFrom(result.figures),
      query,
    })
  }

  async function tableCsv(req: Request, res: Response) {
    const result = await report(req)
    if ('errors' in result)
      return renderPage(res, 'errors/400', { title: 'There is a problem with the filters', requestId: req.id }, 400)
    const table = result.tables.find((t) => t.id === req.params.table)
    if (!table) throw notFound('Table')
    res.setHeader('Content-Disposition', `attachment; filename="${table.id}-${result.from}-${result.to}.csv"`)
    res.type('text/csv').send(toCsv(table.header, table.rows))
  }

  return [
    get('/performance', 'performance.view', 'none', reportPage),
    get('/performance/:table.csv', 'performance.view', 'none', tableCsv),
  ]
}
