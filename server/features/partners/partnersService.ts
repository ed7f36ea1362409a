import type { Kysely, Transaction } from 'kysely'
import type { Agency, Database, LinkAgency } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { agencyLabels } from '../../auth/roles.ts'
import { todayInLondon } from '../../domain/time.ts'
import { recordAudit, recordViewed, type Actor } from '../audit/auditRepository.ts'
import { findPersonInAreas } from '../people/peopleRepository.ts'
import {
  partnerPolicy,
  viewForPartner,
  type LinkRow,
  type PartnerPolicy,
  type PartnerView,
} from './disclosurePolicy.ts'
import { maracRepeatFlags, yosAgeProblem } from './partnerRules.ts'
import * as repo from './partnersRepository.ts'
import { agencyColumns, requiredLinkColumns } from './partnersSchemas.ts'
import { linkAgencies } from './partnersVocabulary.ts'
import { writeOnce } from '../idempotency/writeOnce.ts'
import {
  done,
  invalidResult as invalid,
  notFoundResult,
  staleResult,
  type WriteResult,
} from '../../domain/writeResult.ts'

export { isRepeatMarac } from './partnerRules.ts'

export type LinkInput = Omit<LinkRow, 'id' | 'version' | 'status' | 'closed_on' | 'repeat_referral'> & {
  agreementId: string
}
export type LinkUpdate = Partial<Omit<LinkRow, 'id' | 'version' | 'agency' | 'repeat_referral'>>
/** An edit of a link: its changed columns, and the version the form was read at. */
export type LinkEdit = { version: number; changes: LinkUpdate }

export type PartnersService = ReturnType<typeof createPartnersService>

export function createPartnersService(db: Kysely<Database>) {
  async function policyFor(user: SessionUser): Promise<PartnerPolicy> {
    const agreements = user.agency ? await repo.agreementsInForce(db, user.agency, todayInLondon()) : []
    return partnerPolicy(
      user,
      agreements.flatMap((a) => a.categories),
    )
  }

  async function agreementUsable(agreementId: string, agency: LinkAgency, day: string) {
    const inForce = await repo.agreementsInForce(db, agency, day)
    return inForce.some((a) => a.id === agreementId)
  }

  async function createLink(user: SessionUser, personId: string, input: LinkInput, actor: Actor): Promise<WriteResult> {
    if (
      !(await agreementUsable(input.agreementId, input.agency, input.opened_on)) ||
      !(await agreementUsable(input.agreementId, input.agency, todayInLondon()))
    ) {
      return invalid(
        'agreementId',
        `Select an information-sharing agreement with ${agencyLabels[input.agency]} that is in force`,
      )
    }
    return writeOnce(db, actor, async (trx): Promise<WriteResult> => {
      const person = await findPersonInAreas(trx, personId, user.visibleAreaIds)
      if (!person) return notFoundResult
      const tooOldOrYoung = input.agency === 'yos' ? yosAgeProblem(person.date_of_birth, input.opened_on) : undefined
      if (tooOldOrYoung) return invalid('openedOn', tooOldOrYoung)
      const { agreementId, ...fields } = input
      // The new referral's flag and those of the person's others, worked out together (a late entry can make later ones repeats).
      const others = input.agency === 'marac' ? await maracReferralsLocked(trx, personId) : []
      const flags = maracRepeatFlags([...others, { id: null, opened_on: input.opened_on, repeat_referral: false }])
      const repeat = input.agency === 'marac' && flags.some((f) => f.referral.id === null && f.repeat)
      const id = await repo.insertLink(trx, {
        ...fields,
        person_id: personId,
        agreement_id: agreementId,
        created_by: user.id,
        repeat_referral: repeat,
      })
      await recordAudit(trx, actor, {
        category: 'collection',
        event: 'partner_link.created',
        entityType: 'partner_link',
        entityId: id,
        personId,
        detail: { agency: input.agency, repeat },
      })
      await applyRepeatFlags(trx, user, actor, personId, flags, id)
      return done(personId)
    })
  }

  /** The person's MARAC referrals in the order they were entered, once no other write can add to them before this one commits. */
  async function maracReferralsLocked(trx: Transaction<Database>, personId: string) {
    await repo.lockPersonForLinks(trx, personId)
    return repo.maracReferralsOf(trx, personId)
  }

  /** Stores the repeat flags that changed, each as an alteration of its link, with its history row and audit row. */
  async function applyRepeatFlags(
    trx: Transaction<Database>,
    user: SessionUser,
    actor: Actor,
    personId: string,
    flags: { referral: { id: string | null; repeat_referral: boolean }; repeat: boolean }[],
    because: string,
  ) {
    for (const { referral, repeat } of flags) {
      if (referral.id === null || referral.repeat_referral === repeat) continue
      await repo.setRepeatFlag(trx, referral.id, repeat)
      await repo.insertLinkChange(
        trx,
        referral.id,
        { repeat_referral: { from: referral.repeat_referral, to: repeat } },
        user.id,
      )
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: 'partner_link.repeat_recomputed',
        entityType: 'partner_link',
        entityId: referral.id,
        personId,
        detail: { repeat, because },
      })
    }
  }

  /** An edit of a link, by police or by the partner: version-checked, with the before and after kept. */
  async function updateLink(
    user: SessionUser,
    linkId: string,
    version: number,
    changes: LinkUpdate,
    actor: Actor,
    onlyAgency?: LinkAgency | null,
  ): Promise<WriteResult> {
    return db.transaction().execute(async (trx): Promise<WriteResult> => {
      const link = await repo.findLinkInAreas(trx, linkId, user.visibleAreaIds)
      if (!link || (onlyAgency !== undefined && link.agency !== onlyAgency)) return notFoundResult
      // An edit form sends every agency's fields: keep only this link's own, and never blank what a link must have.
      const otherAgencies = linkAgencies.filter((a) => a !== link.agency).flatMap((a) => agencyColumns[a])
      const own = Object.fromEntries(
        Object.entries(changes).filter(([key]) => !otherAgencies.includes(key)),
      ) as LinkUpdate
      for (const [column, field, message] of requiredLinkColumns[link.agency]) {
        if (column in own && (own as Record<string, unknown>)[column] === null) return invalid(field, message)
      }
      const closedOn = own.closed_on !== undefined ? own.closed_on : link.closed_on
      const status = own.status ?? link.status
      if (status === 'closed' && !closedOn) return invalid('closedOn', 'Enter the date the case was closed')
      if (status === 'open' && closedOn) return invalid('closedOn', 'An open case has no closed date: leave it blank')
      if (closedOn && closedOn < (own.opened_on ?? link.opened_on))
        return invalid('closedOn', 'The closed date must be on or after the opened date')
      const movedOpening = own.opened_on !== undefined && own.opened_on !== link.opened_on ? own.opened_on : undefined
      const tooOldOrYoung =
        movedOpening && link.agency === 'yos' ? yosAgeProblem(link.date_of_birth, movedOpening) : undefined
      if (tooOldOrYoung) return invalid('openedOn', tooOldOrYoung)
      const diff: Record<string, { from: unknown; to: unknown }> = {}
      for (const [key, value] of Object.entries(own)) {
        const before = (link as Record<string, unknown>)[key]
        if ((before ?? null) !== (value ?? null)) diff[key] = { from: before ?? null, to: value ?? null }
      }
      if (Object.keys(diff).length === 0) return done(link.person_id)
      // Locked before the link, in the order a new link takes them.
      const reflag = movedOpening !== undefined && link.agency === 'marac'
      if (reflag) await repo.lockPersonForLinks(trx, link.person_id)
      if (!(await repo.updateLinkIfVersion(trx, linkId, version, own))) return staleResult
      await repo.insertLinkChange(trx, linkId, diff, user.id)
      await recordAudit(trx, actor, {
        category: 'alteration',
        event: 'partner_link.updated',
        entityType: 'partner_link',
        entityId: linkId,
        personId: link.person_id,
        detail: { fields: Object.keys(diff) },
      })
      if (reflag)
        await applyRepeatFlags(
          trx,
          user,
          actor,
          link.person_id,
          maracRepeatFlags(await repo.maracReferralsOf(trx, link.person_id)),
          linkId,
        )
      return done(link.person_id)
    })
  }

  /**
   * Everything a partner sees goes through the policy, with the categories of the agreement the
   * link itself was shared under (in force today, with the partner's agency), and every sight of
   * it is a disclosure to their agency.
   */
  async function partnerCases(
    user: SessionUser,
    actor: Actor,
    openedWithinDays?: number,
  ): Promise<{ policy: PartnerPolicy; views: (PartnerView & { personId: string })[] }> {
    const policy = await policyFor(user)
    if (!policy.linkAgency || policy.allowed.size === 0) return { policy, views: [] }
    const rows = await repo.linksOfAgency(
      db,
      policy.linkAgency,
      user.visibleAreaIds,
      500,
      todayInLondon(),
      openedWithinDays,
    )
    const views = rows.flatMap((row) => {
      const view = viewForPartner(partnerPolicy(user, row.agreement_categories), row, row)
      return view ? [{ ...view, personId: row.person_id }] : []
    })
    if (views.length > 0) {
      await recordAudit(db, actor, {
        category: 'disclosure',
        event: 'partner_cases.listed',
        recipients: agencyLabels[policy.agency],
        detail: {
          agency: policy.agency,
          personIds: [...new Set(views.map((v) => v.personId))],
          categories: [...new Set(rows.flatMap((r) => r.agreement_categories))],
        },
      })
    }
    return { policy, views }
  }

  /** The link and the policy of its own agreement, if that agreement is the partner's and in force today. */
  async function partnerLinkAndPolicy(user: SessionUser, linkId: string) {
    const link = await repo.findLinkInAreas(db, linkId, user.visibleAreaIds)
    const today = todayInLondon()
    if (
      !link ||
      link.agreement_agency !== user.agency ||
      link.agreement_starts_on > today ||
      (link.agreement_ends_on !== null && link.agreement_ends_on < today)
    ) {
      return undefined
    }
    return { link, policy: partnerPolicy(user, link.agreement_categories) }
  }

  async function partnerCase(user: SessionUser, linkId: string, actor: Actor) {
    const found = await partnerLinkAndPolicy(user, linkId)
    if (!found || found.policy.allowed.size === 0) return undefined
    const { link, policy } = found
    const view = viewForPartner(policy, link, link)
    if (!view) return undefined
    const changes = policy.allowed.has('link_details') ? await repo.linkChangesOf(db, linkId) : []
    await recordAudit(db, actor, {
      category: 'disclosure',
      event: 'partner_case.viewed',
      entityType: 'partner_link',
      entityId: linkId,
      personId: link.person_id,
      recipients: agencyLabels[policy.agency],
      detail: { categories: [...policy.allowed] },
    })
    return { policy, view, changes }
  }

  async function partnerUpdate(
    user: SessionUser,
    linkId: string,
    { version, changes }: LinkEdit,
    actor: Actor,
  ): Promise<WriteResult> {
    const found = await partnerLinkAndPolicy(user, linkId)
    if (!found?.policy.allowed.has('link_details')) return notFoundResult
    return updateLink(user, linkId, version, changes, actor, found.policy.linkAgency)
  }

  async function policeLink(user: SessionUser, linkId: string, actor: Actor) {
    const found = await repo.findLinkInAreas(db, linkId, user.visibleAreaIds)
    const link = await recordViewed(db, actor, found, 'partner_link.viewed', 'partner_link', linkId)
    if (!link) return undefined
    return { link, changes: await repo.linkChangesOf(db, linkId) }
  }

  return {
    createLink,
    updateLink: (user: SessionUser, linkId: string, { version, changes }: LinkEdit, actor: Actor) =>
      updateLink(user, linkId, version, changes, actor),
    partnerCases,
    partnerCase,
    partnerUpdate,
    policeLink,
    agreementsFor: (agency: LinkAgency) => repo.agreementsInForce(db, agency, todayInLondon()),
    allAgreementsInForce: async () => {
      const day = todayInLondon()
      return (
        await Promise.all((['marac', 'yos', 'mash'] as const).map((a) => repo.agreementsInForce(db, a, day)))
      ).flat()
    },
    listAgreements: () => repo.listAgreements(db),
    findAgreement: (id: string) => repo.findAgreement(db, id),
    createAgreement: async (
      input: { name: string; agency: Agency; categories: string[]; startsOn: string; endsOn: string | null },
      user: SessionUser,
      actor: Actor,
    ): Promise<WriteResult> =>
      db.transaction().execute(async (trx) => {
        const id = await repo.insertAgreement(trx, { ...input, createdBy: user.id })
        await recordAudit(trx, actor, {
          category: 'administration',
          event: 'agreement.created',
          entityType: 'sharing_agreement',
          entityId: id,
          detail: input,
        })
        return done(id)
      }),
    /** Saved over the version the form was read at; an agreement that is not there at all is not found, not stale. */
    updateAgreement: async (
      id: string,
      version: number,
      input: { name: string; categories: string[]; startsOn: string; endsOn: string | null },
      actor: Actor,
    ): Promise<WriteResult> =>
      db.transaction().execute(async (trx) => {
        if (!(await repo.updateAgreementIfVersion(trx, id, version, input)))
          return (await repo.findAgreement(trx, id)) ? staleResult : notFoundResult
        await recordAudit(trx, actor, {
          category: 'administration',
          event: 'agreement.updated',
          entityType: 'sharing_agreement',
          entityId: id,
          detail: input,
        })
        return done(id)
      }),
  }
}
