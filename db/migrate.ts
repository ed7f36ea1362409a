import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely'

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
    const files = (await readdir(migrationsFolder)).filter((f) => migrationFile.test(f)).sort()
    const migrations: Record<string, Migration> = {}
    for (const file of files) {
      const module = (await import(pathToFileURL(path.join(migrationsFolder, file)).href)) as Migration
      migrations[file.replace(/\.[jt]s$/, '')] = module
    }
    return migrations
  },
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: typescriptMigrations })
  const result = await migrator.migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')
    const cause = result.error instanceof Error ? result.error.message : JSON.stringify(result.error)
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, { cause: result.error })
  }
  return result
}
