import type { Request, Response } from 'express'
import { todayInLondon } from '../../domain/time.ts'
import { keepValues, singleError, toFormErrors, type FormErrors } from '../../http/forms.ts'
import { HttpError, notFound } from '../../http/httpError.ts'
import { singleFileUpload } from '../../http/multipart.ts'
import { renderPage } from '../../http/render.ts'
import type { RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { keyUsedBefore } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { maxPhotoBytes, maxPhotoSizeText } from './custodyPhoto.ts'
import { descriptionFieldsOf } from './descriptionRepository.ts'
import { buildOptions, descriptionFormValues, descriptionRows, eyeColourOptions } from './descriptionPresenter.ts'
import { presentPerson } from './peoplePresenter.ts'
import { descriptionFieldOrder, descriptionSchema } from './peopleSchemas.ts'
import type { PeopleService } from './peopleService.ts'
import type { PersonRecord } from './peopleRepository.ts'
import { personIdFrom, statedPurpose } from './personAccess.ts'
import { personForForm } from './personForForm.ts'

type Deps = { peopleService: PeopleService }

/** The physical description form, the custody photograph's upload form, and the photograph itself. */
export function descriptionRoutes({ peopleService }: Deps): RouteDefinition[] {
  async function descriptionForm(res: Response, person: PersonRecord, values: Record<string, unknown>, errors?: FormErrors) {
    await renderPage(
      res,
      'people/description',
      { title: 'Physical description', person: presentPerson(person, todayInLondon()), values, errors, buildOptions, eyeColourOptions },
      errors ? 400 : 200,
    )
  }

  async function photoForm(res: Response, person: PersonRecord, hasPhoto: boolean, errors?: FormErrors) {
    const title = hasPhoto ? 'Replace the custody photograph' : 'Upload a custody photograph'
    await renderPage(res, 'people/photo', { title, person: presentPerson(person, todayInLondon()), hasPhoto, errors }, errors ? 400 : 200)
  }

  /** A refused form shown again: the person checked in scope (404 if not), nothing logged again. */
  async function inScope(req: Request): Promise<PersonRecord> {
    const person = await peopleService.findInScope(signedInUser(req), personIdFrom(req))
    if (!person) throw notFound('Person')
    return person
  }

  return [
    {
      method: 'get',
      path: '/people/:personId/description',
      access: 'people.edit',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: async (req, res) => {
        const person = await personForForm(peopleService, req, res, 'description')
        if (!person) return
        await descriptionForm(res, person, descriptionFormValues(descriptionFieldsOf(person), person.version))
      },
    },
    {
      method: 'post',
      path: '/people/:personId/description',
      access: 'people.edit',
      person: { via: 'person', param: 'personId' },
      audit: 'alteration',
      handler: async (req, res) => {
        const user = signedInUser(req)
        const id = personIdFrom(req)
        const values = keepValues(req.body, [...descriptionFieldOrder, 'version'])
        const parsed = descriptionSchema.safeParse(req.body)
        if (!parsed.success) return descriptionForm(res, await inScope(req), values, toFormErrors(parsed.error, [...descriptionFieldOrder, 'version']))
        const { version, ...fields } = parsed.data
        const result = await peopleService.editDescription(user, id, version, fields, actorFrom(req))
        if (result.ok) {
          req.session.flash = { kind: 'success', text: 'Physical description saved' }
          return res.redirect(303, `/people/${id}`)
        }
        if (result.kind === 'notFound') throw notFound('Person')
        if (result.kind === 'stale') {
          return renderPage(res, 'people/descriptionConflict', {
            title: 'Someone else changed this record',
            personId: id,
            rows: descriptionRows(descriptionFieldsOf(result.current)).map(([label, theirs], i) => [label, theirs, descriptionRows(fields)[i]![1]]),
          }, 409)
        }
        throw new HttpError(500, 'Unexpected result')
      },
    },
    {
      method: 'get',
      path: '/people/:personId/photo/new',
      access: 'people.edit',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: async (req, res) => {
        const person = await personForForm(peopleService, req, res, 'photo-upload')
        if (!person) return
        const description = await peopleService.descriptionOf(person.id)
        await photoForm(res, person, description?.hasPhoto ?? false)
      },
    },
    {
      method: 'post',
      path: '/people/:personId/photo',
      access: 'people.edit',
      person: { via: 'person', param: 'personId' },
      audit: 'collection',
      // The CSRF token travels in the multipart body: app.ts runs this parser before checking it.
      parseBody: singleFileUpload({ field: 'photo', maxBytes: maxPhotoBytes, sizeText: maxPhotoSizeText }),
      handler: async (req, res) => {
        const id = personIdFrom(req)
        const refuse = async (message: string) => {
          const person = await inScope(req)
          const description = await peopleService.descriptionOf(person.id)
          await photoForm(res, person, description?.hasPhoto ?? false, singleError('photo', message))
        }
        const problem = res.locals.uploadProblem as string | undefined
        if (problem) return refuse(problem)
        if (!req.file) return refuse('Select a photograph to upload')
        const result = await peopleService.uploadPhoto(signedInUser(req), id, req.file.buffer, actorFrom(req))
        if (result === 'notFound') throw notFound('Person')
        if (result === 'keyReused') throw keyUsedBefore()
        if (typeof result === 'object') return refuse(result.invalid)
        req.session.flash = { kind: 'success', text: 'Custody photograph saved' }
        res.redirect(303, `/people/${id}`)
      },
    },
    {
      method: 'get',
      path: '/people/:personId/photo',
      access: 'people.view',
      person: { via: 'person', param: 'personId' },
      audit: 'consultation',
      handler: async (req, res) => {
        const id = personIdFrom(req)
        const found = await peopleService.viewPhoto(signedInUser(req), id, actorFrom(req), statedPurpose(req, id))
        if (found.kind === 'notFound') throw notFound('Photograph')
        // A restricted record's purpose is asked on its page; the photograph is shown after.
        if (found.kind === 'needsPurpose') return res.redirect(303, `/people/${id}`)
        res.setHeader('Cache-Control', 'no-store')
        res.setHeader('Content-Disposition', 'inline; filename="custody-photograph.jpg"')
        res.type('image/jpeg').send(found.image)
      },
    },
  ]
}
