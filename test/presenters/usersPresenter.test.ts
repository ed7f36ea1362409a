import { describe, expect, it } from 'vitest'
import {
  accountFormValues,
  accountStatus,
  agencyOptions,
  areaOptions,
  presentAccountNow,
  presentUserRow,
  presentUsersPage,
  roleOptions,
} from '../../server/features/users/usersPresenter.ts'
import type { UserListRow } from '../../server/features/users/usersRepository.ts'

// What the user administration pages say about accounts, worked out from rows without a database.

const now = new Date('2026-11-26T14:00:00Z')

const row = (changes: Partial<UserListRow> = {}): UserListRow => ({
  id: 'u1',
  username: 'officer1',
  display_name: 'Sam Officer',
  role: 'iom_officer',
  agency: null,
  disabled_at: null,
  locked_until: null,
  last_sign_in_at: new Date('2026-11-20T09:30:00Z'),
  area_names: ['Barking and Dagenham', 'Havering'],
  ...changes,
})

describe('accountStatus', () => {
  it('a disabled account is disabled, whatever its lock', () => {
    expect(accountStatus({ disabled_at: now, locked_until: new Date('2026-11-26T15:00:00Z') }, now)).toEqual({
      text: 'Disabled',
      colour: 'grey',
    })
  })

  it('a lock still running says until when, in UK time', () => {
    expect(accountStatus({ disabled_at: null, locked_until: new Date('2026-11-26T14:15:00Z') }, now)).toEqual({
      text: 'Locked until 26 Nov 2026, 14:15',
      colour: 'red',
    })
  })

  it('a lock that has run out, or none, is active', () => {
    expect(accountStatus({ disabled_at: null, locked_until: new Date('2026-11-26T13:59:00Z') }, now)).toEqual({
      text: 'Active',
      colour: 'green',
    })
    expect(accountStatus({ disabled_at: null, locked_until: null }, now)).toEqual({ text: 'Active', colour: 'green' })
  })
})

describe('presentUserRow', () => {
  it('gives the labels, the areas in one line and the last sign-in', () => {
    expect(presentUserRow(row())).toEqual({
      id: 'u1',
      username: 'officer1',
      displayName: 'Sam Officer',
      role: 'IOM officer',
      agency: '',
      areas: 'Barking and Dagenham, Havering',
      status: { text: 'Active', colour: 'green' },
      lastSignIn: '20 Nov 2026, 09:30',
    })
  })

  it('names a partner user’s agency, and an account never used', () => {
    const shown = presentUserRow(row({ role: 'partner', agency: 'yos', last_sign_in_at: null }))
    expect(shown.agency).toBe('Youth offending service (YOS)')
    expect(shown.lastSignIn).toBe('Never')
  })
})

describe('presentUsersPage', () => {
  it('counts the pages, at least one', () => {
    expect(presentUsersPage([row()], 2, 101, 50)).toEqual({ users: [presentUserRow(row())], page: 2, pages: 3 })
    expect(presentUsersPage([], 1, 0, 50)).toEqual({ users: [], page: 1, pages: 1 })
  })
})

describe('accountFormValues', () => {
  it('fills the details form as a form sends it: strings, no agency as blank', () => {
    const user = {
      display_name: 'Sam Officer',
      role: 'supervisor' as const,
      agency: null,
      area_ids: ['a1', 'a2'],
      version: 7,
    }
    expect(accountFormValues(user)).toEqual({
      displayName: 'Sam Officer',
      role: 'supervisor',
      agency: '',
      areaIds: ['a1', 'a2'],
      version: '7',
    })
  })
})

describe('presentAccountNow', () => {
  it('shows the account as another administrator left it, and its version', () => {
    const { area_names: _areas, ...account } = row({ disabled_at: now })
    expect(presentAccountNow({ ...account, version: 4 })).toEqual({
      current: {
        ...presentUserRow(row({ disabled_at: now })),
        areas: '',
        status: { text: 'Disabled', colour: 'grey' },
      },
      currentVersion: 4,
    })
  })
})

describe('the account form’s options', () => {
  it('a BCU is offered as all of its boroughs', () => {
    expect(
      areaOptions([
        { id: 'b1', name: 'East Area', kind: 'bcu' },
        { id: 'a1', name: 'Havering', kind: 'borough' },
      ]),
    ).toEqual([
      { value: 'b1', text: 'East Area (all boroughs)' },
      { value: 'a1', text: 'Havering' },
    ])
  })

  it('every role is offered, and an agency only for a partner user', () => {
    expect(roleOptions.map((o) => o.value)).toContain('partner')
    expect(agencyOptions[0]).toEqual({ value: '', text: 'Not a partner user' })
  })
})
