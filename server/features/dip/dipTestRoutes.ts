import type { Request, Response } from 'express'
import { dateParts } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import type { FormErrors } from '../../http/forms.ts'
import { formPost, type FormValues } from '../../http/formPost.ts'
import { orNotFound } from '../../http/httpError.ts'
import { renderForm } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { idParam } from '../../http/writeResult.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { presentPerson } from '../people/peoplePresenter.ts'
import type { PeopleService } from '../people/peopleService.ts'
import { personIdFrom } from '../people/personAccess.ts'
import { personForForm } from '../people/personForForm.ts'
import { assessmentStartDays, presentTestForm, presentTestPage } from './dipPagePresenter.ts'
import { assessmentSchema, confirmationSchema, drugTestSchema } from './dipSchemas.ts'
import type { DipService } from './dipService.ts'

type Deps = { dipService: DipService; peopleService: PeopleService }

const testIdOf = (req: Request) => idParam(req, 'testId', 'Drug test')

/** The drug test (DT1), its confirmatory result, and the required assessment imposed on it (RA1). */
export function dipTestRoutes({ dipService, peopleService }: Deps): RouteDefinition[] {
  async function testForm(req: Request, res: Response, values: FormValues, errors?: FormErrors) {
    const person = await personForForm(peopleService, req, res, 'drug_test', !errors)
    if (!person) return
    const view = {
      ...presentTestForm(await dipService.referenceLists()),
      person: presentPerson(person, todayInLondon()),
      values,
    }
    await renderForm(res, 'dip/testNew', view, errors)
  }

  async function testPage(req: Request, res: Response, values: FormValues, errors?: FormErrors) {
    const test = orNotFound(await dipService.test(signedInUser(req), testIdOf(req), actorFrom(req)), 'Drug test')
    const days = assessmentStartDays(test)
    const start = {
      imposedDate: dateParts(days.imposedDate),
      appointmentDate: dateParts(days.appointmentDate),
      confirmedOn: dateParts(todayInLondon()),
    }
    await renderForm(res, 'dip/test', { ...presentTestPage(test), values: { ...start, ...values } }, errors)
  }

  return [
    get('/people/:personId/drug-tests/new', 'dip.record', 'consultation', (req, res) =>
      testForm(req, res, { sampleDate: dateParts(todayInLondon()), refused: 'no', disputed: 'no' }),
    ),
    post(
      '/people/:personId/drug-tests',
      'dip.record',
      'collection',
      formPost({
        schema: drugTestSchema,
        page: testForm,
        act: (req, data) => dipService.recordTest(signedInUser(req), personIdFrom(req), data, actorFrom(req)),
        done: (_req, { testId, positive }) => ({
          message: positive
            ? 'Drug test recorded. The result is positive: you can now require an assessment.'
            : 'Drug test recorded',
          redirect: `/drug-tests/${testId}`,
        }),
      }),
    ),
    get('/drug-tests/:testId', 'dip.record', 'consultation', (req, res) => testPage(req, res, {})),
    post(
      '/drug-tests/:testId/confirmation',
      'dip.record',
      'collection',
      formPost({
        schema: confirmationSchema,
        page: testPage,
        act: (req, data) => dipService.confirmTest(signedInUser(req), testIdOf(req), data, actorFrom(req)),
        done: (req) => ({ message: 'Confirmatory result recorded', redirect: `/drug-tests/${testIdOf(req)}` }),
      }),
    ),
    post(
      '/drug-tests/:testId/assessment',
      'dip.record',
      'collection',
      formPost({
        schema: assessmentSchema,
        page: testPage,
        act: (req, data) => dipService.imposeAssessment(signedInUser(req), testIdOf(req), data, actorFrom(req)),
        done: (_req, personId) => ({
          message: 'Required assessment imposed (RA1): initial appointment booked and follow-up requirement imposed',
          redirect: `/people/${personId}`,
        }),
      }),
    ),
  ]
}
