import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { recordPersonViewed, type Actor } from '../audit/auditRepository.ts'
import * as repo from '../people/peopleRepository.ts'
import { personPanels } from './personPanels.ts'

export type PersonPageService = ReturnType<typeof createPersonPageService>

/**
 * The person page, which gathers every feature's panel about one person. It lives apart from
 * people/ so that the features whose panels it shows can use people/ without a cycle.
 */
export function createPersonPageService(db: Kysely<Database>) {
  /**
   * The person page: every panel read, then the consultation logged. The log row is a statement
   * of its own, not the end of a transaction: the audit chain's lock is then held for the insert
   * alone, never across a round trip to a busy app (which queued every other page's log row
   * behind it under load). If it cannot be logged, the page is not shown.
   */
  async function view(user: SessionUser, id: string, actor: Actor, purpose: string | undefined) {
    const person = await repo.findPersonInAreas(db, id, user.visibleAreaIds)
    if (!person) return combinedRecord(user, id, actor)
    if (person.restricted && !purpose) return { kind: 'needsPurpose' as const, personId: person.id }
    const panels = await personPanels(db, id)
    await recordPersonViewed(db, actor, id, purpose)
    return { kind: 'found' as const, person, ...panels }
  }

  /**
   * The old address of a record combined into another: the page says so and links to the kept
   * record (which asks for a purpose itself if restricted), showing no details, so no purpose is asked here.
   */
  async function combinedRecord(user: SessionUser, id: string, actor: Actor) {
    const combined = await repo.findCombinedRecord(db, id, user.visibleAreaIds)
    if (!combined?.combined_into) return { kind: 'notFound' as const }
    await recordPersonViewed(db, actor, id, undefined, { page: 'combined', survivorId: combined.combined_into })
    return { kind: 'combined' as const, survivorId: combined.combined_into }
  }

  return { view }
}
