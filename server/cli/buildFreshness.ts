import { spawn } from 'node:child_process'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// The repository's top level: two folders up from server/cli/, three from the build's dist/server/cli/.
const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  import.meta.url.endsWith('.js') ? '../../..' : '../..',
)
/** The build's entry, as `npm start` and `npm run start:prod` run it. */
export const builtMain = path.join(root, 'dist/server/main.js')
const sources = ['server', 'db', 'migrations']
const buildConfig = ['tsconfig.json', 'tsconfig.build.json', 'package.json']

let building: Promise<boolean> | undefined

/**
 * Runs `npm run build` when dist/ is missing or older than any source, once per process, so that
 * `npm start`, the fault tests and the benchmark run the production path without a step to
 * remember. Resolves true if it built.
 */
export function ensureBuilt(options: { onBuild?: () => void; output?: 'inherit' | 'pipe' } = {}): Promise<boolean> {
  building ??= buildIfStale(options)
  return building
}

async function buildIfStale(options: { onBuild?: () => void; output?: 'inherit' | 'pipe' }): Promise<boolean> {
  const builtAt = await modifiedAt(builtMain)
  if (builtAt !== undefined && (await newestSource()) <= builtAt) return false
  options.onBuild?.()
  await runBuild(options.output ?? 'pipe')
  return true
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
  const files = buildConfig.map((file) => path.join(root, file))
  for (const folder of sources) {
    const entries = await readdir(path.join(root, folder), { recursive: true })
    files.push(...['', ...entries].map((entry) => path.join(root, folder, entry)))
  }
  const times = await Promise.all(files.map(modifiedAt))
  return Math.max(0, ...times.map((t) => t ?? 0))
}

function runBuild(output: 'inherit' | 'pipe'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', output, output] })
    let printed = ''
    child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm run build failed (exit ${code}):\n${printed}`)),
    )
  })
}
