import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readEmbeddedTemplate, saveEmbeddedTemplate } from '../../db/embeddedTemplate.ts'
import { migrateToLatest, migrationNames } from '../../db/migrate.ts'
import { createTestDatabase } from '../helpers/testDatabase.ts'

// The template a first start unpacks (decision 0120) is used only where it cannot be wrong: made
// by the installed PGlite, holding no migration the checkout lacks.

let folder: string
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'cohort-template-test-'))
})
afterEach(async () => {
  await rm(folder, { recursive: true, force: true })
})

const dump = () => new Blob([Buffer.from('a cluster, as PGlite dumps it')])

describe('the embedded template', () => {
  it('is read back when its migrations are the first of those on disk', async () => {
    const onDisk = await migrationNames()
    await saveEmbeddedTemplate(dump(), onDisk.slice(0, -1), folder)
    const read = await readEmbeddedTemplate(onDisk, folder)
    expect(read && Buffer.from(await read.arrayBuffer()).toString()).toBe('a cluster, as PGlite dumps it')
  })

  it('is not used when it holds a migration that is not on disk', async () => {
    const onDisk = await migrationNames()
    await saveEmbeddedTemplate(dump(), [...onDisk, '29991231T2359_from_a_later_checkout'], folder)
    expect(await readEmbeddedTemplate(onDisk, folder)).toBeUndefined()
  })

  it('is not used when another version of PGlite made it', async () => {
    const onDisk = await migrationNames()
    await saveEmbeddedTemplate(dump(), onDisk, folder)
    const manifestFile = path.join(folder, 'embedded-template.json')
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { pglite: string }
    await writeFile(manifestFile, JSON.stringify({ ...manifest, pglite: '0.0.1' }))
    expect(await readEmbeddedTemplate(onDisk, folder)).toBeUndefined()
  })

  it('is not there until one is made', async () => {
    expect(await readEmbeddedTemplate(await migrationNames(), folder)).toBeUndefined()
  })
})

describe('migrating a database that is up to date', () => {
  it('runs nothing and leaves the record of migrations as it was', async () => {
    const handle = await createTestDatabase()
    try {
      const result = await handle.asOwner(migrateToLatest)
      expect(result.results).toEqual([])
      const { rows } = await handle.pool.query<{ name: string }>('select name from kysely_migration order by name')
      expect(rows.map((r) => r.name)).toEqual(await migrationNames())
    } finally {
      await handle.close()
    }
  })
})
