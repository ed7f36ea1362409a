import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { idParam } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { presentAppointmentLetter } from './dipLetterPresenter.ts'
import type { DipService } from './dipService.ts'

type Deps = { dipService: DipService }

/**
 * The printed document for an appointment: the notice of requirement for an initial assessment,
 * the appointment letter for a follow-up. Whoever may see the appointment may print it; it is a
 * consultation of the person's record (server/decisions/0113-letters.md).
 */
export function dipLetterRoutes({ dipService }: Deps): RouteDefinition[] {
  return [
    get('/appointments/:appointmentId/letter', 'dip.appointments', 'consultation', async (req, res) => {
      const appointment = await dipService.appointment(
        signedInUser(req),
        idParam(req, 'appointmentId', 'Appointment'),
        actorFrom(req),
      )
      if (!appointment) throw notFound('Appointment')
      const letter = presentAppointmentLetter(appointment, dipService.now())
      await renderPage(res, 'dip/letters/appointmentLetter', letter)
    }),
  ]
}
