import { fieldsOf, formPost } from '../../http/formPost.ts'
import { keepValues, toFormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { get, post, type RouteDefinition } from '../../http/routeDefinition.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { safeReturnTo } from '../auth/authSchemas.ts'
import { purposeQuestion } from './peoplePresenter.ts'
import { accessPurposeSchema, restrictedRecordSchema, restrictionSchema } from './peopleSchemas.ts'
import type { PeopleService } from './peopleService.ts'
import { grantPurpose, personIdFrom } from './personAccess.ts'
import { personFormPage } from './personForForm.ts'
import { restrictedPurposeLabels } from './vocabulary.ts'

type Deps = { peopleService: PeopleService }

const purposeFields = fieldsOf(accessPurposeSchema).names

/** Restricted records: stating why one is needed, and restricting a record or lifting its restriction. */
export function restrictionRoutes({ peopleService }: Deps): RouteDefinition[] {
  const restrictionPage = personFormPage(
    peopleService,
    { name: 'restriction', view: 'people/restriction' },
    (_req, person, values) => ({
      title: person.restricted ? 'Remove the restriction' : 'Restrict this record',
      restrict: !person.restricted,
      values: values ?? { version: String(person.version) },
    }),
  )

  return [
    // Where the purpose for a restricted record is stated, from the question the restricted
    // record gate asks. The form names the record the user asked for (a person, a test …), not
    // the person behind it, so the question itself discloses nothing.
    // Not formPost: nothing is written (the purpose is kept in the session) and no message is shown.
    post('/restricted-records/access', 'people.view', 'none', async (req, res) => {
      const record = restrictedRecordSchema.safeParse(req.body)
      const behind = record.success
        ? await peopleService.personBehind(signedInUser(req), record.data.via, record.data.recordId)
        : undefined
      if (!record.success || !behind?.inScope) throw notFound('Record')
      const returnTo = safeReturnTo((req.body as Record<string, unknown>)?.returnTo ?? `/people/${behind.personId}`)
      const parsed = accessPurposeSchema.safeParse(req.body)
      if (!parsed.success) {
        const question = {
          ...purposeQuestion({ ...record.data, returnTo }),
          values: keepValues(req.body, purposeFields),
        }
        return renderPage(
          res,
          'people/purpose',
          { ...question, errors: toFormErrors(parsed.error, purposeFields) },
          400,
        )
      }
      grantPurpose(
        req,
        behind.personId,
        `${restrictedPurposeLabels[parsed.data.purpose]}: ${parsed.data.purposeDetail}`,
      )
      res.redirect(303, returnTo)
    }),
    get('/people/:personId/restriction', 'people.restrict', 'consultation', (req, res) => restrictionPage(req, res)),
    post(
      '/people/:personId/restriction',
      'people.restrict',
      'alteration',
      formPost({
        schema: restrictionSchema,
        page: restrictionPage,
        act: (req, { version, restricted, reason }) =>
          peopleService.setRestricted(
            signedInUser(req),
            personIdFrom(req),
            { version, restricted: restricted === 'yes', reason },
            actorFrom(req),
          ),
        done: (req, personId, { restricted }) => {
          // Open to all in its areas again: a purpose stated for it is needed no more.
          if (restricted === 'no') delete req.session.restrictedAccess?.[personId]
          return {
            message: restricted === 'yes' ? 'Record restricted' : 'Restriction removed',
            redirect: `/people/${personId}`,
          }
        },
        what: 'Person',
      }),
    ),
  ]
}
