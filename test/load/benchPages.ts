import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Database, Role } from '../../db/types.ts'
import type { Target } from './loadRun.ts'

// What the benchmark loads: each page, who asks for it, and what each request sends. The volume
// generator's officers (v<seed>.<role>.<k>, all of East Area) sign in, so the pages show the
// population, not the demo caseload.

export type Fixtures = {
  users: Record<Exclude<Role, 'administrator' | 'partner'>, string[]>
  people: string[]
  surnames: string[]
  /** Follow-up appointments due yesterday with no attendance: one per write. */
  appointments: string[]
}

export type BenchPage = {
  name: string
  label: string
  role: keyof Fixtures['users']
  /** The answer each request should get. */
  status: number
  /** Fewer connections than the run's (one: a page's own render time, nothing queued behind it). */
  connections?: number
  /** A write: each request changes something that cannot be changed twice (an appointment's attendance). */
  writes?: boolean
  /** Why a request's captured statements are not the work this page measures, if they are not. */
  notTheWork?(statements: readonly { text: string }[]): string | undefined
  target(fixtures: Fixtures, csrf: string[]): Target
}

/** A target that asks for each of `items` in turn, as `path` makes its URL. */
const eachOf =
  (items: (f: Fixtures) => string[], path: (item: string) => string) =>
  (f: Fixtures): Target => {
    let i = 0
    const all = items(f)
    return { next: () => ({ path: path(all[i++ % all.length]!) }) }
  }

/**
 * Each report target's cut: a random first one, then every other of the 28 in turn (5 and 28 share
 * no factor), so that the load's target and the floor's capture, made in the same run, never ask
 * for the same periods.
 */
const firstCut = Math.floor(Math.random() * 28)
let cutsMade = 0
const nextCut = () => (firstCut + 5 * cutsMade++) % 28

export const benchPages: BenchPage[] = [
  {
    name: 'person',
    label: 'person page',
    role: 'iom_officer',
    status: 200,
    target: eachOf(
      (f) => f.people,
      (id) => `/people/${id}`,
    ),
  },
  {
    name: 'search',
    label: 'search by surname',
    role: 'iom_officer',
    status: 200,
    target: eachOf(
      (f) => f.surnames,
      (surname) => `/people/search?q=${encodeURIComponent(surname)}`,
    ),
  },
  {
    name: 'caseload',
    label: 'my caseload',
    role: 'iom_officer',
    status: 200,
    target: () => ({ next: () => ({ path: '/caseload' }) }),
  },
  {
    name: 'appointments',
    label: 'today’s appointments',
    role: 'dip_worker',
    status: 200,
    target: () => ({ next: () => ({ path: '/appointments' }) }),
  },
  {
    name: 'cid',
    label: 'CID list',
    role: 'cid_officer',
    status: 200,
    target: () => ({ next: () => ({ path: '/cid' }) }),
  },
  // The supervisor's home page: the most panels of any role's, and where every sign-in lands.
  {
    name: 'home',
    label: 'supervisor’s home page',
    role: 'supervisor',
    status: 200,
    target: () => ({ next: () => ({ path: '/' }) }),
  },
  // The supervisor's task list: every kind of work waiting in their boroughs, each counted in full.
  {
    name: 'tasks',
    label: 'supervisor’s task list',
    role: 'supervisor',
    status: 200,
    target: () => ({ next: () => ({ path: '/tasks' }) }),
  },
  {
    name: 'report',
    label: 'performance report',
    role: 'supervisor',
    status: 200,
    target: () => ({ next: () => ({ path: '/performance' }) }),
  },
  {
    // Every request a period no one has asked for yet, so that the figures are worked out, not
    // taken from report_cache: the time to render the report from nothing, one at a time.
    name: 'report-uncached',
    label: 'report, worked out (1 conn)',
    role: 'supervisor',
    status: 200,
    connections: 1,
    // A period whose figures another run left in report_cache would be timed as a cached page.
    notTheWork: (statements) =>
      statements.some((s) => /insert into "report_cache"/.test(s.text))
        ? undefined
        : 'its figures came from report_cache',
    target: () => {
      // Twelve-month periods ending on different recent days (so each covers a full year of the
      // population's history), each target's periods starting a few days later than any other
      // target's (a random cut), so that neither a second run within the cache's minutes nor the
      // SQL capture after the load finds figures already worked out.
      let n = 0
      const cut = nextCut()
      const today = new Date()
      const parts = (prefix: string, day: Date) =>
        `${prefix}-day=${day.getUTCDate()}&${prefix}-month=${day.getUTCMonth() + 1}&${prefix}-year=${day.getUTCFullYear()}`
      return {
        next: () => {
          // A year of end days, then the same again starting 28 days later, and so on: never a
          // period twice, and never another target's (their cuts differ, and by less than 28),
          // however many requests the load makes.
          const to = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 1 - (n % 365)))
          const from = new Date(
            Date.UTC(to.getUTCFullYear() - 1, to.getUTCMonth(), to.getUTCDate() + 1 + cut + 28 * Math.floor(n++ / 365)),
          )
          return { path: `/performance?${parts('from', from)}&${parts('to', to)}` }
        },
      }
    },
  },
  {
    name: 'write',
    label: 'record attendance (write)',
    role: 'dip_worker',
    status: 303,
    writes: true,
    target: (f, csrf) => ({
      method: 'POST',
      next: (session) => {
        const id = f.appointments.pop()
        if (!id) throw new Error('The benchmark ran out of appointments to record: raise the number prepared')
        return {
          path: `/appointments/${id}/attendance`,
          body: new URLSearchParams({
            _csrf: csrf[session] ?? '',
            outcome: 'attended',
            _idempotencyKey: randomUUID(),
          }).toString(),
        }
      },
    }),
  },
]

/** Users, people and surnames to spread the load over, and `writes` appointments made for the write to record. */
export async function prepareFixtures(db: Kysely<Database>, writes: number): Promise<Fixtures> {
  const users = await db
    .selectFrom('app_user')
    .select(['username', 'role'])
    .where('username', 'like', 'v%.%.%')
    .where('disabled_at', 'is', null)
    .orderBy('username')
    .execute()
  const byRole = (role: Role) => users.filter((u) => u.role === role).map((u) => u.username)
  const areas = db
    .selectFrom('area as a')
    .innerJoin('area as bcu', 'bcu.id', 'a.parent_id')
    .select('a.id')
    .where('bcu.code', '=', 'EA')
  const people = await db
    .selectFrom('person')
    .select('id')
    .where('area_id', 'in', areas)
    .where('restricted', '=', false)
    .where('combined_into', 'is', null)
    .orderBy(sql`md5(id::text)`)
    .limit(2000)
    .execute()
  const surnames = await sql<{ surname: string }>`
    select surname from (select distinct surname from person where area_id in (${areas})) s order by md5(surname) limit 300`.execute(
    db,
  )
  const dip = await db.selectFrom('app_user').select('id').where('username', '=', 'dip').executeTakeFirstOrThrow()
  // Follow-ups of requirements that still stand (any number may follow one; the database refuses an
  // appointment or attendance under one that does not), due yesterday, so attendance can be recorded.
  const appointments = await sql<{ id: string }>`
    insert into appointment (assessment_id, person_id, kind, form, scheduled_at, place, assessor, created_by)
    select ra.id, ra.person_id, 'follow_up', 'RA4', now() - interval '1 day', 'Benchmark room', 'Bench Assessor', ${dip.id}
    from required_assessment ra join person p on p.id = ra.person_id
    where p.area_id in (${areas}) and not p.restricted and p.combined_into is null and requirement_stands(ra.id)
    order by md5(ra.id::text || ${randomUUID()}) limit ${writes}
    returning id`.execute(db)
  return {
    users: {
      iom_officer: byRole('iom_officer'),
      dip_worker: byRole('dip_worker'),
      cid_officer: byRole('cid_officer'),
      supervisor: byRole('supervisor'),
    },
    people: people.map((p) => p.id),
    surnames: surnames.rows.map((r) => r.surname),
    appointments: appointments.rows.map((r) => r.id),
  }
}
