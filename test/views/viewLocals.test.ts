import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import ejs from 'ejs'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { viewLocals } from '../../server/http/viewLocals.ts'
import { viewOptions, viewsDir } from '../../server/http/views.ts'

// Views run without `with (locals)`: EJS declares each name of `viewLocals` from the locals at
// the top of every view. So the list must hold every name a view reads without declaring it, or
// that view throws a ReferenceError when it runs, perhaps only on a rare branch. This works the
// names out from the views themselves: each view compiled as the app compiles it but without the
// list, and type-checked against the language's own globals alone (no DOM: `name` or `status`
// would pass for a browser's globals), so every name TypeScript cannot find is one the view
// expects from its locals.

const views = (readdirSync(viewsDir, { recursive: true }) as string[]).filter((file) => file.endsWith('.ejs')).sort()

/** The view's compiled body, as EJS compiles it with `options`. */
function compiledBody(view: string, options: ejs.Options): string {
  const filename = path.join(viewsDir, view)
  const template = new ejs.Template(readFileSync(filename, 'utf8'), { ...options, filename })
  template.compile()
  return template.source
}

/**
 * "Cannot find name" in each of its wordings: plain, with a suggestion, with a hint to install
 * types for a name TypeScript knows from a library (`test`, `name`, `$`), or for a class member;
 * and a shorthand property with no such name.
 */
const nameNotFound = new Set([2304, 2552, 2580, 2581, 2582, 2583, 2584, 2591, 2592, 2593, 2662, 2663, 18004])

/** Each name a view reads without declaring it, with the views that read it. */
function undeclaredNames(): Map<string, string[]> {
  const files = new Map(
    views.map((view) => [
      `/views/${view}.ts`,
      `function compiledView(locals: any, escapeFn: any, include: any, rethrow: any) {\n${compiledBody(view, { ...viewOptions, destructuredLocals: [] })}\n}\nexport {}\n`,
    ]),
  )
  const options: ts.CompilerOptions = {
    lib: ['lib.es2022.d.ts'],
    types: [],
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
  }
  const host = ts.createCompilerHost(options)
  const fromDisk = host.getSourceFile.bind(host)
  const existsOnDisk = host.fileExists.bind(host)
  host.getSourceFile = (name, language, ...rest) => {
    const text = files.get(name)
    return text === undefined ? fromDisk(name, language, ...rest) : ts.createSourceFile(name, text, language)
  }
  host.fileExists = (name) => files.has(name) || existsOnDisk(name)
  const program = ts.createProgram([...files.keys()], options, host)
  const names = new Map<string, string[]>()
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const { file, start, length } = diagnostic
    if (!nameNotFound.has(diagnostic.code) || !file || start === undefined || length === undefined) continue
    const name = file.text.slice(start, start + length)
    // EJS's line counter, declared outside the body it compiles when it keeps line numbers.
    if (name === '__line') continue
    const view = file.fileName.slice('/views/'.length, -'.ts'.length)
    names.set(name, [...new Set([...(names.get(name) ?? []), view])])
  }
  return names
}

describe('the names views read from their locals', () => {
  it('are exactly the names EJS declares for them (server/http/viewLocals.ts)', () => {
    const read = undeclaredNames()
    // A sanity check that the analysis sees names at all: the layout reads its page's title.
    expect(read.get('title')).toContain('layout.ejs')
    const missing = [...read.keys()]
      .filter((name) => !viewLocals.includes(name))
      .map((name) => `${name} (${read.get(name)?.join(', ')})`)
    const unused = viewLocals.filter((name) => !read.has(name))
    expect({ missing, unused }).toEqual({ missing: [], unused: [] })
  })

  it('leave every view compiling as the app compiles it', () => {
    for (const view of views) expect(() => compiledBody(view, viewOptions), view).not.toThrow()
  })
})
