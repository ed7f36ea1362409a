import { readFileSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// A first start on an empty data folder spent about 5 of its 12 seconds in PGlite's initdb and
// over a second in the migrations. `npm install` (the prepare script) now makes a migrated, empty
// cluster once and keeps it here; a first start unpacks it (about a second) and migrates whatever
// came after it (decision 0120). It holds no users, keys or secrets: those are made at the start.

/** node_modules/.cache, where tools keep what they can make again; one folder up from db/, two from dist/db/. */
const repositoryRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  import.meta.url.endsWith('.js') ? '../..' : '..',
)
const cacheFolder = path.join(repositoryRoot, 'node_modules', '.cache', 'cohort')
const archiveIn = (folder: string) => path.join(folder, 'embedded-template.tar.gz')
const manifestIn = (folder: string) => path.join(folder, 'embedded-template.json')

type Manifest = { pglite: string; migrations: string[] }

/** The data format is PGlite's: a template from another version of it is not read. */
function pgliteVersion(): string {
  // The package exports no ./package.json, so it is read from where the install put it.
  const require = createRequire(import.meta.url)
  const entry = require.resolve('@electric-sql/pglite')
  const packageJson = path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`)), 'package.json')
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version
}

/** Keeps a dump of a freshly migrated cluster and the migrations it has run. */
export async function saveEmbeddedTemplate(dump: Blob, migrations: string[], folder = cacheFolder): Promise<string> {
  const archive = archiveIn(folder)
  await mkdir(folder, { recursive: true })
  // Written aside and renamed, so that a start never reads half a template.
  await writeFile(`${archive}.partial`, Buffer.from(await dump.arrayBuffer()))
  await rename(`${archive}.partial`, archive)
  const manifest: Manifest = { pglite: pgliteVersion(), migrations }
  await writeFile(manifestIn(folder), JSON.stringify(manifest))
  return archive
}

/**
 * The template, if there is one this PGlite can read whose migrations are the first of those on
 * disk (a template from a later checkout, with migrations this one lacks, is not used).
 */
export async function readEmbeddedTemplate(
  migrationsOnDisk: readonly string[],
  folder = cacheFolder,
): Promise<Blob | undefined> {
  try {
    const manifest = JSON.parse(await readFile(manifestIn(folder), 'utf8')) as Manifest
    if (manifest.pglite !== pgliteVersion()) return undefined
    if (!manifest.migrations.every((name, i) => migrationsOnDisk[i] === name)) return undefined
    return new Blob([await readFile(archiveIn(folder))])
  } catch {
    return undefined
  }
}
