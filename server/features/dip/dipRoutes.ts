import type { RouteDefinition } from '../../http/routeDefinition.ts'
import type { PeopleService } from '../people/peopleService.ts'
import { dipAppointmentRoutes } from './dipAppointmentRoutes.ts'
import { dipFailureRoutes } from './dipFailureRoutes.ts'
import { dipLetterRoutes } from './dipLetterRoutes.ts'
import type { DipService } from './dipService.ts'
import { dipTestRoutes } from './dipTestRoutes.ts'

type Deps = { dipService: DipService; peopleService: PeopleService }

/** The DIP chain's routes, in its order: the drug test and requirement, the appointments, the failures. */
export function dipRoutes({ dipService, peopleService }: Deps): RouteDefinition[] {
  return [
    ...dipTestRoutes({ dipService, peopleService }),
    ...dipAppointmentRoutes({ dipService }),
    ...dipLetterRoutes({ dipService }),
    ...dipFailureRoutes({ dipService }),
  ]
}
