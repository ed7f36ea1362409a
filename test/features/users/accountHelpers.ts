import type { Role } from '../../../db/types.ts'
import { systemActor } from '../../../server/features/audit/actor.ts'
import { sealed } from '../../helpers/factories.ts'
import { anonymousAgent, csrfFrom, type Agent } from '../../helpers/signIn.ts'
import type { TestApp } from '../../helpers/testApp.ts'

let sequence = 0

/** An account made by the service, as an administrator would have made it, in the given areas. */
export async function arrangeUser(
  t: TestApp,
  options: { password: string; role?: Role; areaCodes?: string[]; prefix?: string },
) {
  sequence += 1
  const username = `${options.prefix ?? 'account'}${sequence}`
  const areas = await t.db
    .selectFrom('area')
    .select(['id', 'code'])
    .where('code', 'in', options.areaCodes ?? ['HV'])
    .execute()
  const result = await t.services.usersService.create(
    {
      username,
      displayName: 'Account Holder',
      role: options.role ?? 'iom_officer',
      agency: null,
      areaIds: areas.map((a) => a.id),
      password: options.password,
    },
    systemActor,
  )
  if (!result.ok) throw new Error(`Could not arrange user ${username}: ${JSON.stringify(result)}`)
  return { id: result.id, username }
}

/** Signs in through the real form; the answer is the sign-in's own, whatever it is. */
export async function signInWith(t: TestApp, username: string, password: string) {
  const { agent, csrf } = await anonymousAgent(t.app)
  const response = await agent.post('/sign-in').type('form').send({ _csrf: csrf, username, password })
  return { agent, response }
}

/** The CSRF token of the change-password page, which every signed-in user may open. */
export async function changePageToken(agent: Agent): Promise<string> {
  const page = await agent.get('/account/password').expect(200)
  return csrfFrom(page.text)
}

export function errorSummary(html: string): string {
  return /<ul class="govuk-list govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? ''
}

export async function accountRow(t: TestApp, id: string) {
  return t.db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

export async function auditEventsFor(t: TestApp, userId: string) {
  return (await sealed(t.db))
    .selectFrom('audit_event')
    .select(['category', 'event', 'actor_user_id', 'entity_id', 'detail'])
    .where('entity_id', '=', userId)
    .orderBy('id')
    .execute()
}
