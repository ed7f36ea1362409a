import { migrateToLatest } from '../../db/migrate.ts'
import { seedDemo } from '../../db/seed/demo.ts'
import { openCliDatabase, runCli } from './cliDatabase.ts'

runCli(async () => {
  const { config, database } = await openCliDatabase()
  if (config.env === 'production') {
    console.error('Refusing to seed demo data: NODE_ENV=production')
    return 1
  }
  try {
    await database.asOwner(migrateToLatest)
    const accounts = await seedDemo(database.db, { password: config.demoPassword })
    console.log(`${database.description}: ${accounts.length} demo account(s) added${accounts.length ? ` (${accounts.map((a) => a.username).join(', ')})` : ' (they were there already)'}`)
    return 0
  } finally {
    await database.close()
  }
})
