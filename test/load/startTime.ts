/**
 * How long `npm start` takes to serve the sign-in page: on an empty data folder (the first start:
 * the embedded database made, migrated and seeded with the demo) and again with that folder in
 * place (a restart).
 *
 *   npx tsx test/load/startTime.ts [--runs 3]
 *
 * Each start is timed from spawning `npm start`, as a person types it, to the first 200 from
 * GET /sign-in; the app is then stopped with SIGTERM and waited for. The build and the embedded
 * template that `npm install` makes are brought up to date first, so no start times a build.
 * Figures only: no assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from '../../server/cli/buildFreshness.ts'
import { loadAverage } from './benchSupport.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

async function timeStart(dataDir: string): Promise<number> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  })
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`)
      const answer = await fetch(`http://127.0.0.1:${port}/sign-in`).catch(() => undefined)
      if (answer?.status === 200) return performance.now() - started
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  } finally {
    await stop(child)
  }
}

/** SIGTERM to npm and the app under it (one process group), then waits for every one of them to go. */
async function stop(child: ChildProcess): Promise<void> {
  const group = -child.pid!
  const alive = () => {
    try {
      process.kill(group, 0)
      return true
    } catch {
      return false
    }
  }
  if (alive()) process.kill(group, 'SIGTERM')
  // npm goes at once; the app first finishes its requests and closes its database.
  while (alive()) await new Promise((resolve) => setTimeout(resolve, 50))
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function main(): Promise<void> {
  const at = process.argv.indexOf('--runs')
  const runs = at >= 0 ? Number(process.argv[at + 1]) : 3
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number above 0')
  if (await ensureBuilt()) console.log('Built dist/ first (a source was newer than the build)')
  await new Promise<void>((resolve, reject) => {
    // The template is what `npm install` makes; made again here in case it is missing or stale.
    const prepare = spawn(process.execPath, ['dist/server/cli/prepareEmbedded.js'], { cwd: root, stdio: 'ignore' })
    prepare.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`prepareEmbedded exited ${code}`))))
  })
  const first: number[] = []
  const restart: number[] = []
  for (let run = 1; run <= runs; run++) {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'cohort-start-'))
    try {
      first.push(await timeStart(path.join(folder, 'data')))
      restart.push(await timeStart(path.join(folder, 'data')))
      console.log(
        `  run ${run}: first start ${(first.at(-1)! / 1000).toFixed(2)} s, restart ${(restart.at(-1)! / 1000).toFixed(2)} s (${loadAverage()})`,
      )
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  }
  console.log(
    `npm start to the sign-in page, median of ${runs}: first start ${(median(first) / 1000).toFixed(2)} s, restart ${(median(restart) / 1000).toFixed(2)} s (Node ${process.version}, ${os.cpus().length} CPUs)`,
  )
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
