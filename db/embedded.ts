import { access, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import type { PGlite } from '@electric-sql/pglite'

export type EmbeddedPostgres = {
  url: string
  /**
   * The database itself, in this thread. A cluster on disk is opened in a worker thread, where
   * this is not at hand: reading it there throws (only in-memory databases are dumped or inspected).
   */
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
  if (!options.dataDir) return startHere(options)
  const dataDir = path.resolve(options.dataDir)
  // PGlite creates only the last folder of its path.
  await mkdir(path.dirname(dataDir), { recursive: true })
  let loadDataDir = options.loadDataDir
  if (!loadDataDir && !(await isCluster(dataDir))) {
    const [{ readEmbeddedTemplate }, { migrationNames }] = await Promise.all([
      import('./embeddedTemplate.ts'),
      import('./migrate.ts'),
    ])
    loadDataDir = await readEmbeddedTemplate(await migrationNames())
  }
  const start = { dataDir, maxConnections: options.maxConnections, ...(loadDataDir ? { loadDataDir } : {}) }
  // Run from the sources (npm run dev), a worker would lack the TypeScript loader: then here.
  return import.meta.url.endsWith('.js') ? startInWorker(start) : startHere(start)
}

async function startHere(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  // Loaded here, not at the top: a cluster on disk is opened in a worker, and the main thread
  // then never needs PGlite's modules.
  const [{ PGlite }, { pg_trgm }, { PGLiteSocketServer }, { keepProtocolBatchesTogether }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite-socket'),
    import('./embeddedQueue.ts'),
  ])
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    // A cluster on disk is the demo's or a small service's, tens of megabytes: a 32 MB buffer
    // cache holds its working set, and PGlite zeroes the default 128 MB at every start (decision 0121).
    ...(options.dataDir ? { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'] } : {}),
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

// A cluster on disk (the app, the commands) is opened in a worker thread. Opening it is most of a
// second of WebAssembly on the thread that runs it, and the app's modules take as long to load:
// on their own threads the two overlap (decision 0121). The app reaches the database through the
// socket server either way, so nothing else changes.

type WorkerStart = { cohortEmbedded: true; dataDir: string; maxConnections: number; template?: ArrayBuffer }
type FromWorker = { ready: string } | { failed: string }

async function startInWorker(options: EmbeddedOptions & { dataDir: string }): Promise<EmbeddedPostgres> {
  const start: WorkerStart = {
    cohortEmbedded: true,
    dataDir: options.dataDir,
    maxConnections: options.maxConnections,
    ...(options.loadDataDir ? { template: await options.loadDataDir.arrayBuffer() } : {}),
  }
  const worker = new Worker(new URL(import.meta.url), {
    workerData: start,
    ...(start.template ? { transferList: [start.template] } : {}),
  })
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve))
  let stopping = false
  const url = await new Promise<string>((resolve, reject) => {
    const onMessage = (message: FromWorker) => {
      if ('ready' in message) resolve(message.ready)
      else if ('failed' in message) reject(new Error(message.failed))
    }
    worker.on('message', onMessage)
    worker.once('error', reject)
    void exited.then((code) => reject(new Error(`the embedded database's worker exited (${code}) before it was ready`)))
  })
  // As when PGlite ran on the main thread: the database failing takes the process with it.
  worker.on('error', (error) => {
    if (!stopping)
      process.nextTick(() => {
        throw error
      })
  })
  void exited.then((code) => {
    if (!stopping)
      process.nextTick(() => {
        throw new Error(`the embedded database's worker exited (${code})`)
      })
  })
  return {
    url,
    get pglite(): PGlite {
      throw new Error('The embedded database runs in a worker thread: its PGlite is not reachable from here')
    },
    async stop() {
      stopping = true
      worker.postMessage('stop')
      const code = await exited
      if (code !== 0) throw new Error(`the embedded database did not close cleanly (its worker exited ${code})`)
    },
  }
}

async function serveInWorker(start: WorkerStart): Promise<void> {
  const port = parentPort!
  try {
    const embedded = await startHere({
      dataDir: start.dataDir,
      ...(start.template ? { loadDataDir: new Blob([start.template]) } : {}),
      maxConnections: start.maxConnections,
    })
    port.on('message', (message) => {
      if (message !== 'stop') return
      // process.exit in a worker ends the worker only; PGlite may leave a timer that would keep it.
      embedded.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          throw error
        },
      )
    })
    port.postMessage({ ready: embedded.url } satisfies FromWorker)
  } catch (error) {
    port.postMessage({
      failed: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } satisfies FromWorker)
    process.exit(1)
  }
}

if (!isMainThread && (workerData as Partial<WorkerStart> | null)?.cohortEmbedded === true)
  void serveInWorker(workerData as WorkerStart)

/** Whether the folder already holds a cluster (PostgreSQL writes PG_VERSION first). */
async function isCluster(dataDir: string): Promise<boolean> {
  try {
    await access(path.join(dataDir, 'PG_VERSION'))
    return true
  } catch {
    return false
  }
}
