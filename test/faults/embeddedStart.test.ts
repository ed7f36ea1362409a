import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { testSessionSecret } from '../helpers/constants.ts'
import { ensureBuilt } from './support/build.ts'
import { spawnServing, type Serving } from './support/appProcess.ts'
import { Browser } from './support/http.ts'

// `npm start` as a newcomer runs it: the bundled build (dist/start/) over the embedded database
// in its own worker thread, on an empty data folder and then on the one it left. No other test
// runs this path: the other fault tests start dist/server/main.js on PostgreSQL.

const root = fileURLToPath(new URL('../..', import.meta.url))
const startScript = path.join(root, 'dist/server/cli/start.js')

let dataDir: string

async function npmStart(): Promise<Serving> {
  return spawnServing(
    [startScript],
    { NODE_ENV: 'development', DATA_DIR: dataDir, SESSION_SECRET: testSessionSecret, LOG_LEVEL: 'warn' },
    '/sign-in',
  )
}

async function stopCleanly(app: Serving): Promise<number | string> {
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
