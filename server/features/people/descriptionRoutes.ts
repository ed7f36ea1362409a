import { singleError, type FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { singleFileUpload } from '../../http/multipart.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { finishWrite } from '../../http/writeResult.ts'
import { actorFrom } from '../audit/actor.ts'
import { maxPhotoBytes, maxPhotoSizeText } from './custodyPhoto.ts'
import { descriptionFieldsOf } from './descriptionRepository.ts'
import {
  buildOptions,
  descriptionFormValues,
  eyeColourOptions,
  presentDescriptionConflict,
} from './descriptionPresenter.ts'
import { formPost } from '../../http/formPost.ts'
import { descriptionSchema } from './peopleSchemas.ts'
import type { PeopleService } from './peopleService.ts'
import { backToPerson, personIdFrom, statedPurpose } from './personAccess.ts'
import { personFormPage } from './personForForm.ts'

type Deps = { peopleService: PeopleService }

/** The physical description form, the custody photograph's upload form, and the photograph itself. */
export function descriptionRoutes({ peopleService }: Deps): RouteDefinition[] {
  const descriptionPage = personFormPage(
    peopleService,
    { name: 'description', view: 'people/description' },
    (_req, person, values) => ({
      title: 'Physical description',
      values: values ?? descriptionFormValues(descriptionFieldsOf(person), person.version),
      buildOptions,
      eyeColourOptions,
    }),
  )
  const photoPage = personFormPage(
    peopleService,
    { name: 'photo-upload', view: 'people/photo' },
    async (_req, person) => {
      const hasPhoto = (await peopleService.descriptionOf(person.id))?.hasPhoto ?? false
      return { title: hasPhoto ? 'Replace the custody photograph' : 'Upload a custody photograph', hasPhoto }
    },
  )

  return [
    get('/people/:personId/description', 'people.edit', 'consultation', (req, res) => descriptionPage(req, res)),
    post(
      '/people/:personId/description',
      'people.edit',
      'alteration',
      formPost({
        schema: descriptionSchema,
        page: descriptionPage,
        act: (req, { version, ...fields }) =>
          peopleService.editDescription(signedInUser(req), personIdFrom(req), version, fields, actorFrom(req)),
        done: (req) => backToPerson(req, 'Physical description saved'),
        what: 'Person',
        // Saved over someone else's description meanwhile: the two side by side, not the plain 409 page.
        conflict: (req, res, current, { version: _version, ...fields }) =>
          renderPage(
            res,
            'people/descriptionConflict',
            presentDescriptionConflict(personIdFrom(req), current, fields),
            409,
          ),
      }),
    ),
    get('/people/:personId/photo/new', 'people.edit', 'consultation', (req, res) => photoPage(req, res)),
    // The CSRF token travels in the multipart body: app.ts runs this parser before checking it.
    // Not formPost: the photograph is a multipart file, checked by its parser and the service, not by a schema.
    post(
      '/people/:personId/photo',
      'people.edit',
      'collection',
      async (req, res) => {
        const id = personIdFrom(req)
        const again = (errors: FormErrors) => photoPage(req, res, undefined, errors)
        const problem = res.locals.uploadProblem as string | undefined
        if (problem) return again(singleError('photo', problem))
        if (!req.file) return again(singleError('photo', 'Select a photograph to upload'))
        const result = await peopleService.uploadPhoto(signedInUser(req), id, req.file.buffer, actorFrom(req))
        await finishWrite(req, res, result, backToPerson(req, 'Custody photograph saved'), again, 'Person')
      },
      { parseBody: singleFileUpload({ field: 'photo', maxBytes: maxPhotoBytes, sizeText: maxPhotoSizeText }) },
    ),
    get('/people/:personId/photo', 'people.view', 'consultation', async (req, res) => {
      const id = personIdFrom(req)
      const found = await peopleService.viewPhoto(signedInUser(req), id, actorFrom(req), statedPurpose(req, id))
      if (found.kind === 'notFound') throw notFound('Photograph')
      // A restricted record's purpose is asked on its page; the photograph is shown after.
      if (found.kind === 'needsPurpose') return res.redirect(303, `/people/${id}`)
      res.setHeader('Cache-Control', 'no-store')
      res.setHeader('Content-Disposition', 'inline; filename="custody-photograph.jpg"')
      res.type('image/jpeg').send(found.image)
    }),
  ]
}
