import type { Request } from 'express'
import { uuid } from '../../http/forms.ts'
import { notFound } from '../../http/httpError.ts'

const grantLifetimeMs = 30 * 60_000

/** The person id in the path, or a 404: a malformed id is a record that does not exist. */
export function personIdFrom(req: Request, param = 'personId'): string {
  const parsed = uuid.safeParse(req.params[param])
  if (!parsed.success) throw notFound('Person')
  return parsed.data
}

/** A write's success that goes back to the page of the person in the path, saying `message` there. */
export const backToPerson = (req: Request, message: string) => ({ message, redirect: `/people/${personIdFrom(req)}` })

/** The purpose the user stated for a restricted record, while it is still fresh. */
export function statedPurpose(req: Request, personId: string): string | undefined {
  const grant = req.session.restrictedAccess?.[personId]
  if (!grant || Date.now() - grant.grantedAt > grantLifetimeMs) return undefined
  return grant.purpose
}

export function grantPurpose(req: Request, personId: string, purpose: string): void {
  const now = Date.now()
  const live = Object.entries(req.session.restrictedAccess ?? {}).filter(
    ([, g]) => now - g.grantedAt <= grantLifetimeMs,
  )
  req.session.restrictedAccess = { ...Object.fromEntries(live), [personId]: { purpose, grantedAt: now } }
}
