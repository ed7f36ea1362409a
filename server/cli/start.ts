import { stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { builtMain, ensureBuilt } from './buildFreshness.ts'

// `npm start`: the app from its build (dist/, made by `npm install`), as production runs it,
// since running the TypeScript through a loader took over a second of every start (decision
// 0120). A source newer than the build is built first, so an edit is never silently ignored;
// `npm run dev` runs the sources themselves, restarting on each change.
await ensureBuilt({
  output: 'inherit',
  onBuild: () => process.stdout.write('Sources changed since the last build: building dist/ first (npm run build)\n'),
})

// The build bundled (dist/start/, by bundleStart.ts) loads in about half the time of its modules
// one by one (decision 0121); the modules themselves when there is no bundle from this build.
const bundle = new URL('../../start/main.js', import.meta.url)
const modifiedAt = (file: string) =>
  stat(file).then(
    (s) => s.mtimeMs,
    () => undefined,
  )
const [bundledAt, builtAt] = await Promise.all([modifiedAt(fileURLToPath(bundle)), modifiedAt(builtMain)])
if (bundledAt !== undefined && builtAt !== undefined && bundledAt >= builtAt) await import(bundle.href)
else await import('../main.ts')
