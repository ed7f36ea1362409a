import { verifyAuditChain } from '../features/audit/auditRepository.ts'
import { openCliDatabase, runCli } from './cliDatabase.ts'

runCli(async () => {
  const { database } = await openCliDatabase()
  try {
    const started = Date.now()
    const check = await verifyAuditChain(database.db)
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    if (check.firstBrokenId) {
      console.error(`Audit chain BROKEN at row ${check.firstBrokenId}: ${check.reason} (${check.rowsChecked} rows checked in ${seconds} s)`)
      return 2
    }
    console.log(`Audit chain intact: ${check.rowsChecked} rows checked in ${seconds} s`)
    return 0
  } finally {
    await database.close()
  }
})
