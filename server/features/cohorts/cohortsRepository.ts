import { sql, type Kysely } from 'kysely'
import type { Database, MembershipEventKind, MembershipStatus, Programme, Tier } from '../../../db/types.ts'
import { personIdentityColumns, personListColumns } from '../people/personColumns.ts'
import { statusStillIn, updateIfVersion } from '../../queries/updateIfVersion.ts'
import { userNameOf } from '../../queries/userName.ts'

type Db = Kysely<Database>

export function membershipsQuery(db: Db, personId: string) {
  return db
    .selectFrom('cohort_membership as m')
    .select((eb) => [
      'm.id',
      'm.programme',
      'm.status',
      'm.tier',
      'm.lead_officer_id',
      // As text, as the driver gives numeric, whether read directly or inside the person page's JSON.
      sql<string | null>`m.selection_score::text`.as('selection_score'),
      'm.selection_method',
      'm.selection_date',
      'm.adopted_on',
      'm.ended_on',
      'm.version',
      userNameOf(eb.ref('m.lead_officer_id')).as('lead_officer_name'),
    ])
    .where('m.person_id', '=', personId)
    .orderBy(sql`m.status = 'ended'`)
    .orderBy('m.adopted_on', 'desc')
}

/** The people `userId` leads on an open cohort membership: "my people", as a subquery. */
const peopleLedBy = (userId: string) =>
  sql`select lm.person_id from cohort_membership lm where lm.lead_officer_id = ${userId}::uuid and lm.status <> 'ended'`

/**
 * The person (named by the column) is one of `userId`'s people. A test of membership, not a join:
 * a person on two programmes with the same lead officer counts once. The planner may start from
 * the officer's people or from the rows tested.
 */
export function ledBy(personColumn: string, userId: string) {
  return sql<boolean>`${sql.ref(personColumn)} in (${peopleLedBy(userId)})`
}

/**
 * ledBy, with the officer's people read once and each row checked against them in memory: for
 * rows read from a borough's index (its arrested failures, say), where probing each row's
 * memberships costs more than the list, above all for a supervisor who leads no one.
 */
export function ledByReadOnce(personColumn: string, userId: string) {
  return sql<boolean>`${sql.ref(personColumn)} = any(array(${peopleLedBy(userId)}))`
}

export const membershipsOf = (db: Db, personId: string) => membershipsQuery(db, personId).execute()

/** The whole dated history of all of a person's memberships, oldest first, in one query. */
export function membershipEventsQuery(db: Db, personId: string) {
  return db
    .selectFrom('membership_event as e')
    .innerJoin('cohort_membership as m', 'm.id', 'e.membership_id')
    .leftJoin('deselection_reason as d', 'd.code', 'e.deselection_reason')
    .select((eb) => [
      'e.id',
      'e.membership_id',
      'm.programme',
      'e.kind',
      'e.event_date',
      'e.tier',
      'e.note',
      'd.label as deselection_reason_label',
      userNameOf(eb.ref('e.lead_officer_id')).as('lead_officer_name'),
      userNameOf(eb.ref('e.recorded_by')).as('recorded_by_name'),
      'e.recorded_at',
    ])
    .where('m.person_id', '=', personId)
    .orderBy('e.event_date')
    .orderBy('e.recorded_at')
}

/** Referrals with where they came from and who made them: what every list of referrals joins. */
function referralsWithSource(db: Db) {
  return db
    .selectFrom('referral as r')
    .innerJoin('referral_source as s', 's.code', 'r.source')
    .innerJoin('app_user as u', 'u.id', 'r.referred_by')
}

export function referralsQuery(db: Db, personId: string) {
  return referralsWithSource(db)
    .select((eb) => [
      'r.id',
      'r.programme',
      's.label as source_label',
      'r.reason',
      'r.referred_at',
      'r.status',
      'r.decided_at',
      'r.decline_reason',
      'u.display_name as referred_by_name',
      userNameOf(eb.ref('r.decided_by')).as('decided_by_name'),
    ])
    .where('r.person_id', '=', personId)
    .orderBy('r.referred_at', 'desc')
}

export async function insertReferral(
  db: Db,
  referral: { personId: string; programme: Programme; source: string; reason: string; referredBy: string },
): Promise<string> {
  const row = await db
    .insertInto('referral')
    .values({
      person_id: referral.personId,
      programme: referral.programme,
      source: referral.source,
      reason: referral.reason,
      referred_by: referral.referredBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

function referralsWithPeople(db: Db) {
  return referralsWithSource(db)
    .innerJoin('person as p', 'p.id', 'r.person_id')
    .select([
      'r.id',
      'r.person_id',
      'r.programme',
      'r.source',
      's.label as source_label',
      'r.reason',
      'r.referred_at',
      'r.status',
      'r.version',
      ...personIdentityColumns,
      'u.display_name as referred_by_name',
    ])
}

export function pendingReferrals(db: Db, areaIds: readonly string[], limit: number) {
  if (areaIds.length === 0) return Promise.resolve([])
  return referralsWithPeople(db)
    .where('r.status', '=', 'pending')
    .where('p.area_id', 'in', [...areaIds])
    .orderBy('r.referred_at')
    .limit(limit)
    .execute()
}

export function findReferral(db: Db, id: string, areaIds: readonly string[]) {
  if (areaIds.length === 0) return Promise.resolve(undefined)
  return referralsWithPeople(db)
    .where('r.id', '=', id)
    .where('p.area_id', 'in', [...areaIds])
    .executeTakeFirst()
}

/** Holds the referral until the transaction ends, so two tabs deciding it at once decide it one after the other. */
export async function lockReferral(db: Db, id: string): Promise<void> {
  await db.selectFrom('referral').select('id').where('id', '=', id).forUpdate().execute()
}

export function decideReferral(
  db: Db,
  id: string,
  version: number,
  decision: { status: 'accepted' | 'declined'; decidedBy: string; declineReason: string | null },
): Promise<boolean> {
  const changes = {
    status: decision.status,
    decided_by: decision.decidedBy,
    decided_at: sql<Date>`now()`,
    decline_reason: decision.declineReason,
  }
  return updateIfVersion(db, 'referral', { id, version }, changes, statusStillIn(['pending']))
}

export async function openMembershipExists(db: Db, personId: string, programme: Programme): Promise<boolean> {
  const row = await db
    .selectFrom('cohort_membership')
    .select('id')
    .where('person_id', '=', personId)
    .where('programme', '=', programme)
    .where('status', '<>', 'ended')
    .executeTakeFirst()
  return row !== undefined
}

/** The IOM cohort (Fixed, Flex or Free) the person is on now, if any: DIP does not count. */
export async function openIomProgrammeOf(db: Db, personId: string): Promise<Programme | undefined> {
  const row = await db
    .selectFrom('cohort_membership')
    .select('programme')
    .where('person_id', '=', personId)
    .where('programme', '<>', 'dip')
    .where('status', '<>', 'ended')
    .executeTakeFirst()
  return row?.programme
}

/** The date of the latest entry in a membership's history (its adoption, at least). */
export async function latestEventDate(db: Db, membershipId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('membership_event')
    .select((eb) => eb.fn.max('event_date').as('latest'))
    .where('membership_id', '=', membershipId)
    .executeTakeFirst()
  return row?.latest ?? undefined
}

export async function insertMembership(
  db: Db,
  membership: {
    personId: string
    programme: Programme
    referralId: string | null
    tier: Tier
    leadOfficerId: string
    score: number
    method: string
    scoreDate: string
    adoptedOn: string
  },
): Promise<string> {
  const row = await db
    .insertInto('cohort_membership')
    .values({
      person_id: membership.personId,
      programme: membership.programme,
      referral_id: membership.referralId,
      status: 'active',
      tier: membership.tier,
      lead_officer_id: membership.leadOfficerId,
      selection_score: membership.score,
      selection_method: membership.method,
      selection_date: membership.scoreDate,
      adopted_on: membership.adoptedOn,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function insertMembershipEvent(
  db: Db,
  event: {
    membershipId: string
    kind: MembershipEventKind
    eventDate: string
    tier?: Tier | null
    leadOfficerId?: string | null
    deselectionReason?: string | null
    note?: string | null
    recordedBy: string
  },
): Promise<void> {
  await db
    .insertInto('membership_event')
    .values({
      membership_id: event.membershipId,
      kind: event.kind,
      event_date: event.eventDate,
      tier: event.tier ?? null,
      lead_officer_id: event.leadOfficerId ?? null,
      deselection_reason: event.deselectionReason ?? null,
      note: event.note ?? null,
      recorded_by: event.recordedBy,
    })
    .execute()
}

export function findMembership(db: Db, id: string, areaIds: readonly string[]) {
  if (areaIds.length === 0) return Promise.resolve(undefined)
  return db
    .selectFrom('cohort_membership as m')
    .innerJoin('person as p', 'p.id', 'm.person_id')
    .selectAll('m')
    .select(['p.surname', 'p.forenames'])
    .where('m.id', '=', id)
    .where('p.area_id', 'in', [...areaIds])
    .executeTakeFirst()
}

export const updateMembershipIfVersion = (
  db: Db,
  id: string,
  version: number,
  changes: { status?: MembershipStatus; tier?: Tier; lead_officer_id?: string; ended_on?: string },
) => updateIfVersion(db, 'cohort_membership', { id, version }, changes)

/** Staff who can lead a membership in the given areas (granted one of them, or their BCU). */

export type CohortFilters = {
  programme?: Programme | undefined
  tier?: Tier | undefined
  leadOfficerId?: string | undefined
  areaId?: string | undefined
  wardId?: string | undefined
  /** Only people with an open MARAC, YOS or MASH case link ('any' for any of them). */
  openLink?: 'marac' | 'yos' | 'mash' | 'any' | undefined
  /** Only active memberships, or only those in custody (the caseload card's counts). */
  status?: 'active' | 'in_custody' | undefined
}

/** What a row of a cohort list or a caseload says of the membership and its person. */
const membershipRowColumns = [
  'm.id as membership_id',
  'm.programme',
  'm.status',
  'm.tier',
  'm.adopted_on',
  ...personListColumns,
  'p.date_of_birth',
] as const

/** The open memberships that match the filters, with the person and officer: one indexed query. */
export function cohortList(
  db: Db,
  areaIds: readonly string[],
  filters: CohortFilters,
  page: { limit: number; offset: number },
) {
  if (areaIds.length === 0) return Promise.resolve([])
  let query = db
    .selectFrom('cohort_membership as m')
    .innerJoin('person as p', 'p.id', 'm.person_id')
    .innerJoin('area as a', 'a.id', 'p.area_id')
    .leftJoin('ward as w', 'w.id', 'p.ward_id')
    .select((eb) => [
      ...membershipRowColumns,
      'a.name as area_name',
      'w.name as ward_name',
      userNameOf(eb.ref('m.lead_officer_id')).as('lead_officer_name'),
    ])
    .where('m.status', '<>', 'ended')
    .where('p.area_id', 'in', [...areaIds])
  if (filters.programme) query = query.where('m.programme', '=', filters.programme)
  if (filters.tier) query = query.where('m.tier', '=', filters.tier)
  if (filters.status) query = query.where('m.status', '=', filters.status)
  if (filters.leadOfficerId) query = query.where('m.lead_officer_id', '=', filters.leadOfficerId)
  if (filters.areaId) query = query.where('p.area_id', '=', filters.areaId)
  if (filters.wardId) query = query.where('p.ward_id', '=', filters.wardId)
  const openLink = filters.openLink
  if (openLink) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('partner_link as l')
          .select('l.id')
          .whereRef('l.person_id', '=', 'p.id')
          .where('l.status', '=', 'open')
          .$if(openLink !== 'any', (q) => q.where('l.agency', '=', openLink as 'marac' | 'yos' | 'mash')),
      ),
    )
  }
  return query
    .orderBy('p.surname')
    .orderBy('p.forenames')
    .orderBy('m.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
}

export type CohortRow = Awaited<ReturnType<typeof cohortList>>[number]

/**
 * My caseload, a page at a time: the open memberships I lead in my areas, red tier first, with
 * each person's next open action (looked up for the page's rows only) and how many there are in all.
 */
export function caseloadOf(
  db: Db,
  userId: string,
  areaIds: readonly string[],
  page: { limit: number; offset: number },
) {
  if (areaIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('cohort_membership as m')
    .innerJoin('person as p', 'p.id', 'm.person_id')
    .leftJoin('ward as w', 'w.id', 'p.ward_id')
    .select((eb) => [
      ...membershipRowColumns,
      'w.name as ward_name',
      eb
        .selectFrom('action as x')
        .select((x) => x.fn.min('x.due_date').as('next_due'))
        .whereRef('x.person_id', '=', 'p.id')
        .where('x.status', '=', 'open')
        .as('next_action_due'),
      (eb) => eb.fn.countAll<string>().over().as('total'),
    ])
    .where('m.lead_officer_id', '=', userId)
    .where('m.status', '<>', 'ended')
    .where('p.area_id', 'in', [...areaIds])
    .orderBy(sql`case m.tier when 'red' then 0 when 'amber' then 1 else 2 end`)
    .orderBy('p.surname')
    .orderBy('p.forenames')
    .orderBy('m.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
}
