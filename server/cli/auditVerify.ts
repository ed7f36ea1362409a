import os from 'node:os'
import { checkAuditLog, type AuditLogOutcome } from '../features/audit/auditLogCheck.ts'
import { openCliDatabase, runCli } from './cliDatabase.ts'

// One range per core at a time: hashing is the work, and each backend hashes one range.
const parallel = Math.min(os.availableParallelism(), 8)

const exitCodes: Record<AuditLogOutcome, number> = {
  intact: 0,
  'chain broken': 2,
  'does not match checkpoint': 3,
  'checkpoint not signed': 3,
  'no checkpoint': 4,
}

runCli(async () => {
  // Never a new key here: one made now would match nothing in the log.
  const { config, database, auditKeys: keys } = await openCliDatabase({ poolMax: parallel, auditKeys: 'existing' })
  try {
    if (!keys) throw new Error('No audit key: set AUDIT_KEY (and AUDIT_PREVIOUS_KEYS) as the app has them')
    const started = Date.now()
    const result = await checkAuditLog(database.db, { keys, checkpointFile: config.audit.checkpointFile, parallel })
    const summary = `(${result.chain.rowsChecked} rows checked in ${((Date.now() - started) / 1000).toFixed(1)} s)`
    if (result.outcome === 'intact') console.log(`${result.message} ${summary}`)
    else console.error(`Audit log check FAILED: ${result.message} ${summary}`)
    return exitCodes[result.outcome]
  } finally {
    await database.close()
  }
})
