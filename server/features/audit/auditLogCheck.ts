import type { Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { checkpointSigned, compareWithCheckpoint, readLatestCheckpoint, type Checkpoint } from './auditCheckpoint.ts'
import { verifyAuditChain, type ChainCheck } from './auditChainVerify.ts'
import type { AuditKeyRing } from './auditKey.ts'

export type AuditLogOutcome =
  'intact' | 'chain broken' | 'does not match checkpoint' | 'checkpoint not signed' | 'no checkpoint'

export type AuditLogCheck = {
  outcome: AuditLogOutcome
  message: string
  chain: ChainCheck
  checkpoint: Checkpoint | null
}

/**
 * The chain against the keys, then its end against the latest signed checkpoint: what
 * `npm run audit:verify` reports, with one sentence that names the first thing wrong.
 */
export async function checkAuditLog(
  db: Kysely<Database>,
  options: { keys: AuditKeyRing; checkpointFile: string; parallel?: number },
): Promise<AuditLogCheck> {
  const chain = await verifyAuditChain(db, {
    keys: options.keys,
    ...(options.parallel ? { parallel: options.parallel } : {}),
  })
  if (chain.firstBrokenId) {
    return {
      outcome: 'chain broken',
      message: `audit chain BROKEN at row ${chain.firstBrokenId}: ${chain.reason}`,
      chain,
      checkpoint: null,
    }
  }
  const checkpoint = await readLatestCheckpoint(options.checkpointFile)
  if (!checkpoint) {
    return {
      outcome: 'no checkpoint',
      message: `no audit checkpoint in ${options.checkpointFile}: rows removed from the end of the log cannot be ruled out`,
      chain,
      checkpoint,
    }
  }
  if (!checkpointSigned(checkpoint, options.keys)) {
    return {
      outcome: 'checkpoint not signed',
      message: `the latest checkpoint in ${options.checkpointFile} (at ${checkpoint.at}) is not signed by a configured audit key`,
      chain,
      checkpoint,
    }
  }
  const missing = await compareWithCheckpoint(db, checkpoint, chain.lastId)
  if (missing) return { outcome: 'does not match checkpoint', message: missing, chain, checkpoint }
  return {
    outcome: 'intact',
    message: `audit chain intact up to row ${chain.lastId ?? 'none'}, matching the checkpoint at ${checkpoint.at}`,
    chain,
    checkpoint,
  }
}
