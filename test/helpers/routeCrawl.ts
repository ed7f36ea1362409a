import { sql, type Kysely } from 'kysely'
import type { Database, Role } from '../../db/types.ts'
import { roleCan } from '../../server/auth/permissions.ts'
import { todayInLondon } from '../../server/domain/time.ts'
import { referenceLists } from '../../server/features/reference/referenceService.ts'
import type { RouteDefinition } from '../../server/http/routeDefinition.ts'
import type { Agent } from './signIn.ts'

// Calling every GET route of the registry with real ids from the demo caseload, as every role
// that may call it: shared by the tests that crawl the app (audit coverage, reads write nothing).

export type Principal = { name: string; username: string | null; role: Role | null }

// The supervisor goes last, so the audit views it reads already hold everyone else's activity.
export const principals: Principal[] = [
  { name: 'anonymous', username: null, role: null },
  { name: 'admin', username: 'admin', role: 'administrator' },
  { name: 'iom', username: 'iom', role: 'iom_officer' },
  { name: 'dip', username: 'dip', role: 'dip_worker' },
  { name: 'cid', username: 'cid', role: 'cid_officer' },
  { name: 'partner', username: 'partner', role: 'partner' },
  { name: 'supervisor', username: 'supervisor', role: 'supervisor' },
]

/** Extra query strings for routes whose page changes with them (the bare route is always called too). */
const queryVariants: Record<string, (searchSurname: string) => string[]> = {
  '/people/search': (surname) => [`?q=${encodeURIComponent(surname)}`],
  '/appointments': () => ['?range=week'],
  '/performance/pack': () => [`?month=${todayInLondon().slice(0, 7)}`],
}

export type RouteParams = {
  /** Per principal: the values to put in each path parameter ('code@offences': the codes of one list). */
  params: Record<string, Record<string, string[]>>
  /** Any record id found for a parameter → the id of the person it is about. */
  personOf: Map<string, string>
}

/** Parameters whose values depend on another's: a :code is a code of the :list chosen before it. */
const dependsOn: Record<string, string> = { code: 'list' }

export const routeKey = (route: RouteDefinition) => `${route.method.toUpperCase()} ${route.path}`
const paramNames = (route: RouteDefinition) => [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!)

export function allowed(route: RouteDefinition, p: Principal): boolean {
  if (route.access === 'public') return true
  if (p.role === null) return false
  return route.access === 'signedIn' || roleCan(p.role, route.access)
}

/**
 * Real ids for every path parameter, per principal: the first row in scope of each kind, and the
 * richest unrestricted person in scope. The performance tables are read from the links of the
 * performance page, which the supervisor's agent fetches.
 */
export async function findRouteParams(db: Kysely<Database>, supervisor: Agent): Promise<RouteParams> {
  const today = todayInLondon()
  const personOf = new Map<string, string>()
  /** The first row's id (none found leaves the parameter empty, and the test names it). */
  const ids = async (rows: Promise<{ id: string; person_id: string }[]>) => {
    const found = (await rows).slice(0, 1)
    for (const r of found) personOf.set(r.id, r.person_id)
    return found.map((r) => r.id)
  }
  const params: RouteParams['params'] = {}
  for (const p of principals) {
    if (!p.username) continue
    const areas = (
      await sql<{ id: string }>`select a.id from area a join user_area ua on ua.area_id in (a.id, a.parent_id)
        join app_user u on u.id = ua.user_id where u.username = ${p.username}`.execute(db)
    ).rows.map((r) => r.id)
    const inScope = areas.length ? areas : ['00000000-0000-0000-0000-000000000000']
    const visible = (personColumn: string) =>
      sql<boolean>`${sql.ref(personColumn)} in (select id from person where area_id in (${sql.join(inScope)}) and not restricted)`
    // The richest unrestricted person in scope: the pages about them have something to show.
    const person = await db
      .selectFrom('person as p')
      .select('p.id')
      .where(visible('p.id'))
      .orderBy(
        sql`(select count(*) from drug_test d where d.person_id = p.id) + (select count(*) from cohort_membership m where m.person_id = p.id)
        + (select count(*) from dip_failure f where f.person_id = p.id) + (select count(*) from partner_link l where l.person_id = p.id)`,
        'desc',
      )
      .orderBy('p.id')
      .limit(1)
      .execute()
    for (const r of person) personOf.set(r.id, r.id)
    const user = await db
      .selectFrom('app_user')
      .select(['agency'])
      .where('username', '=', p.username)
      .executeTakeFirstOrThrow()
    const partnerLinks = db
      .selectFrom('partner_link as l')
      .innerJoin('sharing_agreement as a', 'a.id', 'l.agreement_id')
      .select(['l.id', 'l.person_id'])
      .where(visible('l.person_id'))
      .where('a.agency', '=', user.agency ?? 'council')
      .where(
        sql<boolean>`l.agency::text = a.agency::text and a.starts_on <= ${today}::date and (a.ends_on is null or a.ends_on >= ${today}::date)`,
      )
      .orderBy(sql`'identity' = any(a.categories)`, 'desc')
      .orderBy('l.id')
    params[p.name] = {
      personId: person.map((r) => r.id),
      testId: await ids(
        db.selectFrom('drug_test').select(['id', 'person_id']).where(visible('person_id')).orderBy('id').execute(),
      ),
      appointmentId: await ids(
        db.selectFrom('appointment').select(['id', 'person_id']).where(visible('person_id')).orderBy('id').execute(),
      ),
      failureId: await ids(
        db.selectFrom('dip_failure').select(['id', 'person_id']).where(visible('person_id')).orderBy('id').execute(),
      ),
      referralId: await ids(
        db
          .selectFrom('referral')
          .select(['id', 'person_id'])
          .where(visible('person_id'))
          .where('status', '=', 'pending')
          .orderBy('id')
          .execute(),
      ),
      membershipId: await ids(
        db
          .selectFrom('cohort_membership')
          .select(['id', 'person_id'])
          .where(visible('person_id'))
          .where('status', '<>', 'ended')
          .orderBy('id')
          .execute(),
      ),
      // An entry the CID list still shows: countersigned, its failure wanted and not yet time-barred.
      entryId: await ids(
        db
          .selectFrom('cid_entry as e')
          .innerJoin('dip_failure as f', 'f.id', 'e.failure_id')
          .select(['e.id', 'e.person_id'])
          .where(visible('e.person_id'))
          .where('e.status', '=', 'countersigned')
          .where('f.status', '=', 'wanted')
          .where('f.time_bar_date', '>=', today)
          .orderBy('e.id')
          .execute(),
      ),
      // A partner's links are their own agency's, under an agreement in force; police see any in scope.
      linkId: await ids(
        p.role === 'partner'
          ? partnerLinks.execute()
          : db
              .selectFrom('partner_link')
              .select(['id', 'person_id'])
              .where(visible('person_id'))
              .orderBy('id')
              .execute(),
      ),
      agreementId: (await db.selectFrom('sharing_agreement').select('id').orderBy('name').execute()).map((r) => r.id),
      userId: (await db.selectFrom('app_user').select('id').orderBy('username').execute()).map((r) => r.id),
      table: [],
      list: Object.keys(referenceLists),
    }
    for (const [list, { table }] of Object.entries(referenceLists)) {
      const codes = await sql<{ code: string }>`select code from ${sql.table(table)} order by code limit 1`.execute(db)
      params[p.name]![`code@${list}`] = codes.rows.map((r) => r.code)
    }
  }
  // The performance tables are named by the links of the performance page, not by data.
  const report = await supervisor.get('/performance')
  const tables = [...report.text.matchAll(/href="\/performance\/([a-z0-9-]+)\.csv/g)].map((m) => m[1]!)
  for (const values of Object.values(params)) values.table = [...new Set(tables)]
  return { params, personOf }
}

/** Every URL to call for a route as one principal, or the names of the parameters with no value. */
export function urlsFor(
  route: RouteDefinition,
  p: Principal,
  found: RouteParams,
  searchSurname: string,
): { urls: { url: string; ids: string[] }[]; missing: string[] } {
  const values = p.username ? (found.params[p.name] ?? {}) : {}
  let urls = [{ url: route.path, ids: [] as string[], chosen: {} as Record<string, string> }]
  const missing: string[] = []
  for (const name of paramNames(route)) {
    urls = urls.flatMap((u) => {
      const on = dependsOn[name]
      const choices = values[on ? `${name}@${u.chosen[on]}` : name] ?? []
      if (!choices.length) missing.push(on ? `:${name} (with :${on} ${u.chosen[on]})` : `:${name}`)
      return choices.map((v) => ({
        url: u.url.replace(`:${name}`, v),
        ids: [...u.ids, v],
        chosen: { ...u.chosen, [name]: v },
      }))
    })
  }
  if (missing.length) return { urls: [], missing }
  const extra = queryVariants[route.path]?.(searchSurname) ?? []
  return { urls: urls.flatMap((u) => [u, ...extra.map((q) => ({ url: u.url + q, ids: u.ids }))]), missing: [] }
}
