import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { resolveKeptSecret } from '../../sessionSecret.ts'

/** One HMAC key for the audit chain. Its id names it in the database; the secret never goes there. */
export type AuditKey = Readonly<{ id: string; secret: Buffer }>

/** The key that seals new rows and signs checkpoints, and the earlier ones verify still needs. */
export type AuditKeyRing = Readonly<{ current: AuditKey; byId: ReadonlyMap<string, AuditKey> }>

const blockSize = 64

export function auditKey(secret: string): AuditKey {
  const bytes = Buffer.from(secret, 'utf8')
  // A keyed hash of a fixed text: names the key without saying anything about it.
  const id = createHmac('sha256', bytes).update('cohort audit key id').digest('hex').slice(0, 16)
  return Object.freeze({ id, secret: bytes })
}

export function auditKeyRing(current: string, previous: readonly string[] = []): AuditKeyRing {
  const keys = [current, ...previous].map(auditKey)
  return Object.freeze({ current: keys[0]!, byId: new Map(keys.map((key) => [key.id, key])) })
}

/**
 * (K xor ipad) || (K xor opad), 128 bytes: with them the database's sha256() computes
 * HMAC-SHA256(K, m) = sha256(opad' || sha256(ipad' || m)), as RFC 2104 defines it.
 */
export function hmacPads(key: AuditKey): Buffer {
  const block = Buffer.alloc(blockSize)
  const k = key.secret.length > blockSize ? createHash('sha256').update(key.secret).digest() : key.secret
  k.copy(block)
  const pads = Buffer.alloc(blockSize * 2)
  for (let i = 0; i < blockSize; i += 1) {
    pads[i] = block[i]! ^ 0x36
    pads[blockSize + i] = block[i]! ^ 0x5c
  }
  return pads
}

export function sign(key: AuditKey, text: string): string {
  return createHmac('sha256', key.secret).update(text, 'utf8').digest('hex')
}

export function signatureMatches(key: AuditKey, text: string, signature: string): boolean {
  const expected = Buffer.from(sign(key, text), 'hex')
  const given = Buffer.from(signature, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/**
 * AUDIT_KEY, or audit.key in DATA_DIR, made on first start as the session secret is; earlier keys
 * (AUDIT_PREVIOUS_KEYS) only verify the rows they sealed. The verifier passes generate: false, so
 * that a missing key is an error and not a new key that matches nothing.
 */
export async function resolveAuditKeys(options: {
  configured: string | undefined
  previous: readonly string[]
  dataDir: string
  production: boolean
  generate?: boolean
}): Promise<AuditKeyRing> {
  const current = await resolveKeptSecret({
    configured: options.configured,
    dataDir: options.dataDir,
    production: options.production,
    variable: 'AUDIT_KEY',
    fileName: 'audit.key',
    generate: options.generate ?? true,
  })
  return auditKeyRing(current, options.previous)
}

// The process's keys, set once by whatever opens the database (the composition root, a command,
// a test's database): the log is sealed by many readers, and each seals with these.
let processKeys: AuditKeyRing | undefined

export function useAuditKeys(keys: AuditKeyRing | undefined): void {
  processKeys = keys
}

export function processAuditKeys(): AuditKeyRing | undefined {
  return processKeys
}
