import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { Permission } from '../../auth/permissions.ts'
import { can, type SessionUser } from '../../auth/sessionUser.ts'
import { addDays, todayInLondon } from '../../domain/time.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import { openActionsOwnedBy } from '../casework/caseworkRepository.ts'
import { pendingReferrals } from '../cohorts/cohortsRepository.ts'
import { failuresAwaitingStatement } from '../dip/dipFailureRepository.ts'
import { chargeWarningDays, londonInstant } from '../dip/dipRules.ts'
import { reviewQueue, type RetentionRules } from '../retention/retentionRepository.ts'
import * as repo from './tasksRepository.ts'
import type { TaskRow } from './tasksRepository.ts'
import { taskKinds, type Task, type TaskKind } from './taskKinds.ts'

export type TasksService = ReturnType<typeof createTasksService>

/** How far back a positive test still waits for a decision: the requirement is imposed in custody. */
const testDecisionDays = 7
/** How long before an agreement's end its links and the agreement itself are flagged. */
const agreementWarningDays = 30
/** How close to the time bar a wanted person is flagged to CID (the CID list's own 30-day filter). */
const wantedWarningDays = 30
/** Each kind reads at most this many items. */
const perKind = 50

type Context = { user: SessionUser; today: string; now: Date }
type KindReader = { permission: Permission; read: (c: Context) => Promise<TaskRow[]> }

/**
 * The work the system knows is waiting for the signed-in user, scoped to their areas and to the
 * permission that lets them act on it; "mine" where the record has an owner or lead officer.
 */
export function createTasksService(db: Kysely<Database>, rules: RetentionRules, clock: () => Date = () => new Date()) {
  const areasOf = (c: Context) => c.user.visibleAreaIds
  const readers: Record<TaskKind, KindReader> = {
    tests: {
      permission: 'dip.record',
      read: (c) =>
        repo.positiveTestsWithoutAssessment(
          db,
          areasOf(c),
          londonInstant(addDays(c.today, -testDecisionDays), '00:00'),
          perKind,
        ),
    },
    appointments: {
      permission: 'dip.appointments',
      read: (c) =>
        repo.appointmentsToRecord(
          db,
          areasOf(c),
          londonInstant(c.today, '00:00'),
          londonInstant(addDays(c.today, 1), '00:00'),
          perKind,
        ),
    },
    statements: {
      permission: 'dip.statements',
      read: async (c) =>
        (await failuresAwaitingStatement(db, areasOf(c), perKind, c.today)).map((f) => ({
          id: f.id,
          person_id: f.person_id,
          surname: f.surname,
          forenames: f.forenames,
          since: f.failure_date,
          due: f.time_bar_date,
          detail: `${f.section.toUpperCase()} failure`,
        })),
    },
    circulation: {
      permission: 'dip.police',
      read: (c) => repo.statementsToCirculate(db, areasOf(c), c.today, perKind),
    },
    charge: {
      permission: 'dip.police',
      read: (c) => repo.arrestedNearTimeBar(db, c.user.id, areasOf(c), c.today, chargeWarningDays, perKind),
    },
    proposals: {
      permission: 'cid.countersign',
      read: (c) => repo.proposalsToCountersign(db, c.user.id, areasOf(c), c.today, perKind),
    },
    // Every supervisor of the area reviews suspended entries; an officer who may only propose sees their own.
    returned: {
      permission: 'cid.propose',
      read: (c) =>
        repo.suspendedOrReturnedEntries(
          db,
          areasOf(c),
          c.today,
          perKind,
          can(c.user, 'cid.countersign') ? undefined : c.user.id,
        ),
    },
    wanted: {
      permission: 'cid.list',
      read: (c) => repo.wantedNearTimeBar(db, areasOf(c), c.today, wantedWarningDays, perKind),
    },
    referrals: {
      permission: 'referrals.decide',
      read: async (c) =>
        (await pendingReferrals(db, areasOf(c), perKind)).map((r) => ({
          id: r.id,
          person_id: r.person_id,
          surname: r.surname,
          forenames: r.forenames,
          since: todayInLondon(r.referred_at),
          due: null,
          detail: r.programme,
        })),
    },
    // Open actions come most overdue first, so the limit keeps the overdue ones.
    actions: {
      permission: 'casework.record',
      read: async (c) =>
        (await openActionsOwnedBy(db, c.user.id, areasOf(c), perKind))
          .filter((x) => x.due_date < c.today)
          .map((x) => ({
            id: x.id,
            person_id: x.person_id,
            surname: x.surname,
            forenames: x.forenames,
            since: x.due_date,
            due: x.due_date,
            detail: x.description,
          })),
    },
    links: {
      permission: 'partners.manage',
      read: (c) => repo.linksWithAgreementEnding(db, areasOf(c), c.today, agreementWarningDays, perKind),
    },
    agreements: {
      permission: 'agreements.manage',
      read: (c) => repo.agreementsEnding(db, c.today, agreementWarningDays, perKind),
    },
    retention: {
      permission: 'retention.review',
      read: async (c) =>
        (await reviewQueue(db, areasOf(c), rules, c.today, perKind)).map((r) => ({
          id: r.id,
          person_id: r.id,
          surname: r.surname,
          forenames: r.forenames,
          since: r.review_on,
          due: r.review_on,
          detail: r.area_name,
        })),
    },
  }

  /** The kinds this user may act on: the filter offers only these. */
  const kindsFor = (user: SessionUser) => taskKinds.filter((kind) => can(user, readers[kind].permission))

  /** The user's tasks, oldest first, of one kind or all; one consultation row naming the people shown. */
  async function forUser(user: SessionUser, kind: TaskKind | undefined, actor: Actor) {
    const now = clock()
    const context: Context = { user, now, today: todayInLondon(now) }
    const kinds = kindsFor(user)
    const read = kind ? kinds.filter((k) => k === kind) : kinds
    const found = await Promise.all(
      read.map(async (k) => (await readers[k].read(context)).map((row) => ({ ...row, kind: k }))),
    )
    const tasks: Task[] = found
      .flat()
      .sort((a, b) => a.since.localeCompare(b.since) || (a.due ?? '9999').localeCompare(b.due ?? '9999'))
    const personIds = [...new Set(tasks.flatMap((task) => (task.person_id ? [task.person_id] : [])))]
    if (personIds.length > 0)
      await recordAudit(db, actor, { category: 'consultation', event: 'tasks.listed', detail: { personIds } })
    return { tasks, kinds, today: context.today }
  }

  return { forUser, kindsFor }
}
