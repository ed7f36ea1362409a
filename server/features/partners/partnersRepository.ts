import { sql, type Kysely } from 'kysely'
import type { Agency, Database, LinkAgency } from '../../../db/types.ts'
import type { LinkRow, PersonForPartner } from './disclosurePolicy.ts'
import { updateIfVersion } from '../../queries/updateIfVersion.ts'
import { userNameOf } from '../../queries/userName.ts'

type Db = Kysely<Database>

const linkColumns = [
  'l.id',
  'l.agency',
  'l.reference',
  'l.status',
  'l.opened_on',
  'l.closed_on',
  'l.contact',
  'l.marac_role',
  'l.dash_score',
  'l.meeting_date',
  'l.idva_allocated',
  'l.next_review',
  'l.repeat_referral',
  'l.yos_disposal',
  'l.case_manager',
  'l.transition_date',
  'l.brag_rating',
  'l.mash_decision',
  'l.decision_date',
  'l.children_involved',
  'l.version',
] as const

/** Agreements in force on a day for an agency: what may be shared with it now. */
export function agreementsInForce(db: Db, agency: Agency, day: string) {
  return db
    .selectFrom('sharing_agreement')
    .select(['id', 'name', 'categories', 'starts_on', 'ends_on'])
    .where('agency', '=', agency)
    .where('starts_on', '<=', day)
    .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', day)]))
    .orderBy('name')
    .execute()
}

export function listAgreements(db: Db) {
  return db.selectFrom('sharing_agreement').selectAll().orderBy('agency').orderBy('starts_on', 'desc').execute()
}

export function findAgreement(db: Db, id: string) {
  return db.selectFrom('sharing_agreement').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertAgreement(
  db: Db,
  agreement: {
    name: string
    agency: Agency
    categories: string[]
    startsOn: string
    endsOn: string | null
    createdBy: string
  },
): Promise<string> {
  const row = await db
    .insertInto('sharing_agreement')
    .values({
      name: agreement.name,
      agency: agreement.agency,
      categories: agreement.categories,
      starts_on: agreement.startsOn,
      ends_on: agreement.endsOn,
      created_by: agreement.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export function updateAgreementIfVersion(
  db: Db,
  id: string,
  version: number,
  agreement: { name: string; categories: string[]; startsOn: string; endsOn: string | null },
): Promise<boolean> {
  return updateIfVersion(
    db,
    'sharing_agreement',
    { id, version },
    {
      name: agreement.name,
      categories: agreement.categories,
      starts_on: agreement.startsOn,
      ends_on: agreement.endsOn,
    },
  )
}

/**
 * Holds the person's row until the transaction ends, so that two MARAC referrals of one person
 * entered at the same moment work out their repeat flags one after the other.
 */
export async function lockPersonForLinks(db: Db, personId: string): Promise<void> {
  await db.selectFrom('person').select('id').where('id', '=', personId).forNoKeyUpdate().execute()
}

/** MARAC referrals with their repeat flags, in the order they were entered (person by person). */
export function maracReferralsQuery(db: Db) {
  return db
    .selectFrom('partner_link')
    .select(['id', 'person_id', 'opened_on', 'repeat_referral'])
    .where('agency', '=', 'marac')
    .orderBy('person_id')
    .orderBy('created_at')
    .orderBy('id')
}

export function maracReferralsOf(db: Db, personId: string) {
  return maracReferralsQuery(db).where('person_id', '=', personId).execute()
}

/** A repeat flag worked out again: a change to the link like any other, so its version moves. */
export async function setRepeatFlag(db: Db, id: string, repeat: boolean): Promise<void> {
  await db
    .updateTable('partner_link')
    .set({ repeat_referral: repeat, version: sql`version + 1` })
    .where('id', '=', id)
    .execute()
}

export type NewLink = Omit<LinkRow, 'id' | 'version' | 'status' | 'closed_on'> & {
  person_id: string
  agreement_id: string
  created_by: string
}

export async function insertLink(db: Db, link: NewLink): Promise<string> {
  const row = await db.insertInto('partner_link').values(link).returning('id').executeTakeFirstOrThrow()
  return row.id
}

// Whether the person is on an IOM cohort now, and who leads them: for partners whose agreement allows it.
const onIom =
  sql<boolean>`exists (select 1 from cohort_membership m where m.person_id = p.id and m.status <> 'ended' and m.programme like 'iom_%')`.as(
    'on_iom',
  )
const leadOfficer = sql<
  string | null
>`(select u.display_name from cohort_membership m join app_user u on u.id = m.lead_officer_id
   where m.person_id = p.id and m.status <> 'ended' order by m.adopted_on desc limit 1)`.as('lead_officer_name')

/**
 * Links of people in the areas, each with what a partner may be shown of its person (disclosurePolicy.ts
 * decides what of it they see) and the categories its sharing agreement allows.
 */
function linksWithPeople(db: Db, areaIds: readonly string[]) {
  return db
    .selectFrom('partner_link as l')
    .innerJoin('person as p', 'p.id', 'l.person_id')
    .innerJoin('sharing_agreement as ag', 'ag.id', 'l.agreement_id')
    .select([
      ...linkColumns,
      'l.person_id',
      'p.surname',
      'p.forenames',
      'p.date_of_birth',
      'p.address',
      'ag.categories as agreement_categories',
      onIom,
      leadOfficer,
    ])
    .where('p.area_id', 'in', [...areaIds])
}

export function findLinkInAreas(db: Db, id: string, areaIds: readonly string[]) {
  if (areaIds.length === 0) return Promise.resolve(undefined)
  return linksWithPeople(db, areaIds)
    .select([
      'ag.name as agreement_name',
      'ag.agency as agreement_agency',
      'ag.starts_on as agreement_starts_on',
      'ag.ends_on as agreement_ends_on',
    ])
    .where('l.id', '=', id)
    .executeTakeFirst()
}

export type LinkRecord = NonNullable<Awaited<ReturnType<typeof findLinkInAreas>>>

export const updateLinkIfVersion = (
  db: Db,
  id: string,
  version: number,
  changes: Partial<Omit<LinkRow, 'id' | 'version' | 'agency'>>,
) => updateIfVersion(db, 'partner_link', { id, version }, changes)

export async function insertLinkChange(
  db: Db,
  linkId: string,
  changes: Record<string, { from: unknown; to: unknown }>,
  changedBy: string,
) {
  await db
    .insertInto('partner_link_change')
    .values({ link_id: linkId, changes: JSON.stringify(changes), changed_by: changedBy })
    .execute()
}

export function linkChangesOf(db: Db, linkId: string) {
  return db
    .selectFrom('partner_link_change as c')
    .select((eb) => ['c.changes', 'c.changed_at', userNameOf(eb.ref('c.changed_by')).as('changed_by_name')])
    .where('c.link_id', '=', linkId)
    .orderBy('c.changed_at')
    .execute()
}

/**
 * A link opened within the last `days` days: one statement of it for the partner's list filter
 * and the home page's count, so the count and the list it links to cannot disagree.
 */
export const openedWithin = (link: string, today: string, days: number) =>
  sql<boolean>`${sql.ref(`${link}.opened_on`)} >= ${today}::date - ${days}::int`

/**
 * A partner agency's links with their people, in the user's areas: the partner's whole world.
 * Only links whose own sharing agreement is with that agency and in force today; with
 * `openedWithinDays`, only those opened in that many days.
 */
export function linksOfAgency(
  db: Db,
  agency: LinkAgency,
  areaIds: readonly string[],
  limit: number,
  today: string,
  openedWithinDays?: number,
) {
  if (areaIds.length === 0) return Promise.resolve([])
  return linksWithPeople(db, areaIds)
    .where('ag.agency', '=', agency)
    .where('ag.starts_on', '<=', today)
    .where((eb) => eb.or([eb('ag.ends_on', 'is', null), eb('ag.ends_on', '>=', today)]))
    .where('l.agency', '=', agency)
    .$if(openedWithinDays !== undefined, (q) => q.where(openedWithin('l', today, openedWithinDays ?? 0)))
    .orderBy(sql`l.status = 'closed'`)
    .orderBy('p.surname')
    .orderBy('p.forenames')
    .limit(limit)
    .execute()
}

/** All links of a person (police view of the person page). */
export function linksOfPersonQuery(db: Db, personId: string) {
  return db
    .selectFrom('partner_link as l')
    .innerJoin('sharing_agreement as ag', 'ag.id', 'l.agreement_id')
    .select([...linkColumns, 'ag.name as agreement_name'])
    .where('l.person_id', '=', personId)
    .orderBy(sql`l.status = 'closed'`)
    .orderBy('l.opened_on', 'desc')
}

export type PersonLinkRow = Awaited<ReturnType<ReturnType<typeof linksOfPersonQuery>['execute']>>[number]
export type AgencyLinkRow = Awaited<ReturnType<typeof linksOfAgency>>[number]
export type { PersonForPartner }
