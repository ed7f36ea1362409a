import argon2 from 'argon2'
import { estimateStrength, explainWeakness } from './passwordStrength.ts'

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

/** Lengths in characters (code points), so an emoji counts once. minScore is zxcvbn's 0–4 scale. */
export const passwordRules = { minLength: 12, maxLength: 128, minScore: 3 } as const

/** The product's own name: the first word anyone guessing a password for it would try. */
export const serviceName = 'Cohort'

/** Characters, not UTF-16 units: "😀" is one. */
export function characterCount(plain: string): number {
  return [...plain].length
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

// A l33t spelling of the name ("c0h0rt") is the name still.
const serviceNamePattern = /c[o0()]h[o0()]r[t7+]/gi

/** The password with the username and the service's name taken out: what is left must stand on its own. */
function withoutKnownWords(plain: string, username: string): string {
  const withoutName = plain.replace(serviceNamePattern, '')
  return username.trim() ? withoutName.replace(new RegExp(escapeRegExp(username.trim()), 'gi'), '') : withoutName
}

/**
 * NCSC guidance: length and a strength check against dictionaries of common passwords and
 * words, not composition rules. Returns the message to show, or undefined if the password will do.
 */
export async function passwordProblem(plain: string, username: string): Promise<string | undefined> {
  const length = characterCount(plain)
  if (length < passwordRules.minLength) return `Password must be ${passwordRules.minLength} characters or more`
  if (length > passwordRules.maxLength) return `Password must be ${passwordRules.maxLength} characters or fewer`
  if (plain.trim() === '') return 'Password must not be only spaces'
  if (new Set(plain).size === 1) return 'Password must not be one character repeated'

  const known = [username, serviceName]
  const whole = await estimateStrength(plain, known)
  if (whole.score < passwordRules.minScore) return explainWeakness(whole.feedback)
  // zxcvbn only lowers the score of a known word, and "Cohort2026!!" still scores well: the known
  // words count for nothing, so what is left must be long enough and strong on its own.
  const rest = withoutKnownWords(plain, username)
  if (
    rest !== plain &&
    (characterCount(rest) < passwordRules.minLength ||
      (await estimateStrength(rest, known)).score < passwordRules.minScore)
  ) {
    return 'Password is too easy to guess because it uses your username or the name of this service. Add 3 or more random words'
  }
  return undefined
}
