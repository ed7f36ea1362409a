import { parseArgs } from 'node:util'
import { migrateToLatest } from '../../db/migrate.ts'
import { seedDemo } from '../../db/seed/demo.ts'
import { defaultVolumeSeed, generateVolume } from '../../db/seed/volume/index.ts'
import { openCliDatabase, runCli } from './cliDatabase.ts'

const usage = `npm run db:seed [-- --people N [--seed S] [--audit-rows M]]
  without options   the schema, the demo accounts and the demo caseload
  --people N        then a synthetic population of N people (up to 1,000,000)
  --seed S          which population (default ${defaultVolumeSeed}); the same seed gives the same rows
  --audit-rows M    also M audit rows over the last two years, hash-chained`

function wholeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const clean = value.replaceAll('_', '').replaceAll(',', '')
  if (!/^\d+$/.test(clean)) throw new Error(`${name} must be a whole number, not "${value}"\n${usage}`)
  return Number(clean)
}

runCli(async () => {
  const { values } = parseArgs({
    options: {
      people: { type: 'string' },
      seed: { type: 'string' },
      'audit-rows': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  })
  if (values.help) {
    console.log(usage)
    return 0
  }
  const people = wholeNumber('--people', values.people)
  const seed = wholeNumber('--seed', values.seed)
  const auditRows = wholeNumber('--audit-rows', values['audit-rows'])
  if ((seed !== undefined || auditRows !== undefined) && people === undefined)
    throw new Error(`--seed and --audit-rows go with --people\n${usage}`)

  const { config, database } = await openCliDatabase()
  if (config.env === 'production') {
    console.error('Refusing to seed demo data: NODE_ENV=production')
    return 1
  }
  try {
    await database.asOwner(migrateToLatest)
    const accounts = await seedDemo(database.db, { password: config.demoPassword })
    console.log(
      `${database.description}: ${accounts.length} demo account(s) added${accounts.length ? ` (${accounts.map((a) => a.username).join(', ')})` : ' (they were there already)'}`,
    )
    if (people !== undefined) {
      const started = Date.now()
      // The generator steps around triggers while it loads: the owner's work, like migrations.
      const result = await database.asOwner((owner) =>
        generateVolume(owner, {
          people,
          ...(seed !== undefined ? { seed } : {}),
          ...(auditRows ? { auditRows } : {}),
          password: config.demoPassword,
        }),
      )
      const total = result.rows.reduce((sum, step) => sum + step.rows, 0)
      console.log(
        `Synthetic population of seed ${result.seed}: ${people.toLocaleString('en-GB')} people, ${total.toLocaleString('en-GB')} rows in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      )
    }
    return 0
  } finally {
    await database.close()
  }
})
