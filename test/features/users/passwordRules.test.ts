import { describe, expect, it } from 'vitest'
import { characterCount, passwordProblem } from '../../../server/auth/passwords.ts'

const username = 'jsmith42'

describe('the rules a new password must meet', () => {
  it('twelve spaces, or any whitespace only, is refused', async () => {
    expect(await passwordProblem(' '.repeat(12), username)).toBe('Password must not be only spaces')
    expect(await passwordProblem(' \t \u00a0'.repeat(5), username)).toBe('Password must not be only spaces')
  })

  it('one character repeated is refused, whatever the character', async () => {
    expect(await passwordProblem('a'.repeat(14), username)).toBe('Password must not be one character repeated')
    expect(await passwordProblem('😀'.repeat(12), username)).toBe('Password must not be one character repeated')
  })

  it('length is counted in characters, so an emoji counts once', async () => {
    // Eleven emoji are 22 UTF-16 units but 11 characters: too short.
    expect('🐙'.repeat(11)).toHaveLength(22)
    expect(characterCount('🐙'.repeat(11))).toBe(11)
    expect(await passwordProblem('🐙🦑🐠🦀🐡🐚🦞🦐🐬🐳🦈', username)).toBe('Password must be 12 characters or more')
    // 128 emoji (256 units) is within the limit; 129 is one too many.
    const many = (n: number) => Array.from({ length: n }, (_, i) => String.fromCodePoint(0x1f400 + (i % 60))).join('')
    expect(await passwordProblem(many(129), username)).toBe('Password must be 128 characters or fewer')
    expect(await passwordProblem(many(128), username)).toBeUndefined()
  })

  it.each([
    'password1234',
    'Password1234',
    'p@ssw0rd1234',
    'qwertyuiop12',
    '1q2w3e4r5t6y',
    'iloveyou1234',
    'passwordpassword',
  ])('a common password, "%s", is refused with the reason', async (password) => {
    expect(await passwordProblem(password, username)).toMatch(/^Password is too easy to guess because it (is|repeats)/)
  })

  it.each(['jsmith42-and-more', 'JSMITH42 rules ok', 'my name is jsmith42'])(
    'a password built on the username, "%s", is refused',
    async (password) => {
      expect(await passwordProblem(password, username)).toBe(
        'Password is too easy to guess because it uses your username or the name of this service. Add 3 or more random words',
      )
    },
  )

  it.each(['Cohort2026!!', 'cohort-demo-1234', 'COHORT password', 'c0h0rt123456', 'cohortcohortcohort'])(
    'a password built on the name of the service, "%s", is refused',
    async (password) => {
      expect(await passwordProblem(password, username)).toMatch(
        /^Password is too easy to guess because it (uses your username or the name of this service|repeats)/,
      )
    },
  )

  it('the reason is plain English, never one of the strength checker’s keys', async () => {
    const message = await passwordProblem('abcdefghijklmnop', username)
    expect(message).toBe(
      'Password is too easy to guess because it uses a common sequence, like "abc" or "123". Do not use common sequences of characters',
    )
  })

  it.each([
    'trombone kettle orchard',
    'correct horse battery staple',
    'my cohort of seven purple elephants',
    '🐙🦑🐠🦀 octopus squid fish crab',
  ])('a good passphrase, "%s", passes', async (password) => {
    expect(await passwordProblem(password, username)).toBeUndefined()
  })
})
