import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely'

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations')
const migrationFile = /^\d{8}T\d{4}_[a-z0-9_]+\.[jt]s$/

/**
 * Kysely's FileMigrationProvider imports with the runtime's own import(), which cannot load
 * TypeScript under the test runner; importing from here goes through whichever loader runs us.
 * From source the folder holds .ts files, from the build (dist/migrations) the same names as .js:
 * the name without its extension is the migration's name either way, so a database migrated by
 * one is up to date for the other.
 */
const typescriptMigrations: MigrationProvider = {
  async getMigrations() {
    const migrations: Record<string, Migration> = {}
    for (const file of await migrationFiles()) {
      const module = (await import(pathToFileURL(path.join(migrationsFolder, file)).href)) as Migration
      migrations[migrationName(file)] = module
    }
    return migrations
  },
}

async function migrationFiles(): Promise<string[]> {
  return (await readdir(migrationsFolder)).filter((f) => migrationFile.test(f)).sort()
}

const migrationName = (file: string) => file.replace(/\.[jt]s$/, '')

/** The migrations on disk by name, in the order they run, without loading them. */
export async function migrationNames(): Promise<string[]> {
  return (await migrationFiles()).map(migrationName)
}

/**
 * Whether the database has run exactly the migrations on disk, read without loading them: every
 * start but the first finds it so, and loading the migration modules and taking the migrator's
 * lock would cost most of a second of the start (decision 0120). Read-only, so two instances
 * starting together may both ask; any difference goes to the migrator, which locks.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function hasRunEveryMigration(db: Kysely<any>): Promise<boolean> {
  try {
    const table = await sql<{
      present: boolean
    }>`select to_regclass('kysely_migration') is not null as present`.execute(db)
    if (!table.rows[0]?.present) return false
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)
    const onDisk = await migrationNames()
    return applied.rows.length === onDisk.length && applied.rows.every((row, i) => row.name === onDisk[i])
  } catch {
    // A role that may not read the migrator's table: the migrator, as the owner, will tell.
    return false
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  if (await hasRunEveryMigration(db)) return { results: [] }
  const migrator = new Migrator({ db, provider: typescriptMigrations })
  const result = await migrator.migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')
    const cause = result.error instanceof Error ? result.error.message : JSON.stringify(result.error)
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, { cause: result.error })
  }
  return result
}
