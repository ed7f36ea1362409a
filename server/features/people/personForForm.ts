import type { Request, Response } from 'express'
import { notFound } from '../../http/httpError.ts'
import { signedInUser } from '../../http/signedInUser.ts'
import { actorFrom } from '../audit/actor.ts'
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
