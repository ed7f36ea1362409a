import type { Request, Response } from 'express'
import { z } from 'zod'
import { addMonths, todayInLondon } from '../../domain/time.ts'
import { keepValues, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { formatDate, formatDateTime, formatMonth } from '../../presenters/format.ts'
import { actorFrom } from '../audit/actor.ts'
import type { CohortsService } from '../cohorts/cohortsService.ts'
import { fullName } from '../people/peoplePresenter.ts'
import { programmeLabels } from '../people/vocabulary.ts'
import { chartsFrom, tablesFrom } from './performanceTables.ts'
import type { PerformanceService } from './performanceService.ts'

const monthName = (month: string) => formatMonth(month, 'long')

/** The months offered: this one and the 24 before it, newest first (a link may name an older one). */
function monthChoices(chosen?: unknown): { value: string; text: string }[] {
  const thisMonth = `${todayInLondon().slice(0, 7)}-01`
  const months = Array.from({ length: 25 }, (_, i) => addMonths(thisMonth, -i).slice(0, 7))
  if (typeof chosen === 'string' && /^\d{4}-\d{2}$/.test(chosen) && !months.includes(chosen)) months.push(chosen)
  return months.map((month) => ({ value: month, text: monthName(month) }))
}

const packSchema = z.object({
  month: z
    .string({ error: 'Select the month the meeting is about' })
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Select the month the meeting is about')
    .refine((m) => m >= '2000-01' && m <= todayInLondon().slice(0, 7), 'Select a month that has begun, from January 2000'),
  areaId: z.union([z.literal(''), z.guid({ error: 'Select a borough from the list' })], { error: 'Select a borough from the list' }).optional().transform((v) => v || undefined),
})

export function meetingPackRoutes({ performanceService, cohortsService }: { performanceService: PerformanceService; cohortsService: CohortsService }): RouteDefinition[] {
  async function choosePage(req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) {
    const options = await cohortsService.placeOptions(signedInUser(req))
    await renderPage(
      res,
      'performance/packChoose',
      {
        title: 'Monthly intelligence meeting pack',
        values,
        monthOptions: monthChoices(values.month),
        areaOptions: [{ value: '', text: 'All boroughs' }, ...options.boroughs.map((b) => ({ value: b.id, text: b.name }))],
        ...(errors ? { errors } : {}),
      },
      errors ? 400 : 200,
    )
  }

  return [
    {
      method: 'get',
      path: '/performance/pack',
      access: 'performance.view',
      // Without a month it is the choice of month (no one named); with one, the pack's lists name people.
      audit: 'consultation',
      handler: async (req: Request, res: Response) => {
        const values = keepValues(req.query, ['month', 'areaId'])
        if (req.query.month === undefined) return choosePage(req, res, { month: monthChoices()[1]!.value })
        const parsed = packSchema.safeParse(req.query)
        if (!parsed.success) return choosePage(req, res, values, toFormErrors(parsed.error, ['month', 'areaId']))
        const user = signedInUser(req)
        const pack = await performanceService.meetingPack(user, parsed.data, actorFrom(req))
        const options = await cohortsService.placeOptions(user)
        const borough = options.boroughs.find((b) => b.id === parsed.data.areaId)?.name ?? 'All boroughs'
        await renderPage(res, 'performance/pack', {
          title: `Meeting pack: ${formatMonth(parsed.data.month)}`,
          printable: true,
          month: monthName(parsed.data.month),
          borough,
          printedAt: formatDateTime(new Date()),
          figuresAsAt: formatDateTime(pack.computedAt),
          printedBy: user.displayName,
          charts: chartsFrom(pack.figures),
          tables: tablesFrom(pack.figures),
          referrals: pack.lists.referrals.map((r) => ({ personId: r.person_id, name: fullName(r), pnc: r.pnc_id, programme: programmeLabels[r.programme], referredOn: formatDate(todayInLondon(r.referred_at)) })),
          proposals: pack.lists.proposals.map((r) => ({ personId: r.person_id, name: fullName(r), pnc: r.pnc_id, status: r.status, section: r.section, failureOn: formatDate(r.failure_date), timeBar: formatDate(r.time_bar_date) })),
          statements: pack.lists.statements.map((r) => ({ personId: r.person_id, name: fullName(r), pnc: r.pnc_id, section: r.section, failureOn: formatDate(r.failure_date), timeBar: formatDate(r.time_bar_date) })),
          reviews: pack.lists.reviews.map((r) => ({ personId: r.id, name: fullName(r), pnc: r.pnc_id, reviewOn: formatDate(r.review_on) })),
        })
      },
    },
  ]
}
