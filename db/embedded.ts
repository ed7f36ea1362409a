import { access, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { keepProtocolBatchesTogether } from './embeddedQueue.ts'
import { readEmbeddedTemplate } from './embeddedTemplate.ts'
import { migrationNames } from './migrate.ts'

export type EmbeddedPostgres = {
  url: string
  pglite: PGlite
  stop(): Promise<void>
}

export type EmbeddedOptions = {
  /** Folder for the data; undefined keeps the database in memory (tests). */
  dataDir?: string
  /** A tarball from dumpDataDir to start from (tests clone a migrated template this way). */
  loadDataDir?: Blob
  maxConnections: number
}

/**
 * PGlite (PostgreSQL compiled to WASM) behind a socket server on a free loopback port,
 * so the app talks to it through the ordinary pg driver, exactly as to a real server.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  let loadDataDir = options.loadDataDir
  if (options.dataDir) {
    // PGlite creates only the last folder of its path.
    await mkdir(path.dirname(path.resolve(options.dataDir)), { recursive: true })
    if (!loadDataDir && !(await isCluster(options.dataDir)))
      loadDataDir = await readEmbeddedTemplate(await migrationNames())
  }
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: path.resolve(options.dataDir) } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    extensions: { pg_trgm },
  })
  const server = new PGLiteSocketServer({
    db: pglite,
    host: '127.0.0.1',
    port: 0,
    maxConnections: options.maxConnections,
  })
  keepProtocolBatchesTogether(server)
  await server.start()
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    pglite,
    async stop() {
      await server.stop()
      await pglite.close()
    },
  }
}

/** Whether the folder already holds a cluster (PostgreSQL writes PG_VERSION first). */
async function isCluster(dataDir: string): Promise<boolean> {
  try {
    await access(path.join(dataDir, 'PG_VERSION'))
    return true
  } catch {
    return false
  }
}
