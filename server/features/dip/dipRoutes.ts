import type { Request, Response } from 'express'
import { can } from '../../auth/sessionUser.ts'
import { dateParts, gatherDates, keepDateValues } from '../../http/dates.ts'
import { addDays, todayInLondon } from '../../domain/time.ts'
import { keepValues, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { HttpError, notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { finishWrite, idParam } from '../../http/writeResult.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { pageParam, pagingOf, windowOf } from '../../http/paging.ts'
import { formatDate } from '../../presenters/format.ts'
import { actorFrom } from '../audit/actor.ts'
import { presentPerson } from '../people/peoplePresenter.ts'
import type { PeopleService } from '../people/peopleService.ts'
import { personIdFrom } from '../people/personAccess.ts'
import { personForForm } from '../people/personForForm.ts'
import {
  formatTime,
  outcomeOptions,
  policeOutcomeOptions,
  presentAppointment,
  presentAppointmentRow,
  presentAwaitingStatements,
  presentFailure,
  presentTest,
  refusalActionOptions,
  resultOptions,
  yesNoOptions,
} from './dipPresenter.ts'
import { earliestInitialAppointment, londonDay, londonInstant } from './dipRules.ts'
import {
  assessmentFieldOrder,
  assessmentSchema,
  attendanceFieldOrder,
  attendanceSchema,
  confirmationSchema,
  drugTestFieldOrder,
  drugTestSchema,
  outcomeSchema,
  rescheduleFieldOrder,
  rescheduleSchema,
  statementSchema,
  wantedSchema,
  withdrawStatementSchema,
} from './dipSchemas.ts'
import type { DipResult, DipService } from './dipService.ts'
import { presentStatement } from './statementPresenter.ts'

type Deps = { dipService: DipService; peopleService: PeopleService }


function values(body: unknown, fields: readonly string[], dates: readonly string[] = []) {
  return { ...keepValues(body, [...fields, 'version']), ...keepDateValues(body, dates) }
}

export function dipRoutes({ dipService, peopleService }: Deps): RouteDefinition[] {
  /** Every DIP write ends the same way: redirect on success, 404, 409, or the form again with the message. */
  function finish(req: Request, res: Response, result: DipResult<unknown>, success: string, redirect: string, again: (errors: FormErrors) => Promise<unknown>) {
    return finishWrite(req, res, result, { message: success, redirect }, again)
  }

  async function testForm(req: Request, res: Response, formValues: Record<string, unknown>, errors?: FormErrors) {
    const person = await personForForm(peopleService, req, res, 'drug_test', !errors)
    if (!person) return
    const { suites, offences } = await dipService.referenceLists()
    await renderPage(res, 'dip/testNew', {
      title: 'Record a drug test (DT1)',
      person: presentPerson(person, todayInLondon()),
      suiteOptions: [{ value: '', text: 'Select a custody suite' }, ...suites.map((s) => ({ value: s.code, text: s.name }))],
      offenceOptions: [{ value: '', text: 'None: authorised by an inspector' }, ...offences.map((o) => ({ value: o.code, text: o.label }))],
      conditionOptions: [{ value: 'arrest', text: 'On arrest' }, { value: 'charge', text: 'On charge' }],
      resultOptions,
      yesNoOptions,
      refusalActionOptions,
      values: formValues,
      errors,
    }, errors ? 400 : 200)
  }

  async function testPage(req: Request, res: Response, formValues: Record<string, unknown> = {}, errors?: FormErrors) {
    const user = signedInUser(req)
    const test = await dipService.test(user, idParam(req, 'testId', 'Drug test'), actorFrom(req))
    if (!test) throw notFound('Drug test')
    await renderPage(res, 'dip/test', {
      title: 'Drug test',
      test: presentTest(test),
      resultOptions,
      values: { imposedDate: dateParts(londonDay(test.sample_taken_at)), appointmentDate: dateParts(earliestInitialAppointment(test.sample_taken_at, test.disputed)), confirmedOn: dateParts(todayInLondon()), ...formValues },
      errors,
    }, errors ? 400 : 200)
  }

  async function appointmentPage(req: Request, res: Response, formValues: Record<string, unknown> = {}, errors?: FormErrors) {
    const user = signedInUser(req)
    const a = await dipService.appointment(user, idParam(req, 'appointmentId', 'Appointment'), actorFrom(req))
    if (!a) throw notFound('Appointment')
    await renderPage(res, 'dip/appointment', {
      title: a.kind === 'initial' ? 'Initial assessment' : 'Follow-up assessment',
      appointment: presentAppointment(a, dipService.now()),
      outcomeOptions,
      yesNoOptions,
      values: {
        appointmentDate: dateParts(londonDay(a.scheduled_at)),
        appointmentTime: formatTime(a.scheduled_at),
        place: a.place,
        followUpDate: dateParts(null),
        version: String(a.version),
        ...formValues,
      },
      errors,
    }, errors ? 400 : 200)
  }

  async function failurePage(req: Request, res: Response, view: 'dip/failure' | 'dip/statement', formValues: Record<string, unknown> = {}, errors?: FormErrors) {
    const user = signedInUser(req)
    const f = await dipService.failure(user, idParam(req, 'failureId', 'Failure'), actorFrom(req))
    if (!f) throw notFound('Failure')
    const today = todayInLondon()
    await renderPage(res, view, {
      title: view === 'dip/statement' ? 'Evidential statement' : 'Failure to attend or remain',
      printable: view === 'dip/statement',
      failure: presentFailure(f, today),
      statement: view === 'dip/statement' ? presentStatement(f) : undefined,
      canPolice: can(user, 'dip.police'),
      canStatement: can(user, 'dip.statements'),
      policeOutcomeOptions,
      values: { wantedOn: dateParts(today), outcomeOn: dateParts(today), ...formValues },
      errors,
    }, errors ? 400 : 200)
  }

  return [
    {
      method: 'get',
      path: '/people/:personId/drug-tests/new',
      access: 'dip.record',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: (req, res) => testForm(req, res, { sampleDate: dateParts(todayInLondon()), refused: 'no', disputed: 'no' }),
    },
    {
      method: 'post',
      path: '/people/:personId/drug-tests',
      access: 'dip.record',
      person: { via: 'person', param: 'personId' },
      audit: 'collection',
      handler: async (req, res) => {
        const kept = values(req.body, drugTestFieldOrder, ['sampleDate'])
        const parsed = drugTestSchema.safeParse(gatherDates(req.body, ['sampleDate']))
        if (!parsed.success) return testForm(req, res, kept, toFormErrors(parsed.error, drugTestFieldOrder))
        const result = await dipService.recordTest(signedInUser(req), personIdFrom(req), parsed.data, actorFrom(req))
        if (result.ok) {
          req.session.flash = { kind: 'success', text: result.id.positive ? 'Drug test recorded. The result is positive: you can now require an assessment.' : 'Drug test recorded' }
          return res.redirect(303, `/drug-tests/${result.id.testId}`)
        }
        await finish(req, res, result, '', '', (errors) => testForm(req, res, kept, errors))
      },
    },
    {
      method: 'get',
      path: '/drug-tests/:testId',
      access: 'dip.record',
      person: { via: 'drugTest', param: 'testId' },
      audit: 'consultation',
      handler: (req, res) => testPage(req, res),
    },
    {
      method: 'post',
      path: '/drug-tests/:testId/confirmation',
      access: 'dip.record',
      person: { via: 'drugTest', param: 'testId' },
      audit: 'collection',
      handler: async (req, res) => {
        const kept = values(req.body, ['opiates', 'cocaine'], ['confirmedOn'])
        const parsed = confirmationSchema.safeParse(gatherDates(req.body, ['confirmedOn']))
        if (!parsed.success) return testPage(req, res, kept, toFormErrors(parsed.error, ['opiates', 'cocaine', 'confirmedOn']))
        const testId = idParam(req, 'testId', 'Drug test')
        const result = await dipService.confirmTest(signedInUser(req), testId, parsed.data, actorFrom(req))
        await finish(req, res, result, 'Confirmatory result recorded', `/drug-tests/${testId}`, (errors) => testPage(req, res, kept, errors))
      },
    },
    {
      method: 'post',
      path: '/drug-tests/:testId/assessment',
      access: 'dip.record',
      person: { via: 'drugTest', param: 'testId' },
      audit: 'collection',
      handler: async (req, res) => {
        const kept = values(req.body, assessmentFieldOrder, ['imposedDate', 'appointmentDate'])
        const parsed = assessmentSchema.safeParse(gatherDates(req.body, ['imposedDate', 'appointmentDate']))
        if (!parsed.success) return testPage(req, res, kept, toFormErrors(parsed.error, assessmentFieldOrder))
        const result = await dipService.imposeAssessment(signedInUser(req), idParam(req, 'testId', 'Drug test'), parsed.data, actorFrom(req))
        await finish(req, res, result, 'Required assessment imposed (RA1): initial appointment booked and follow-up requirement imposed', result.ok ? `/people/${result.id}` : '', (errors) => testPage(req, res, kept, errors))
      },
    },
    {
      method: 'get',
      path: '/appointments',
      access: 'dip.appointments',
      audit: 'consultation',
      handler: async (req, res) => {
        const range = req.query.range === 'week' ? 'week' : 'today'
        const page = pageParam.safeParse(req.query.page)
        if (!page.success) throw new HttpError(400, 'There is no such page of appointments')
        const today = todayInLondon()
        const from = londonInstant(today, '00:00')
        const to = londonInstant(addDays(today, range === 'week' ? 7 : 1), '00:00')
        const { rows, hasNext } = await dipService.appointments(signedInUser(req), from, to, windowOf(page.data), actorFrom(req))
        if (page.data > 1 && rows.length === 0) throw notFound('Page')
        const now = dipService.now()
        await renderPage(res, 'dip/appointments', {
          title: range === 'week' ? "This week's appointments" : "Today's appointments",
          range,
          today: formatDate(today),
          paging: pagingOf(page.data, undefined, rows.length, range === 'week' ? 'range=week' : '', hasNext),
          rows: rows.map((r) => presentAppointmentRow(r, range, now)),
        })
      },
    },
    {
      method: 'get',
      path: '/appointments/:appointmentId',
      access: 'dip.appointments',
      person: { via: 'appointment', param: 'appointmentId' },
      audit: 'consultation',
      handler: (req, res) => appointmentPage(req, res),
    },
    {
      method: 'post',
      path: '/appointments/:appointmentId/attendance',
      access: 'dip.appointments',
      person: { via: 'appointment', param: 'appointmentId' },
      audit: 'collection',
      handler: async (req, res) => {
        const kept = values(req.body, attendanceFieldOrder, ['followUpDate'])
        const parsed = attendanceSchema.safeParse(gatherDates(req.body, ['followUpDate']))
        if (!parsed.success) return appointmentPage(req, res, kept, toFormErrors(parsed.error, attendanceFieldOrder))
        const result = await dipService.recordAttendance(signedInUser(req), idParam(req, 'appointmentId', 'Appointment'), parsed.data, actorFrom(req))
        if (result.ok && result.id.failureId) {
          req.session.flash = { kind: 'success', text: 'Attendance recorded. This is a failure without good cause: produce the evidential statement.' }
          return res.redirect(303, `/failures/${result.id.failureId}`)
        }
        await finish(req, res, result, 'Attendance recorded (RA3)', result.ok ? `/people/${result.id.personId}` : '', (errors) => appointmentPage(req, res, kept, errors))
      },
    },
    {
      method: 'post',
      path: '/appointments/:appointmentId/reschedule',
      access: 'dip.appointments',
      person: { via: 'appointment', param: 'appointmentId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const kept = values(req.body, rescheduleFieldOrder, ['appointmentDate'])
        const parsed = rescheduleSchema.safeParse(gatherDates(req.body, ['appointmentDate']))
        if (!parsed.success) return appointmentPage(req, res, kept, toFormErrors(parsed.error, rescheduleFieldOrder))
        const id = idParam(req, 'appointmentId', 'Appointment')
        const result = await dipService.reschedule(signedInUser(req), id, parsed.data, actorFrom(req))
        await finish(req, res, result, 'Appointment changed (RA2)', `/appointments/${id}`, (errors) => appointmentPage(req, res, kept, errors))
      },
    },
    {
      method: 'get',
      path: '/failures',
      access: 'dip.statements',
      audit: 'consultation',
      handler: async (req, res) => {
        const { rows, timeBarred } = await dipService.awaitingStatements(signedInUser(req), actorFrom(req))
        const today = todayInLondon()
        await renderPage(res, 'dip/failures', {
          title: 'Failures awaiting a statement',
          ...presentAwaitingStatements(rows, timeBarred, today),
        })
      },
    },
    {
      method: 'get',
      path: '/failures/:failureId',
      access: 'dip.failures.view',
      person: { via: 'failure', param: 'failureId' },
      audit: 'consultation',
      handler: (req, res) => failurePage(req, res, 'dip/failure'),
    },
    {
      method: 'get',
      path: '/failures/:failureId/statement',
      access: 'dip.statements',
      person: { via: 'failure', param: 'failureId' },
      audit: 'consultation',
      handler: (req, res) => failurePage(req, res, 'dip/statement'),
    },
    {
      method: 'post',
      path: '/failures/:failureId/statement',
      access: 'dip.statements',
      person: { via: 'failure', param: 'failureId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const parsed = statementSchema.safeParse(req.body)
        if (!parsed.success) return failurePage(req, res, 'dip/failure', {}, toFormErrors(parsed.error))
        const id = idParam(req, 'failureId', 'Failure')
        const result = await dipService.produceStatement(signedInUser(req), id, parsed.data.version, actorFrom(req))
        await finish(req, res, result, 'Statement recorded as produced and signed', `/failures/${id}`, (errors) => failurePage(req, res, 'dip/failure', {}, errors))
      },
    },
    {
      method: 'post',
      path: '/failures/:failureId/statement/withdraw',
      access: 'dip.statements',
      person: { via: 'failure', param: 'failureId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const kept = values(req.body, ['reason'])
        const parsed = withdrawStatementSchema.safeParse(req.body)
        if (!parsed.success) return failurePage(req, res, 'dip/failure', kept, toFormErrors(parsed.error, ['reason']))
        const id = idParam(req, 'failureId', 'Failure')
        const result = await dipService.withdrawStatement(signedInUser(req), id, parsed.data, actorFrom(req))
        await finish(req, res, result, 'Statement withdrawn: the failure is awaiting a statement again', `/failures/${id}`, (errors) => failurePage(req, res, 'dip/failure', kept, errors))
      },
    },
    {
      method: 'post',
      path: '/failures/:failureId/wanted',
      access: 'dip.police',
      person: { via: 'failure', param: 'failureId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const kept = values(req.body, ['reference'], ['wantedOn'])
        const parsed = wantedSchema.safeParse(gatherDates(req.body, ['wantedOn']))
        if (!parsed.success) return failurePage(req, res, 'dip/failure', kept, toFormErrors(parsed.error, ['wantedOn', 'reference']))
        const id = idParam(req, 'failureId', 'Failure')
        const result = await dipService.circulateWanted(signedInUser(req), id, parsed.data, actorFrom(req))
        await finish(req, res, result, 'Recorded as circulated wanted', `/failures/${id}`, (errors) => failurePage(req, res, 'dip/failure', kept, errors))
      },
    },
    {
      method: 'post',
      path: '/failures/:failureId/outcome',
      access: 'dip.police',
      person: { via: 'failure', param: 'failureId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const kept = values(req.body, ['outcome', 'reference', 'note'], ['outcomeOn'])
        const parsed = outcomeSchema.safeParse(gatherDates(req.body, ['outcomeOn']))
        if (!parsed.success) return failurePage(req, res, 'dip/failure', kept, toFormErrors(parsed.error, ['outcome', 'outcomeOn', 'reference', 'note']))
        const id = idParam(req, 'failureId', 'Failure')
        const result = await dipService.recordOutcome(signedInUser(req), id, parsed.data, actorFrom(req))
        await finish(req, res, result, 'Outcome recorded', `/failures/${id}`, (errors) => failurePage(req, res, 'dip/failure', kept, errors))
      },
    },
  ]
}
