import type { Request, Response } from 'express'
import { dateParts } from '../../http/dates.ts'
import { addDays, todayInLondon } from '../../domain/time.ts'
import type { FormErrors } from '../../http/forms.ts'
import { blankForm, formPost, type FormValues } from '../../http/formPost.ts'
import { HttpError, notFound, orNotFound } from '../../http/httpError.ts'
import { pageParam, pagingOf, windowOf } from '../../http/paging.ts'
import { renderForm, renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { idParam } from '../../http/writeResult.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { appointmentAsBooked, presentAppointmentList, presentAppointmentPage } from './dipPagePresenter.ts'
import { londonInstant } from './dipRules.ts'
import { attendanceSchema, rescheduleSchema } from './dipSchemas.ts'
import type { DipService } from './dipService.ts'

type Deps = { dipService: DipService }

const appointmentIdOf = (req: Request) => idParam(req, 'appointmentId', 'Appointment')

/** The DIP worker's appointments: the day's or week's list, and each appointment's attendance (RA3) and changes (RA2). */
export function dipAppointmentRoutes({ dipService }: Deps): RouteDefinition[] {
  async function appointmentPage(req: Request, res: Response, values: FormValues, errors?: FormErrors) {
    const a = orNotFound(
      await dipService.appointment(signedInUser(req), appointmentIdOf(req), actorFrom(req)),
      'Appointment',
    )
    const booked = appointmentAsBooked(a)
    const start = {
      appointmentDate: dateParts(booked.day),
      appointmentTime: booked.time,
      place: booked.place,
      followUpDate: dateParts(null),
      version: booked.version,
    }
    await renderForm(
      res,
      'dip/appointment',
      { ...presentAppointmentPage(a, dipService.now()), values: { ...start, ...values } },
      errors,
    )
  }

  return [
    get('/appointments', 'dip.appointments', 'consultation', async (req, res) => {
      const range = req.query.range === 'week' ? 'week' : 'today'
      const page = pageParam.safeParse(req.query.page)
      if (!page.success) throw new HttpError(400, 'There is no such page of appointments')
      const today = todayInLondon()
      const from = londonInstant(today, '00:00')
      const to = londonInstant(addDays(today, range === 'week' ? 7 : 1), '00:00')
      const { rows, hasNext } = await dipService.appointments(
        signedInUser(req),
        from,
        to,
        windowOf(page.data),
        actorFrom(req),
      )
      if (page.data > 1 && rows.length === 0) throw notFound('Page')
      await renderPage(res, 'dip/appointments', {
        ...presentAppointmentList(rows, range, today, dipService.now()),
        paging: pagingOf(page.data, undefined, rows.length, range === 'week' ? 'range=week' : '', hasNext),
      })
    }),
    get('/appointments/:appointmentId', 'dip.appointments', 'consultation', blankForm(appointmentPage)),
    post(
      '/appointments/:appointmentId/attendance',
      'dip.appointments',
      'collection',
      formPost({
        schema: attendanceSchema,
        page: appointmentPage,
        act: (req, data) => dipService.recordAttendance(signedInUser(req), appointmentIdOf(req), data, actorFrom(req)),
        // Without good cause the attendance is a failure: its statement is the next thing to do.
        done: (_req, { personId, failureId }) =>
          failureId
            ? {
                message: 'Attendance recorded. This is a failure without good cause: produce the evidential statement.',
                redirect: `/failures/${failureId}`,
              }
            : { message: 'Attendance recorded (RA3)', redirect: `/people/${personId}` },
      }),
    ),
    post(
      '/appointments/:appointmentId/reschedule',
      'dip.appointments',
      'alteration',
      formPost({
        schema: rescheduleSchema,
        page: appointmentPage,
        act: (req, data) => dipService.reschedule(signedInUser(req), appointmentIdOf(req), data, actorFrom(req)),
        done: (req) => ({ message: 'Appointment changed (RA2)', redirect: `/appointments/${appointmentIdOf(req)}` }),
      }),
    ),
  ]
}
