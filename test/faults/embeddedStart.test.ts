import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { testSessionSecret } from '../helpers/constants.ts'
import { ensureBuilt } from './support/build.ts'
import { freePort } from './support/privatePostgres.ts'
import { Browser, send } from './support/http.ts'

// `npm start` as a newcomer runs it: the bundled build (dist/start/) over the embedded database
// in its own worker thread, on an empty data folder and then on the one it left. No other test
// runs this path: the other fault tests start dist/server/main.js on PostgreSQL.

const root = fileURLToPath(new URL('../..', import.meta.url))
const startScript = path.join(root, 'dist/server/cli/start.js')

let dataDir: string

type Started = { child: ChildProcess; baseUrl: string; output: () => string; exited: Promise<number | string> }

async function npmStart(): Promise<Started> {
  const port = await freePort()
  const child = spawn(process.execPath, [startScript], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      SESSION_SECRET: testSessionSecret,
      LOG_LEVEL: 'warn',
    },
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
    if (child.exitCode !== null) throw new Error(`npm start's app exited with ${child.exitCode}:\n${output}`)
    const reply = await send(baseUrl, { method: 'GET', path: '/sign-in', timeoutMs: 2_000 })
    if (reply.status === 200) break
    if (Date.now() > deadline) throw new Error(`npm start's app did not serve /sign-in within 90 s:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { child, baseUrl, output: () => output, exited }
}

async function stopCleanly(app: Started): Promise<number | string> {
  app.child.kill('SIGTERM')
  const killTimer = setTimeout(() => app.child.kill('SIGKILL'), 20_000)
  const code = await app.exited
  clearTimeout(killTimer)
  return code
}

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

describe('npm start on the embedded database', () => {
  it('serves the demo from the bundle on an empty data folder, stops cleanly, and starts again on what it left', async () => {
    await ensureBuilt()
    expect(existsSync(path.join(root, 'dist/start/main.js')), 'the build bundles the app for npm start').toBe(true)
    dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'cohort-npm-start-')), 'data')

    const first = await npmStart()
    const supervisor = await Browser.signIn(first.baseUrl, 'supervisor')
    const tasks = await supervisor.get('/tasks')
    expect(tasks.status).toBe(200)
    expect(tasks.body).toContain('Tasks')
    expect(await stopCleanly(first), first.output()).toBe(0)
    expect(existsSync(path.join(dataDir, 'pglite/PG_VERSION')), 'the cluster is on disk').toBe(true)

    const again = await npmStart()
    const dip = await Browser.signIn(again.baseUrl, 'dip')
    const appointments = await dip.get('/appointments')
    expect(appointments.status).toBe(200)
    expect(await stopCleanly(again), again.output()).toBe(0)
  })
})
