import { ensureBuilt } from './buildFreshness.ts'

// `npm start`: the app from its build (dist/, made by `npm install`), as production runs it,
// since running the TypeScript through a loader took over a second of every start (decision
// 0120). A source newer than the build is built first, so an edit is never silently ignored;
// `npm run dev` runs the sources themselves, restarting on each change.
await ensureBuilt({
  output: 'inherit',
  onBuild: () => process.stdout.write('Sources changed since the last build: building dist/ first (npm run build)\n'),
})
await import('../main.ts')
