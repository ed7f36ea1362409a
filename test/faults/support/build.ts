import { spawn } from 'node:child_process'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../..', import.meta.url))
/** What the processes started here run: the build's entry, as `npm run start:prod` runs it. */
export const builtMain = path.join(root, 'dist/server/main.js')
const sources = ['server', 'db', 'migrations']
const buildConfig = ['tsconfig.json', 'tsconfig.build.json', 'package.json']

let building: Promise<void> | undefined

/**
 * Runs `npm run build` when dist/ is missing or older than any source, once per process, so that
 * the fault tests and the benchmark exercise the production path without a step to remember.
 */
export function ensureBuilt(): Promise<void> {
  building ??= buildIfStale()
  return building
}

async function buildIfStale(): Promise<void> {
  const builtAt = await modifiedAt(builtMain)
  if (builtAt !== undefined && (await newestSource()) <= builtAt) return
  await runBuild()
}

async function modifiedAt(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mtimeMs
  } catch {
    return undefined
  }
}

// Folders count too: deleting a migration changes its folder's time, not any file's.
async function newestSource(): Promise<number> {
  let newest = 0
  for (const folder of sources) {
    const entries = await readdir(path.join(root, folder), { recursive: true })
    for (const entry of ['', ...entries])
      newest = Math.max(newest, (await modifiedAt(path.join(root, folder, entry))) ?? 0)
  }
  for (const file of buildConfig) newest = Math.max(newest, (await modifiedAt(path.join(root, file))) ?? 0)
  return newest
}

function runBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm run build failed (exit ${code}):\n${output}`)),
    )
  })
}
