import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { testSessionSecret } from '../../helpers/constants.ts'
import { testAuditKey } from '../../helpers/testDatabase.ts'
import { builtMain, ensureBuilt } from './build.ts'
import { freePort } from './privatePostgres.ts'
import { send } from './http.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))

export type AppProcess = {
  baseUrl: string
  port: number
  /** Its DATA_DIR (the audit checkpoints are written there), removed by stop(). */
  dataDir: string
  child: ChildProcess
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>
  alive(): boolean
  /** Everything the process printed (pino's JSON lines and anything else). */
  output(): string
  stop(): Promise<void>
}

/** A process of the app's on a free port, its output kept, once `readyPath` answers 200. */
export type Serving = {
  child: ChildProcess
  baseUrl: string
  port: number
  output: () => string
  exited: Promise<number | string>
}

/** Runs node with `args` (a script of the build, and node's own flags before it) and waits until it serves `readyPath`. */
export async function spawnServing(args: string[], env: Record<string, string>, readyPath: string): Promise<Serving> {
  const port = await freePort()
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  )
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`The app exited with ${child.exitCode} before it was ready:\n${output}`)
    const reply = await send(baseUrl, { method: 'GET', path: readyPath, timeoutMs: 2_000 })
    if (reply.status === 200) break
    if (Date.now() > deadline) throw new Error(`The app was not ready within 90 s:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { child, baseUrl, port, output: () => output, exited }
}

/**
 * The real app, started as `npm run start:prod` starts it (node over the build, dist/server/main.js,
 * built first if missing or stale) in a process of its own, on a free port, and ready once /health
 * answers 200: the production path is the one under test.
 */
export async function startAppProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<AppProcess> {
  await ensureBuilt()
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cohort-faults-app-'))
  const { child, baseUrl, port, output, exited } = await spawnServing(
    [...nodeArgs, builtMain],
    {
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      SESSION_SECRET: testSessionSecret,
      // The key the tests seal with too (sealAsTheApp), so that they can seal what the app wrote.
      AUDIT_KEY: testAuditKey,
      LOG_LEVEL: 'warn',
      SIGN_IN_RATE_LIMIT: '1000',
      ...env,
    },
    '/health',
  )

  return {
    baseUrl,
    port,
    dataDir,
    child,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const killTimer = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(killTimer)
      }
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
