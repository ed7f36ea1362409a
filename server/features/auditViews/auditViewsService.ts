import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { SessionUser } from '../../auth/sessionUser.ts'
import { recordAudit, sealAuditLog, type Actor } from '../audit/auditRepository.ts'
import { findPersonInAreas } from '../people/peopleRepository.ts'
import { findUserInScope, listUserNames } from '../users/usersRepository.ts'
import * as repo from './auditViewsRepository.ts'

export type AuditViewsService = ReturnType<typeof createAuditViewsService>

/** What a reader asks of the log: the filters, the page (or every row up to a limit), and whether it goes out as a CSV. */
export type AuditRead = {
  filters: repo.AuditFilters
  page: { beforeId?: number; limit: number }
  exported?: boolean
}

/**
 * Supervisors checking lawfulness: who looked at a record, and what a user did. Reading the log
 * about a person is itself a consultation; exporting it is a disclosure. Each read seals the log
 * first, so it shows every row committed before it, the latest ones included.
 */
export function createAuditViewsService(db: Kysely<Database>) {
  async function forPerson(user: SessionUser, personId: string, { filters, page, exported }: AuditRead, actor: Actor) {
    const person = await findPersonInAreas(db, personId, user.visibleAreaIds)
    if (!person) return undefined
    await sealAuditLog(db)
    const rows = await repo.auditRows(db, { personId }, filters, page)
    await recordAudit(db, actor, {
      category: exported ? 'disclosure' : 'consultation',
      event: exported ? 'audit.person_exported' : 'audit.person_viewed',
      entityType: 'person',
      entityId: personId,
      personId,
      ...(exported ? { recipients: `${user.username} (CSV download)` } : {}),
      detail: { filters },
    })
    return { person, rows }
  }

  async function forUser(user: SessionUser, userId: string, { filters, page, exported }: AuditRead, actor: Actor) {
    // A colleague outside the reader's areas is not found, as a record there would not be.
    const subject = await findUserInScope(db, userId, { areaIds: user.visibleAreaIds })
    if (!subject) return undefined
    await sealAuditLog(db)
    // Scoped to the reader's areas in the query itself, page and CSV alike (see AuditSubject).
    const by = { actorUserId: userId, readerAreaIds: user.visibleAreaIds }
    const [rows, byDay] = [await repo.auditRows(db, by, filters, page), await repo.activityByDay(db, by, filters)]
    const names = await repo.namesOf(
      db,
      [...new Set(rows.flatMap((r) => (r.person_id ? [r.person_id] : [])))],
      user.visibleAreaIds,
    )
    await recordAudit(db, actor, {
      // The entries name people: seeing them is a consultation, taking them away a disclosure.
      category: exported ? 'disclosure' : 'consultation',
      event: exported ? 'audit.user_exported' : 'audit.user_viewed',
      entityType: 'user',
      entityId: userId,
      ...(exported ? { recipients: `${user.username} (CSV download)` } : {}),
      detail: { filters, personIds: [...new Set(rows.flatMap((r) => (r.person_id ? [r.person_id] : [])))] },
    })
    return {
      subject,
      rows,
      byDay,
      names: new Map(names.map((n) => [n.id, `${n.surname.toUpperCase()}, ${n.forenames}`])),
    }
  }

  return {
    forPerson,
    forUser,
    users: (user: SessionUser) => listUserNames(db, { areaIds: user.visibleAreaIds }),
  }
}
