import type { Request, Response } from 'express'
import { dateParts } from '../../http/dates.ts'
import { todayInLondon } from '../../domain/time.ts'
import { keepValues, singleError, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { finishWrite } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { aliasAndMarkerRoutes } from './aliasAndMarkerRoutes.ts'
import { descriptionRoutes } from './descriptionRoutes.ts'
import { formReader } from '../../http/formPost.ts'
import {
  fullName,
  personFormOptions,
  personFormValues,
  presentDuplicates,
  presentPersonConflict,
  presentSummary,
} from './peoplePresenter.ts'
import { editPersonSchema, personSchema, searchSchema } from './peopleSchemas.ts'
import type { PeopleService } from './peopleService.ts'
import { personIdFrom } from './personAccess.ts'
import { personForForm } from './personForForm.ts'
import { restrictionRoutes } from './restrictionRoutes.ts'

type Deps = { peopleService: PeopleService }

const readNewPerson = formReader(personSchema)
const readEditedPerson = formReader(editPersonSchema)
const mayBeDuplicate = 'This person may already be on Cohort: open the match, or confirm this is someone else'

/** Searching for a person, adding one and editing their details; then the rest of the people feature's routes. */
export function peopleRoutes({ peopleService }: Deps): RouteDefinition[] {
  async function personFormPage(
    req: Request,
    res: Response,
    view: string,
    extra: Record<string, unknown>,
    status = 200,
  ) {
    const options = await peopleService.formOptions(signedInUser(req))
    await renderPage(res, view, { ...personFormOptions(options), ...extra }, status)
  }

  return [
    get('/people/search', 'people.search', 'consultation', async (req, res) => {
      if (req.query.q === undefined)
        return renderPage(res, 'people/search', { title: 'Search for a person', values: {} })
      const values = keepValues(req.query, ['q'])
      const parsed = searchSchema.safeParse(req.query)
      if (!parsed.success) {
        return renderPage(
          res,
          'people/search',
          { title: 'Search for a person', values, errors: toFormErrors(parsed.error, ['q']) },
          400,
        )
      }
      const { kind, results } = await peopleService.search(signedInUser(req), parsed.data.q, actorFrom(req))
      await renderPage(res, 'people/search', {
        title: 'Search for a person',
        values,
        searched: true,
        kind,
        results: results.map(presentSummary),
      })
    }),
    get('/people/new', 'people.edit', 'none', (req, res) =>
      personFormPage(req, res, 'people/new', { title: 'Add a person', values: { dateOfBirth: dateParts(null) } }),
    ),
    // Not formPost: likely duplicates show the form again with the matches, more than a field's error can carry.
    post('/people', 'people.edit', 'collection', async (req, res) => {
      const form = readNewPerson(req.body)
      const again = (extra: Record<string, unknown>) =>
        personFormPage(req, res, 'people/new', { title: 'Add a person', values: form.values, ...extra }, 400)
      if (form.errors) return again({ errors: form.errors })
      const { confirmNotDuplicate, ...fields } = form.data
      const result = await peopleService.create(
        signedInUser(req),
        fields,
        confirmNotDuplicate === 'yes',
        actorFrom(req),
      )
      if ('matches' in result)
        return again({
          ...presentDuplicates(result.matches, fields.pncId),
          errors: singleError('confirmNotDuplicate', mayBeDuplicate),
        })
      const added = { message: `${fullName(fields)} added`, redirect: `/people/${result.ok ? result.id : ''}` }
      await finishWrite(req, res, result, added, (errors) => again({ errors }), 'Person')
    }),
    get('/people/:personId/edit', 'people.edit', 'consultation', async (req, res) => {
      const person = await personForForm(peopleService, req, res, 'edit')
      if (!person) return
      await personFormPage(req, res, 'people/edit', {
        title: `Edit ${fullName(person)}`,
        personId: person.id,
        values: personFormValues(person),
      })
    }),
    // Not formPost: an edit made over someone else's meanwhile answers a page comparing the two, not the 409 page.
    post('/people/:personId', 'people.edit', 'alteration', async (req, res) => {
      const user = signedInUser(req)
      const id = personIdFrom(req)
      const form = readEditedPerson(req.body)
      // The form shown again holds what the user typed, not the record: it shows no one.
      const again = (errors: FormErrors) =>
        personFormPage(
          req,
          res,
          'people/edit',
          { title: 'Edit person', personId: id, values: form.values, errors, showsNoPerson: true },
          400,
        )
      if (!(await peopleService.findInScope(user, id))) throw notFound('Person')
      if (form.errors) return again(form.errors)
      const { version, ...fields } = form.data
      const result = await peopleService.edit(user, id, version, fields, actorFrom(req))
      if (!result.ok && result.kind === 'stale' && result.current) {
        return renderPage(
          res,
          'people/conflict',
          presentPersonConflict(id, result.current, fields, todayInLondon()),
          409,
        )
      }
      await finishWrite(req, res, result, { message: 'Details saved', redirect: `/people/${id}` }, again, 'Person')
    }),
    ...restrictionRoutes({ peopleService }),
    ...aliasAndMarkerRoutes({ peopleService }),
    ...descriptionRoutes({ peopleService }),
  ]
}
