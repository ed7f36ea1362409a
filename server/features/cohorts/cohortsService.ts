import type { Kysely } from 'kysely'
import type { Database, MembershipEventKind, Programme, Tier } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { todayInLondon } from '../../domain/time.ts'
import { listConsulted, recordAudit, recordViewed, type Actor } from '../audit/auditRepository.ts'
import { activeCodes, boroughsIn, isActiveCode, wardsOfAreas } from '../reference/referenceRepository.ts'
import { isLeadOfficerIn, leadOfficers } from '../users/leadOfficersRepository.ts'
import { findPersonInAreas } from '../people/peopleRepository.ts'
import { eventDateProblem, secondIomCohortProblem, tierChangeProblem } from './cohortRules.ts'
import * as repo from './cohortsRepository.ts'
import { writeOnce } from '../idempotency/writeOnce.ts'
import { invalidResult, type WriteResult } from '../../domain/writeResult.ts'

export type CohortsService = ReturnType<typeof createCohortsService>

const invalid = invalidResult

const alreadyOnProgramme = 'This person is already on that programme'

/**
 * The database's own guard of one open membership a programme and one IOM cohort at a time: a
 * second adoption that slipped past the checks at the same moment is refused (and rolled back),
 * not a crash.
 */
function membershipClash(error: unknown): WriteResult | undefined {
  const { code, constraint } = error as { code?: string; constraint?: string }
  if (code !== '23505') return undefined
  if (constraint === 'cohort_membership_one_iom')
    return invalid('tier', 'This person is already on another IOM cohort: a person is on one IOM cohort at a time')
  if (constraint === 'cohort_membership_one_open') return invalid('tier', alreadyOnProgramme)
  return undefined
}

/** The panel's acceptance of a referral: tier, selection score, lead officer, and the version of the referral read. */
type Adoption = { tier: Tier; score: number; method: string; scoreDate: string; leadOfficerId: string; version: number }

/** Referral → panel → membership, and the membership's dated history. */
export function createCohortsService(db: Kysely<Database>) {
  async function refer(
    user: SessionUser,
    personId: string,
    input: { programme: Programme; source: string; reason: string },
    actor: Actor,
  ): Promise<WriteResult> {
    if (!(await isActiveCode(db, 'referral_source', input.source))) {
      return invalid('source', 'Select where the referral came from')
    }
    return writeOnce(db, actor, async (trx): Promise<WriteResult> => {
      if (!(await findPersonInAreas(trx, personId, user.visibleAreaIds)))
        return { ok: false, kind: 'notFound' } as const
      if (await repo.openMembershipExists(trx, personId, input.programme)) {
        return invalid('programme', alreadyOnProgramme)
      }
      const id = await repo.insertReferral(trx, { personId, ...input, referredBy: user.id })
      await recordAudit(trx, actor, {
        category: 'collection',
        event: 'referral.created',
        entityType: 'referral',
        entityId: id,
        personId,
      })
      return { ok: true, id } as const
    })
  }

  async function pending(user: SessionUser, actor: Actor) {
    const rows = await repo.pendingReferrals(db, user.visibleAreaIds, 200)
    return listConsulted(db, actor, 'referrals.listed', rows, (r) => r.person_id)
  }

  async function referral(user: SessionUser, id: string, actor: Actor) {
    const row = await repo.findReferral(db, id, user.visibleAreaIds)
    return recordViewed(db, actor, row, 'referral.viewed', 'referral', id)
  }

  async function accept(user: SessionUser, referralId: string, input: Adoption, actor: Actor): Promise<WriteResult> {
    if (!(await isLeadOfficerIn(db, user.visibleAreaIds, input.leadOfficerId)))
      return invalid('leadOfficerId', 'Select a lead officer who works in this area')
    try {
      return await adopt(user, referralId, input, actor)
    } catch (error) {
      const clash = membershipClash(error)
      if (clash) return clash
      throw error
    }
  }

  async function adopt(user: SessionUser, referralId: string, input: Adoption, actor: Actor): Promise<WriteResult> {
    return db.transaction().execute(async (trx): Promise<WriteResult> => {
      // Locked before it is read: a tab that waited here then reads the other tab's decision (stale),
      // not the membership that decision made (which would read as "already on the programme").
      await repo.lockReferral(trx, referralId)
      const referral = await repo.findReferral(trx, referralId, user.visibleAreaIds)
      if (!referral) return { ok: false, kind: 'notFound' }
      // Decided in another tab meanwhile: that is the answer, not the rules it now breaks.
      if (referral.status !== 'pending' || referral.version !== input.version) return { ok: false, kind: 'stale' }
      // Checked before the decision is written: returning (not throwing) commits the transaction.
      if (await repo.openMembershipExists(trx, referral.person_id, referral.programme)) {
        return invalid('tier', alreadyOnProgramme)
      }
      const otherCohort = secondIomCohortProblem(
        await repo.openIomProgrammeOf(trx, referral.person_id),
        referral.programme,
      )
      if (otherCohort) return invalid('tier', otherCohort)
      if (
        !(await repo.decideReferral(trx, referralId, input.version, {
          status: 'accepted',
          decidedBy: user.id,
          declineReason: null,
        }))
      ) {
        return { ok: false, kind: 'stale' }
      }
      const today = todayInLondon()
      const membershipId = await repo.insertMembership(trx, {
        personId: referral.person_id,
        programme: referral.programme,
        referralId,
        tier: input.tier,
        leadOfficerId: input.leadOfficerId,
        score: input.score,
        method: input.method,
        scoreDate: input.scoreDate,
        adoptedOn: today,
      })
      await repo.insertMembershipEvent(trx, {
        membershipId,
        kind: 'adopted',
        eventDate: today,
        tier: input.tier,
        leadOfficerId: input.leadOfficerId,
        note: `Score ${input.score} (${input.method}, ${input.scoreDate})`,
        recordedBy: user.id,
      })
      await recordAudit(trx, actor, {
        category: 'collection',
        event: 'referral.accepted',
        entityType: 'cohort_membership',
        entityId: membershipId,
        personId: referral.person_id,
        detail: { referralId, programme: referral.programme, tier: input.tier },
      })
      return { ok: true, id: referral.person_id }
    })
  }

  async function decline(
    user: SessionUser,
    referralId: string,
    { declineReason, version }: { declineReason: string; version: number },
    actor: Actor,
  ): Promise<WriteResult> {
    return db.transaction().execute(async (trx): Promise<WriteResult> => {
      const referral = await repo.findReferral(trx, referralId, user.visibleAreaIds)
      if (!referral) return { ok: false, kind: 'notFound' }
      if (
        !(await repo.decideReferral(trx, referralId, version, {
          status: 'declined',
          decidedBy: user.id,
          declineReason,
        }))
      ) {
        return { ok: false, kind: 'stale' }
      }
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: 'referral.declined',
        entityType: 'referral',
        entityId: referralId,
        personId: referral.person_id,
      })
      return { ok: true, id: referral.person_id }
    })
  }

  /** A dated change to a membership: the current state moves and the history gains a row, together. */
  async function recordEvent(
    user: SessionUser,
    membershipId: string,
    input: {
      kind: Exclude<MembershipEventKind, 'adopted'>
      eventDate: string
      tier: Tier | null
      leadOfficerId: string | null
      deselectionReason: string | null
      eventNote: string
      version: number
    },
    actor: Actor,
  ): Promise<WriteResult> {
    if (input.kind === 'lead_officer_changed' && !(await isLeadOfficerIn(db, user.visibleAreaIds, input.leadOfficerId)))
      return invalid('leadOfficerId', 'Select a lead officer who works in this area')
    if (input.kind === 'deselected' && !(await isActiveCode(db, 'deselection_reason', input.deselectionReason)))
      return invalid('deselectionReason', 'Select why the person is de-selected')
    return db.transaction().execute(async (trx): Promise<WriteResult> => {
      const membership = await repo.findMembership(trx, membershipId, user.visibleAreaIds)
      if (!membership) return { ok: false, kind: 'notFound' }
      if (membership.status === 'ended')
        return invalid('kind', 'This membership has ended: refer the person again to re-adopt them')
      if (input.kind === 'released' && membership.status !== 'in_custody')
        return invalid('kind', 'The person is not recorded as in custody')
      if (input.kind === 'in_custody' && membership.status === 'in_custody')
        return invalid('kind', 'The person is already recorded as in custody')
      const dateProblem = eventDateProblem(
        input.eventDate,
        membership.adopted_on,
        await repo.latestEventDate(trx, membershipId),
      )
      if (dateProblem) return invalid('eventDate', dateProblem)
      const sameTier =
        input.kind === 'tier_changed' ? tierChangeProblem(membership.tier, input.tier as Tier) : undefined
      if (sameTier) return invalid('tier', sameTier)
      const changes =
        input.kind === 'in_custody'
          ? { status: 'in_custody' as const }
          : input.kind === 'released'
            ? { status: 'active' as const }
            : input.kind === 'tier_changed'
              ? { tier: input.tier as Tier }
              : input.kind === 'lead_officer_changed'
                ? { lead_officer_id: input.leadOfficerId as string }
                : { status: 'ended' as const, ended_on: input.eventDate }
      if (!(await repo.updateMembershipIfVersion(trx, membershipId, input.version, changes)))
        return { ok: false, kind: 'stale' }
      await repo.insertMembershipEvent(trx, {
        membershipId,
        kind: input.kind,
        eventDate: input.eventDate,
        tier: input.kind === 'tier_changed' ? input.tier : null,
        leadOfficerId: input.kind === 'lead_officer_changed' ? input.leadOfficerId : null,
        deselectionReason: input.kind === 'deselected' ? input.deselectionReason : null,
        note: input.eventNote || null,
        recordedBy: user.id,
      })
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: `membership.${input.kind}`,
        entityType: 'cohort_membership',
        entityId: membershipId,
        personId: membership.person_id,
      })
      return { ok: true, id: membership.person_id }
    })
  }

  /** One page of my caseload and how many memberships in all; the people shown are logged as consulted. */
  async function caseload(user: SessionUser, page: { limit: number; offset: number }, actor: Actor) {
    const rows = await repo.caseloadOf(db, user.id, user.visibleAreaIds, page)
    await listConsulted(db, actor, 'caseload.viewed', rows, (r) => r.person_id)
    return { rows, total: Number(rows[0]?.total ?? 0) }
  }

  async function list(
    user: SessionUser,
    filters: repo.CohortFilters,
    page: { limit: number; offset: number },
    actor: Actor,
  ) {
    const rows = await repo.cohortList(db, user.visibleAreaIds, filters, page)
    return listConsulted(db, actor, 'cohort.listed', rows, (r) => r.person_id, { filters })
  }

  /** The CSV export is a disclosure: it leaves the system. Logged with its filters and who got it. */
  async function exportRows(user: SessionUser, filters: repo.CohortFilters, actor: Actor) {
    const rows = await repo.cohortList(db, user.visibleAreaIds, filters, { limit: 10_000, offset: 0 })
    await recordAudit(db, actor, {
      category: 'disclosure',
      event: 'cohort.exported',
      recipients: `${user.username} (CSV download)`,
      detail: { filters, rowCount: rows.length, personIds: rows.map((r) => r.person_id) },
    })
    return rows
  }

  return {
    refer,
    pending,
    referral,
    accept,
    decline,
    recordEvent,
    caseload,
    list,
    exportRows,
    /** The membership form names the person: logged as a consultation when first shown (actor given). */
    findMembership: async (user: SessionUser, id: string, actor?: Actor) => {
      const membership = await repo.findMembership(db, id, user.visibleAreaIds)
      return actor ? recordViewed(db, actor, membership, 'membership.viewed', 'cohort_membership', id) : membership
    },
    personInScope: (user: SessionUser, id: string) => findPersonInAreas(db, id, user.visibleAreaIds),
    /** The borough and ward filters of the lists and reports: two queries, not the five of every form's options. */
    placeOptions: async (user: SessionUser) => {
      const [boroughs, wards] = await Promise.all([
        boroughsIn(db, user.visibleAreaIds),
        wardsOfAreas(db, user.visibleAreaIds, todayInLondon()),
      ])
      return { boroughs, wards }
    },
    options: async (user: SessionUser) => ({
      officers: await leadOfficers(db, user.visibleAreaIds),
      sources: await activeCodes(db, 'referral_source'),
      deselectionReasons: await activeCodes(db, 'deselection_reason'),
      boroughs: await boroughsIn(db, user.visibleAreaIds),
      wards: await wardsOfAreas(db, user.visibleAreaIds, todayInLondon()),
    }),
  }
}
