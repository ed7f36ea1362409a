import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

// Run by `npm run build`, after tsc: the build's app in a few files for `npm start` to load.
// Node took over a second of every start finding, reading and linking the several hundred
// modules of the build and its packages one by one; bundled, it reads a few (decision 0121).
// `npm run start:prod` and the tests still run dist/server/main.js itself.

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** dist/start/, where `npm start` looks for it (server/cli/start.ts). */
const bundleFolder = path.join(dist, 'start')

await rm(bundleFolder, { recursive: true, force: true })
await build({
  entryPoints: [path.join(dist, 'server/main.js')],
  outdir: bundleFolder,
  bundle: true,
  // Code splitting keeps what main.ts imports lazily (the demo seeders and faker) out of the start.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // PGlite finds its WebAssembly beside its own modules and runs in a worker thread; argon2 is native.
  external: ['@electric-sql/pglite', '@electric-sql/pglite-socket', 'argon2'],
  // The CommonJS packages bundled (and Express loading its view engine by name) call require.
  banner: {
    js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
  },
  logLevel: 'warning',
  plugins: [
    {
      // The app finds views/, migrations/ and the template cache, and starts its database worker,
      // from its own module's address: each module keeps the address of its file in the build.
      name: 'keep-each-module-url',
      setup(bundle) {
        bundle.onLoad({ filter: /\.js$/ }, async (args) => {
          const inBuild = path.relative(dist, args.path)
          if (inBuild.startsWith('..') || inBuild.startsWith('node_modules')) return undefined
          const source = await readFile(args.path, 'utf8')
          if (!source.includes('import.meta.url')) return undefined
          const address = `new URL(${JSON.stringify(path.relative(bundleFolder, args.path))}, import.meta.url).href`
          return { contents: source.replaceAll('import.meta.url', address), loader: 'js' }
        })
      },
    },
  ],
})
