import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import type { Permission } from '../../auth/permissions.ts'
import { can, type SessionUser } from '../../auth/sessionUser.ts'
import { addDays, todayInLondon } from '../../domain/time.ts'
import type { Window } from '../../domain/window.ts'
import { recordAudit, type Actor } from '../audit/auditRepository.ts'
import { chargeWarningDays, londonInstant } from '../dip/dipRules.ts'
import { reviewsDueSource, type RetentionRules } from '../retention/retentionRepository.ts'
import * as repo from './tasksRepository.ts'
import type { TaskPage } from './tasksRepository.ts'
import { taskKinds, type KindCount, type Task, type TaskKind } from './taskKinds.ts'

export type TasksService = ReturnType<typeof createTasksService>

/** How far back a positive test still waits for a decision: the requirement is imposed in custody. */
const testDecisionDays = 7
/** How long before an agreement's end its links and the agreement itself are flagged. */
const agreementWarningDays = 30
/** How close to the time bar a wanted person is flagged to CID (the CID list's own 30-day filter). */
const wantedWarningDays = 30
/** The list of every kind shows this many of each, the oldest; the page of one kind pages through them all. */
export const perKind = 50

type Context = { user: SessionUser; today: string; now: Date }
type KindReader = { permission: Permission; read: (c: Context, window: Window) => Promise<TaskPage> }

const unnamed = { surname: null, forenames: null }
const nameOf = (names: Map<string, { surname: string; forenames: string }>, personId: string | null) =>
  (personId ? names.get(personId) : undefined) ?? unnamed

/**
 * The oldest first, then the earliest due. The sort is stable: items alike in both keep their
 * kind's own order, which is the order its page shows them in.
 */
const oldestFirst = (a: Task, b: Task) =>
  a.since.localeCompare(b.since) || (a.due ?? '9999').localeCompare(b.due ?? '9999')

/**
 * The work the system knows is waiting for the signed-in user, scoped to their areas and to the
 * permission that lets them act on it; "mine" where the record has an owner or lead officer.
 * Each kind is one SQL condition (`tasksRepository.ts`) that gives both its rows and its count.
 */
export function createTasksService(db: Kysely<Database>, rules: RetentionRules, clock: () => Date = () => new Date()) {
  const areasOf = (c: Context) => c.user.visibleAreaIds
  const page = (source: repo.TaskSource | null) => (window: Window) => repo.taskPage(db, source, window)
  const readers: Record<TaskKind, KindReader> = {
    tests: {
      permission: 'dip.record',
      read: (c, w) =>
        page(
          repo.positiveTestsWithoutAssessment(areasOf(c), londonInstant(addDays(c.today, -testDecisionDays), '00:00')),
        )(w),
    },
    appointments: {
      permission: 'dip.appointments',
      read: (c, w) =>
        page(
          repo.appointmentsToRecord(
            areasOf(c),
            c.today,
            londonInstant(c.today, '00:00'),
            londonInstant(addDays(c.today, 1), '00:00'),
          ),
        )(w),
    },
    statements: {
      permission: 'dip.statements',
      read: (c, w) => page(repo.failuresAwaitingStatement(areasOf(c), c.today))(w),
    },
    circulation: {
      permission: 'dip.police',
      read: (c, w) => page(repo.statementsToCirculate(areasOf(c), c.today))(w),
    },
    charge: {
      permission: 'dip.police',
      read: (c, w) => page(repo.arrestedNearTimeBar(c.user.id, areasOf(c), c.today, chargeWarningDays))(w),
    },
    proposals: {
      permission: 'cid.countersign',
      read: (c, w) => page(repo.proposalsToCountersign(c.user.id, areasOf(c), c.today))(w),
    },
    // Every supervisor of the area reviews suspended entries; an officer who may only propose sees their own.
    returned: {
      permission: 'cid.propose',
      read: (c, w) =>
        page(
          repo.suspendedOrReturnedEntries(areasOf(c), c.today, can(c.user, 'cid.countersign') ? undefined : c.user.id),
        )(w),
    },
    wanted: {
      permission: 'cid.list',
      read: (c, w) => page(repo.wantedNearTimeBar(areasOf(c), c.today, wantedWarningDays))(w),
    },
    referrals: {
      permission: 'referrals.decide',
      read: (c, w) => page(repo.pendingReferrals(areasOf(c), c.today))(w),
    },
    actions: {
      permission: 'casework.record',
      read: (c, w) => page(repo.overdueActionsOwnedBy(c.user.id, areasOf(c), c.today))(w),
    },
    links: {
      permission: 'partners.manage',
      read: (c, w) => page(repo.linksWithAgreementEnding(areasOf(c), c.today, agreementWarningDays))(w),
    },
    agreements: {
      permission: 'agreements.manage',
      read: (c, w) => page(repo.agreementsEnding(c.today, agreementWarningDays))(w),
    },
    // The review date is the retention feature's rule: it hands the list its source.
    retention: {
      permission: 'retention.review',
      read: (c, w) => page(reviewsDueSource(areasOf(c), rules, c.today))(w),
    },
  }

  /** The kinds this user may act on: the filter offers only these. */
  const kindsFor = (user: SessionUser) => taskKinds.filter((kind) => can(user, readers[kind].permission))

  /** One consultation row naming the people the page shows, if it shows any. */
  async function recordListed(tasks: readonly Task[], actor: Actor) {
    const personIds = [...new Set(tasks.flatMap((task) => (task.person_id ? [task.person_id] : [])))]
    if (personIds.length > 0)
      await recordAudit(db, actor, { category: 'consultation', event: 'tasks.listed', detail: { personIds } })
  }

  /**
   * The user's tasks, oldest first: with no `kind`, the oldest `perKind` of each kind they may
   * act on; with one, the `window` of that kind. Each kind's count is of all its items.
   */
  async function forUser(user: SessionUser, kind: TaskKind | undefined, window: Window, actor: Actor) {
    const now = clock()
    const context: Context = { user, now, today: todayInLondon(now) }
    const kinds = kindsFor(user)
    const read = kind ? kinds.filter((k) => k === kind) : kinds
    const pages = await Promise.all(
      read.map(async (k) => ({
        kind: k,
        page: await readers[k].read(context, kind ? window : { limit: perKind, offset: 0 }),
      })),
    )
    const items = pages.flatMap(({ kind: k, page: found }) => found.rows.map((row) => ({ ...row, kind: k })))
    const names = await repo.namesOf(db, items)
    const tasks: Task[] = items.map((item) => ({ ...item, ...nameOf(names, item.person_id) }))
    // One kind's page is already in its own order; the kinds together are merged by age.
    if (!kind) tasks.sort(oldestFirst)
    const counts: KindCount[] = pages.map(({ kind: k, page: found }) => ({
      kind: k,
      total: found.total,
      shown: found.rows.length,
    }))
    await recordListed(tasks, actor)
    return { tasks, kinds, counts, today: context.today }
  }

  return { forUser, kindsFor }
}
