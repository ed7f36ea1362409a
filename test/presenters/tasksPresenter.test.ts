import { describe, expect, it } from 'vitest'
import type { KindCount, Task } from '../../server/features/tasks/taskKinds.ts'
import {
  presentKindFilter,
  presentMoreThanShown,
  presentTask,
  presentTaskList,
} from '../../server/features/tasks/tasksPresenter.ts'

const base: Task = {
  kind: 'statements',
  id: '11111111-1111-4111-8111-111111111111',
  person_id: '22222222-2222-4222-8222-222222222222',
  surname: 'Okonjo',
  forenames: 'Dele',
  since: '2026-11-02',
  due: '2027-05-02',
  detail: 'S12 failure',
}

describe('presentTask', () => {
  it('says what, why, since when, when due, and links to the place to act', () => {
    expect(presentTask(base, '2026-12-05')).toEqual({
      kind: 'statements',
      kindLabel: 'Failures awaiting a statement',
      who: 'OKONJO, Dele',
      personHref: '/people/22222222-2222-4222-8222-222222222222',
      why: 'No evidential statement yet; the person cannot be circulated as wanted without one',
      detail: 'S12 failure',
      since: '2 November 2026',
      due: '2 May 2027',
      overdue: false,
      href: '/failures/11111111-1111-4111-8111-111111111111/statement',
      action: 'Write the statement',
    })
  })

  it('marks a past due date as overdue, and says when none is set', () => {
    expect(presentTask({ ...base, kind: 'actions', due: '2026-12-01' }, '2026-12-05').overdue).toBe(true)
    const referral = presentTask({ ...base, kind: 'referrals', due: null }, '2026-12-05')
    expect([referral.due, referral.overdue, referral.href]).toEqual(['None set', false, `/referrals/${base.id}`])
  })

  it('tells a suspended entry from a rejected proposal', () => {
    expect(presentTask({ ...base, kind: 'returned', detail: 'rejected' }, '2026-12-05').detail).toBe(
      'Proposal rejected',
    )
    expect(presentTask({ ...base, kind: 'returned', detail: 'suspended' }, '2026-12-05').detail).toBe(
      'Suspended from the CID list',
    )
  })

  it('shows an agreement, which names no one, without a person', () => {
    const shown = presentTask(
      {
        ...base,
        kind: 'agreements',
        person_id: null,
        surname: null,
        forenames: null,
      },
      '2026-12-05',
    )
    expect([shown.who, shown.personHref, shown.href]).toEqual(['', null, `/admin/agreements/${base.id}`])
  })
})

describe('presentKindFilter, presentMoreThanShown and presentTaskList', () => {
  const tasks: Task[] = [base, { ...base, kind: 'actions' }, { ...base, kind: 'actions' }]
  const counts: KindCount[] = [
    { kind: 'statements', total: 1, shown: 1 },
    { kind: 'actions', total: 73, shown: 50 },
  ]

  it('offers All and each permitted kind, counted in all (not only those shown), with the current one marked', () => {
    const filter = presentKindFilter(['statements', 'actions'], counts, undefined)
    expect(filter.map((f) => [f.href, f.count, f.current])).toEqual([
      ['/tasks', 74, true],
      ['/tasks?kind=statements', 1, false],
      ['/tasks?kind=actions', 73, false],
    ])
  })

  it('counts nothing where nothing was counted (a refused filter)', () => {
    expect(presentKindFilter(['statements'], undefined, undefined).map((f) => f.count)).toEqual([null, null])
  })

  it('says which kinds have more than the list of all shows, and links to their own pages', () => {
    expect(presentMoreThanShown(counts)).toEqual([
      {
        kind: 'actions',
        label: 'Overdue actions',
        showing: 'Showing the 50 oldest of 73',
        href: '/tasks?kind=actions',
        linkText: 'See all 73',
      },
    ])
  })

  it('titles a filtered list by its kind, counting only that kind', () => {
    const list = presentTaskList(tasks.slice(1), ['statements', 'actions'], [counts[1]!], 'actions', '2026-12-05')
    expect(list.heading).toBe('Overdue actions')
    expect(list.filter.find((f) => f.current)?.href).toBe('/tasks?kind=actions')
    expect(list.filter.map((f) => f.count)).toEqual([null, null, 73])
    expect(list.tasks).toHaveLength(2)
    expect(list.moreThanShown).toEqual([])
  })
})
