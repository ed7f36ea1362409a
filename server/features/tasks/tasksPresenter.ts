import { formatDate } from '../../presenters/format.ts'
import type { KindCount, Task, TaskKind } from './taskKinds.ts'

/** What each kind of task is, why it waits, and where it is done. */
const kindText: Record<TaskKind, { label: string; why: string; action: string; href: (task: Task) => string }> = {
  tests: {
    label: 'Positive tests awaiting an assessment decision',
    why: 'Positive for a specified drug; no required assessment imposed (Drugs Act 2005 s9)',
    action: 'Decide on an assessment',
    href: (t) => `/drug-tests/${t.id}`,
  },
  appointments: {
    label: 'Appointments today not yet recorded',
    why: 'Attendance not yet recorded (RA3)',
    action: 'Record attendance',
    href: (t) => `/appointments/${t.id}`,
  },
  statements: {
    label: 'Failures awaiting a statement',
    why: 'No evidential statement yet; the person cannot be circulated as wanted without one',
    action: 'Write the statement',
    href: (t) => `/failures/${t.id}/statement`,
  },
  circulation: {
    label: 'Statements signed, awaiting circulation',
    why: 'Statement produced and signed; not yet circulated as wanted',
    action: 'Circulate as wanted',
    href: (t) => `/failures/${t.id}`,
  },
  charge: {
    label: 'Arrested, awaiting charge near the time bar',
    why: 'Arrested and not charged; charge or summons by the time bar (MCA 1980 s127)',
    action: 'Record the outcome',
    href: (t) => `/failures/${t.id}`,
  },
  proposals: {
    label: 'CID proposals awaiting countersignature',
    why: 'Proposed hand-off to CID awaiting a second officer’s countersignature',
    action: 'Countersign or reject',
    href: () => '/cid/proposals',
  },
  returned: {
    label: 'Suspended or returned CID entries',
    why: 'Taken off the CID list or rejected: review it',
    action: 'Review the failure',
    href: () => '/cid/proposals',
  },
  wanted: {
    label: 'Wanted people near the time bar',
    why: 'On the CID list; the time bar ends the chance to charge (MCA 1980 s127)',
    action: 'Open the briefing sheet',
    href: (t) => `/cid/${t.id}/briefing`,
  },
  referrals: {
    label: 'Referrals awaiting the panel',
    why: 'Referred and awaiting the panel’s decision',
    action: 'Accept or decline',
    href: (t) => `/referrals/${t.id}`,
  },
  actions: {
    label: 'Overdue actions',
    why: 'An action you own, past its due date',
    action: 'Complete the action',
    href: () => '/actions',
  },
  links: {
    label: 'Partner links whose agreement ends within 30 days',
    why: 'The sharing agreement behind this open case link ends soon',
    action: 'Review the link',
    href: (t) => `/partner-links/${t.id}`,
  },
  agreements: {
    label: 'Sharing agreements ending within 30 days',
    why: 'An information-sharing agreement in force ends soon: renew it or let it end',
    action: 'Review the agreement',
    href: (t) => `/admin/agreements/${t.id}`,
  },
  retention: {
    label: 'Retention reviews due',
    why: 'The record is due for review under the retention rules (MoPI)',
    action: 'Review the record',
    href: (t) => `/people/${t.id}/retention`,
  },
}

export const kindLabel = (kind: TaskKind) => kindText[kind].label

/** Suspended and rejected entries share a kind; the status says which. */
const detailOf = (task: Task) =>
  task.kind === 'returned'
    ? task.detail === 'rejected'
      ? 'Proposal rejected'
      : 'Suspended from the CID list'
    : task.detail

export function presentTask(task: Task, today: string) {
  const text = kindText[task.kind]
  return {
    kind: task.kind,
    kindLabel: text.label,
    who: task.surname ? `${task.surname.toUpperCase()}, ${task.forenames ?? ''}` : '',
    personHref: task.person_id ? `/people/${task.person_id}` : null,
    why: text.why,
    detail: detailOf(task) ?? '',
    since: formatDate(task.since),
    due: task.due ? formatDate(task.due) : 'None set',
    overdue: task.due !== null && task.due < today,
    href: text.href(task),
    action: text.action,
  }
}

/**
 * The filter: "All" and each kind the user may act on, with how many of each wait in all, where
 * they were counted (every kind on the list of all, the one kind on its own page; none on a refusal).
 */
export function presentKindFilter(
  kinds: readonly TaskKind[],
  counts: readonly KindCount[] | undefined,
  current: TaskKind | undefined,
) {
  const totalOf = (kind: TaskKind) => counts?.find((c) => c.kind === kind)?.total ?? null
  const all = counts && current === undefined ? counts.reduce((sum, c) => sum + c.total, 0) : null
  return [
    { text: 'All', href: '/tasks', current: current === undefined, count: all },
    ...kinds.map((kind) => ({
      text: kindText[kind].label,
      href: `/tasks?kind=${kind}`,
      current: current === kind,
      count: totalOf(kind),
    })),
  ]
}

/** The kinds with more items than the list of all shows: how many it shows, of how many, and where the rest are. */
export function presentMoreThanShown(counts: readonly KindCount[]) {
  return counts
    .filter((c) => c.total > c.shown)
    .map((c) => ({
      kind: c.kind,
      label: kindText[c.kind].label,
      showing: `Showing the ${c.shown} oldest of ${c.total}`,
      href: `/tasks?kind=${c.kind}`,
      linkText: `See all ${c.total}`,
    }))
}

export function presentTaskList(
  tasks: readonly Task[],
  kinds: readonly TaskKind[],
  counts: readonly KindCount[],
  current: TaskKind | undefined,
  today: string,
) {
  return {
    heading: current ? kindText[current].label : 'Tasks',
    tasks: tasks.map((task) => presentTask(task, today)),
    filter: presentKindFilter(kinds, counts, current),
    moreThanShown: current ? [] : presentMoreThanShown(counts),
  }
}
