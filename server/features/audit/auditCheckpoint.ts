import { appendFile, mkdir, open } from 'node:fs/promises'
import path from 'node:path'
import { sql, type Kysely } from 'kysely'
import { z } from 'zod'
import type { Database } from '../../../db/types.ts'
import type { Logger } from '../../logger.ts'
import { startRepeatingJob, type RepeatingJob } from '../../repeatingJob.ts'
import { sign, signatureMatches, type AuditKey, type AuditKeyRing } from './auditKey.ts'

/**
 * The head of the chain at a moment, signed with the audit key and kept outside the database:
 * rows removed from the end of the log, or a log rewritten up to the head, no longer match it.
 */
export type Checkpoint = {
  lastId: string | null
  lastHash: string | null
  at: string
  keyId: string
  signature: string
}

const checkpointSchema = z.object({
  lastId: z.string().regex(/^\d+$/).nullable(),
  lastHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  at: z.string().min(1).max(40),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signature: z.string().regex(/^[0-9a-f]{64}$/),
})

function signedText(c: Omit<Checkpoint, 'signature'>): string {
  return ['cohort audit checkpoint', c.lastId ?? '', c.lastHash ?? '', c.at, c.keyId].join('|')
}

export async function takeCheckpoint(db: Kysely<Database>, key: AuditKey, now = new Date()): Promise<Checkpoint> {
  // Ordered by the column, not by the text alias of the same name (as text, row 9 would come after row 38).
  const head = await sql<{
    id: string
    hash: string
  }>`select a.id::text as id, a.hash from audit_event a order by a.id desc limit 1`.execute(db)
  const unsigned = {
    lastId: head.rows[0]?.id ?? null,
    lastHash: head.rows[0]?.hash ?? null,
    at: now.toISOString(),
    keyId: key.id,
  }
  return { ...unsigned, signature: sign(key, signedText(unsigned)) }
}

/** One JSON line, appended (flag 'a': the file is only ever added to, never rewritten). */
export async function appendCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  await appendFile(file, `${JSON.stringify(checkpoint)}\n`, { flag: 'a', mode: 0o600 })
}

/** The last well-formed checkpoint in the file (a line torn by a crash is passed over), or null. */
export async function readLatestCheckpoint(file: string): Promise<Checkpoint | null> {
  let handle
  try {
    handle = await open(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  try {
    // The tail is enough: a line is about 250 bytes, and only the last one counts.
    const { size } = await handle.stat()
    const length = Math.min(size, 64 * 1024)
    const buffer = Buffer.alloc(length)
    await handle.read(buffer, 0, length, size - length)
    const lines = buffer.toString('utf8').split('\n').reverse()
    for (const line of lines) {
      try {
        const parsed = checkpointSchema.safeParse(JSON.parse(line))
        if (parsed.success) return parsed.data
      } catch {
        // not a whole line: the one before it is
      }
    }
    return null
  } finally {
    await handle.close()
  }
}

export function checkpointSigned(checkpoint: Checkpoint, keys: AuditKeyRing): boolean {
  const key = keys.byId.get(checkpoint.keyId)
  return key !== undefined && signatureMatches(key, signedText(checkpoint), checkpoint.signature)
}

/**
 * What the database lacks against the checkpoint, in words, or null when its head row is still
 * there with the hash that was signed. lastInDatabase is the last row the chain check found.
 */
export async function compareWithCheckpoint(
  db: Kysely<Database>,
  checkpoint: Checkpoint,
  lastInDatabase: string | null,
): Promise<string | null> {
  if (checkpoint.lastId === null) return null
  const at = `checkpoint at ${checkpoint.at}`
  if (lastInDatabase === null || BigInt(lastInDatabase) < BigInt(checkpoint.lastId)) {
    const from = lastInDatabase === null ? 'from the first' : String(BigInt(lastInDatabase) + 1n)
    return `rows ${from}–${checkpoint.lastId} missing after ${at}; last row in database is ${lastInDatabase ?? 'none (the log is empty)'}`
  }
  const row = await sql<{ hash: string }>`select hash from audit_event where id = ${checkpoint.lastId}::int8`.execute(
    db,
  )
  const hash = row.rows[0]?.hash
  if (hash === undefined) return `row ${checkpoint.lastId}, the last row at the ${at}, is missing`
  if (hash !== checkpoint.lastHash)
    return `row ${checkpoint.lastId} no longer has the hash signed in the ${at}: the log up to it was rewritten`
  return null
}

export type AuditCheckpoints = RepeatingJob

/**
 * Writes a signed checkpoint now, every intervalMs, and once more at stop(), to the file and to
 * the log. The timer is unref'd and stop() ends it, as the sealer's is.
 */
export function startAuditCheckpoints(
  db: Kysely<Database>,
  options: { keys: AuditKeyRing; file: string; intervalMs: number; logger: Logger },
): AuditCheckpoints {
  const { keys, file, intervalMs, logger } = options
  const write = async () => {
    const checkpoint = await takeCheckpoint(db, keys.current)
    await appendCheckpoint(file, checkpoint)
    logger.info({ auditCheckpoint: checkpoint }, 'audit checkpoint')
  }
  return startRepeatingJob({
    name: 'audit checkpoints',
    intervalMs,
    logger,
    run: write,
    meanwhile: `the next one goes to ${file} when writing succeeds`,
    atStop: write,
  })
}
