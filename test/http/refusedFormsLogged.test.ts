import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPassport } from '../../server/auth/passport.ts'
import { roleCan } from '../../server/auth/permissions.ts'
import type { PersonVia } from '../../server/domain/personVia.ts'
import type { RouteDefinition } from '../../server/http/routeDefinition.ts'
import { buildRoutes } from '../../server/routes.ts'
import { tableOf } from '../../server/features/people/restrictedRecordRepository.ts'
import { demoAccounts } from '../helpers/constants.ts'
import { createPerson, dateFields, lastAuditId, postForm, sealed } from '../helpers/factories.ts'
import { signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

/**
 * DPA 2018 s62 for answers that are not a success: a form about a person sent back with its
 * errors (400) or because the record changed meanwhile (409) shows that person again, so it logs
 * one consultation: naming them, or, for a list shown again (the CID queue), the list's own row
 * naming no one. An answer that shows no one logs nothing. Every form post of the
 * registry that touches a person is sent with nothing but its CSRF token, by the first police
 * role that may send it, for a person in that role's areas.
 */

// The police roles, the supervisor and the administrator: partners post no person's forms.
const roles = demoAccounts.filter((a) => a.role !== 'partner')

type Answer = {
  route: string
  status: number
  showsPerson: boolean
  consultations: number
  lists: number
  otherRows: number
}

let t: TestApp
let routes: RouteDefinition[]
const agents = new Map<string, { agent: Agent; csrf: string }>()
const answers: Answer[] = []

/** A record of the kind, of an unrestricted person in the IOM officer's areas, and that person's surname and PNC ID. */
async function recordOf(
  via: PersonVia,
): Promise<{ id: string; personId: string; surname: string; pnc: string | null }> {
  const personColumn = via === 'person' ? sql.ref('r.id') : sql.ref('r.person_id')
  const { rows } = await sql<{ id: string; person_id: string; surname: string; pnc_id: string | null }>`
    select r.id, p.id as person_id, p.surname, p.pnc_id from ${sql.table(tableOf[via])} r join person p on p.id = ${personColumn}
    where not p.restricted and p.combined_into is null and p.area_id in (select a.id from area a join user_area ua on ua.area_id in (a.id, a.parent_id)
      join app_user u on u.id = ua.user_id where u.username = 'iom')
    order by r.id limit 1`.execute(t.db)
  const row = rows[0]
  if (!row) throw new Error(`no ${via} in the demo caseload`)
  return { id: row.id, personId: row.person_id, surname: row.surname, pnc: row.pnc_id }
}

async function rowsAbout(personId: string, since: number) {
  return (await sealed(t.db))
    .selectFrom('audit_event')
    .select(['category', 'person_id'])
    .where('id', '>', since)
    .execute()
    .then((rows) => ({
      consultations: rows.filter((r) => r.category === 'consultation' && r.person_id === personId).length,
      lists: rows.filter((r) => r.category === 'consultation' && r.person_id === null).length,
      other: rows.filter((r) => r.category !== 'consultation').length,
    }))
}

beforeAll(async () => {
  t = await createTestApp()
  routes = buildRoutes({
    db: t.db,
    databaseKind: t.database.kind,
    config: t.config,
    services: t.services,
    passport: createPassport(t.db, t.services.signInService),
  })
  for (const r of roles) agents.set(r.username, await signInAs(t.app, r.username))
  // The day's time-bar sweep first, so that no page read below is the one that runs it.
  await t.services.dipService.sweep()
  for (const route of routes.filter((r) => r.method === 'post' && r.person)) {
    const who = roles.find(
      (r) => route.access === 'signedIn' || (route.access !== 'public' && roleCan(r.role, route.access)),
    )
    if (!who) continue
    const record = await recordOf(route.person!.via)
    const url = route.path.replace(/:(\w+)/g, (_, name: string) =>
      name === route.person!.param ? record.id : '00000000-0000-4000-8000-000000000000',
    )
    const { agent, csrf } = agents.get(who.username)!
    const since = await lastAuditId(t.db)
    const response = await agent.post(url).type('form').send({ _csrf: csrf })
    const logged = await rowsAbout(record.personId, since)
    const shows =
      new RegExp(`\\b${record.surname}\\b`, 'i').test(response.text) ||
      (record.pnc !== null && response.text.includes(record.pnc))
    answers.push({
      route: `POST ${route.path}`,
      status: response.status,
      showsPerson: shows,
      consultations: logged.consultations,
      lists: logged.lists,
      otherRows: logged.other,
    })
  }
}, 300_000)
afterAll(async () => {
  await t.close()
})

describe('form posts about a person that are refused', () => {
  it('are refused without a 500, and write nothing but, where they show the person, one consultation row naming them', () => {
    expect(answers.length).toBeGreaterThan(25)
    const logged = (a: Answer) =>
      a.showsPerson ? a.consultations + a.lists === 1 : a.consultations === 0 && a.lists <= 1
    const wrong = answers.filter((a) => a.status >= 500 || a.status < 400 || a.otherRows > 0 || !logged(a))
    expect(wrong).toEqual([])
    // The forms that are shown again really show the person (the banner), so the rule above is exercised.
    expect(answers.filter((a) => a.showsPerson).length).toBeGreaterThan(10)
  })

  it('a person edited by someone else meanwhile: the 409 page shows the record as it is now, and logs one consultation', async () => {
    const person = await createPerson(t.db, { surname: 'Okonkwo-Meadows' })
    const iom = agents.get('iom')!
    await t.db
      .updateTable('person')
      .set({ address: '1 Changed Road, Romford', version: sql`version + 1` })
      .where('id', '=', person.id)
      .execute()
    const since = await lastAuditId(t.db)
    const stale = await postForm(iom, `/people/${person.id}`, {
      surname: person.surname,
      forenames: person.forenames,
      ...dateFields('dateOfBirth', person.date_of_birth),
      gender: person.gender,
      pncId: person.pnc_id ?? '',
      croNumber: '',
      address: 'Mine',
      wardId: person.ward_id ?? '',
      areaId: person.area_id,
      version: String(person.version),
    })
    expect(stale.status).toBe(409)
    expect(stale.text).toContain('1 Changed Road, Romford')
    expect(await rowsAbout(person.id, since)).toEqual({ consultations: 1, lists: 0, other: 0 })
  })
})
