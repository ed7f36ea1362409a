import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The import rules of server/README.md ("Layers"), checked on the source: no module imports
 * itself back through others, and the domain's own layers (services, repositories, rules and
 * server/domain) know nothing of HTTP. Type-only imports are left out: they vanish at run time.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const rel = (file: string) => path.relative(root, file).split(path.sep).join('/')

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => rel(path.join(root, dir, f)))
}

const files = [...sourceFiles('server'), ...sourceFiles('db')]
const known = new Set(files)

/** Each file's runtime imports of other files of the app. */
const imports = new Map<string, string[]>(
  files.map((file) => {
    const text = readFileSync(path.join(root, file), 'utf8')
    const targets = [...text.matchAll(/^(import|export)(?! type)[^'"]*?from\s+'(\.[^']+)'/gm)]
      .map((m) => rel(path.resolve(root, path.dirname(file), m[2]!)))
      .filter((target) => known.has(target))
    return [file, targets]
  }),
)

/** The strongly connected groups of more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string) => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        group.push(w)
      } while (w !== v)
      if (group.length > 1) found.push(group.sort())
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found
}

const featureOf = (file: string) => /^server\/features\/([^/]+)\//.exec(file)?.[1]

describe('import boundaries', () => {
  it('no module of server/ or db/ imports itself back through others', () => {
    expect(cycles(imports)).toEqual([])
  })

  it('services, repositories, rules and server/domain never import server/http/', () => {
    const domainSide = (file: string) =>
      file.startsWith('server/domain/') || /(Service|Repository|Rules)\.ts$/.test(file)
    const crossings = files.filter(domainSide).flatMap((file) =>
      imports
        .get(file)!
        .filter((t) => t.startsWith('server/http/'))
        .map((t) => `${file} -> ${t}`),
    )
    expect(crossings).toEqual([])
  })

  it('server/domain imports nothing of the app but itself', () => {
    const outward = files
      .filter((f) => f.startsWith('server/domain/'))
      .flatMap((file) =>
        imports
          .get(file)!
          .filter((t) => !t.startsWith('server/domain/'))
          .map((t) => `${file} -> ${t}`),
      )
    expect(outward).toEqual([])
  })

  it('no two features depend on each other both ways', () => {
    const edges = new Map<string, Set<string>>()
    for (const [file, targets] of imports) {
      const from = featureOf(file)
      for (const to of targets.map(featureOf))
        if (from && to && to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to))
    }
    const graph = new Map([...edges].map(([k, v]) => [k, [...v]]))
    expect(cycles(graph)).toEqual([])
  })
})
