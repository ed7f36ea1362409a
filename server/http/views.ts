import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Application } from 'express'
import { viewLocals } from './viewLocals.ts'

// The repository's top level, where views/ and node_modules/ are: two folders up from
// server/http/views.ts, three from the build's dist/server/http/views.js (npm run build), which
// carries no copy of either.
export const repositoryRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  import.meta.url.endsWith('.js') ? '../../..' : '../..',
)

export const viewsDir = path.join(repositoryRoot, 'views')

/**
 * Views include each other by paths from views/ (`include('/partials/button')`), resolved
 * against this root. A relative include costs a file-system check on every call, before the
 * template cache is asked: on the performance report, one for each table cell, a fifth of the
 * app's time under load. Views read their locals as variables EJS declares (`viewLocals`), not
 * through `with (locals)`, which slows every name a view uses.
 */
export const viewOptions = { root: viewsDir, _with: false, destructuredLocals: [...viewLocals] }

/** EJS over views/, as the app and any test that renders a page through Express use it. */
export function useViews(app: Application, { cache }: { cache: boolean }): void {
  app.set('view engine', 'ejs')
  app.set('views', viewsDir)
  app.set('view options', viewOptions)
  app.set('view cache', cache)
}
