import type { Request, Response } from 'express'
import { todayInLondon } from '../../domain/time.ts'
import type { FormValues } from '../../http/formPost.ts'
import type { FormErrors } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'
import { renderPage } from '../../http/render.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
import { presentPerson } from './peoplePresenter.ts'
import type { PersonRecord } from './peopleRepository.ts'
import type { PeopleService } from './peopleService.ts'
import { personIdFrom, statedPurpose } from './personAccess.ts'

/**
 * The person a page or form is about (the :personId in the path): in the user's areas or 404;
 * for a restricted record without a stated purpose, a redirect to the person page, which asks
 * for one (answers undefined: the caller stops). The first showing logs one consultation; a form
 * shown again with its errors (firstShow false) logs its consultation as it renders (render.ts).
 */
export async function personForForm(
  peopleService: PeopleService,
  req: Request,
  res: Response,
  page: string,
  firstShow = true,
): Promise<PersonRecord | undefined> {
  const user = signedInUser(req)
  const id = personIdFrom(req)
  if (!firstShow) {
    const person = await peopleService.findInScope(user, id)
    if (!person) throw notFound('Person')
    return person
  }
  const opened = await peopleService.openForPage(user, id, actorFrom(req), statedPurpose(req, id), page)
  if (opened.kind === 'notFound') throw notFound('Person')
  if (opened.kind === 'needsPurpose') {
    res.redirect(303, `/people/${id}`)
    return undefined
  }
  return opened.person
}

/** The rest of a person form's view, which may need the request, the person, or what was typed. */
type FormView = (
  req: Request,
  person: PersonRecord,
  values: FormValues | undefined,
) => Record<string, unknown> | Promise<Record<string, unknown>>

/**
 * The page of a form about a person, headed by their details: its first showing (200, one
 * consultation logged) or again with the errors (400), as formPost's `page` takes it.
 */
export function personFormPage(peopleService: PeopleService, page: { name: string; view: string }, view: FormView) {
  return async (req: Request, res: Response, values?: FormValues, errors?: FormErrors): Promise<void> => {
    const person = await personForForm(peopleService, req, res, page.name, !errors)
    if (!person) return
    const shown = { person: presentPerson(person, todayInLondon()), ...(await view(req, person, values)), errors }
    await renderPage(res, page.view, shown, errors ? 400 : 200)
  }
}
