import argon2 from 'argon2'
import { commonPasswords } from './commonPasswords.ts'

// OWASP's argon2id baseline (19 MiB, 2 passes) keeps a sign-in near 50 ms on two cores.
const hashOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, hashOptions)
}

export async function verifyPassword(hash: string, plain: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, plain)
  } catch {
    return false
  }
}

let dummyHash: Promise<string> | undefined
/** Verifies against a throwaway hash so an unknown username costs the same time as a wrong password. */
export async function burnVerification(plain: string): Promise<void> {
  dummyHash ??= hashPassword('not-a-real-password-used-for-timing-only')
  await verifyPassword(await dummyHash, plain)
}

export const passwordRules = { minLength: 12, maxLength: 128 } as const

/** NCSC guidance: length and a deny-list, not composition rules. Returns a message or undefined. */
export function passwordProblem(plain: string, username: string): string | undefined {
  if (plain.length < passwordRules.minLength) {
    return `Password must be ${passwordRules.minLength} characters or more`
  }
  if (plain.length > passwordRules.maxLength) {
    return `Password must be ${passwordRules.maxLength} characters or fewer`
  }
  const lowered = plain.toLowerCase()
  if (commonPasswords.has(lowered) || lowered.includes(username.toLowerCase())) {
    return 'Password is too easy to guess: choose a longer phrase that is not your username or a common password'
  }
  return undefined
}
