import { readFileSync } from 'node:fs'
import { sql, type Kysely } from 'kysely'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../db/index.ts'
import type { Database } from '../../db/types.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { createTestDatabase } from '../helpers/testDatabase.ts'

/**
 * db/types.ts is written by hand beside the migrations: this compares it, table by table and
 * column by column, with the schema the migrations build, so that neither can drift from the other.
 * Types are compared as coarse classes (what the pg driver hands back), not as exact SQL types.
 */

type Column = { table: string; column: string; nullable: boolean; kind: string; allowed: string[] | null }
type Declared = { kinds: Set<string>; nullable: boolean; literals: Set<string> }

// Kysely's own bookkeeping, not part of the app's schema.
const kyselyTables = ['kysely_migration', 'kysely_migration_lock']

/** The class of values the pg driver returns for a column (dates stay text, see db/index.ts). */
function kindOf(typname: string, category: string): string {
  if (category === 'A') return 'array'
  if (category === 'E') return 'enum'
  if (category === 'B') return 'boolean'
  if (category === 'S' || ['uuid', 'inet', 'citext'].includes(typname)) return 'text'
  if (typname === 'numeric') return 'decimal'
  if (category === 'N') return 'number'
  if (typname === 'date') return 'date'
  if (typname === 'timestamptz' || typname === 'timestamp') return 'timestamp'
  if (typname === 'json' || typname === 'jsonb') return 'json'
  if (typname === 'bytea') return 'binary'
  return typname
}

/** The values a single-column CHECK (col IN (...)) allows, or null when it is not of that shape. */
function allowedValues(definition: string): string[] | null {
  // PostgreSQL writes col IN ('a', 'b') as col = ANY (ARRAY[…]), and col IN ('a') as col = 'a'.
  const shaped = /= ANY \(+ARRAY\[/.test(definition) || /^CHECK \(\("?\w+"? = '(?:[^']|'')*'::\w+\)\)/.test(definition)
  if (!shaped || /\b(OR|AND)\b/.test(definition)) return null
  return [...definition.matchAll(/'((?:[^']|'')*)'::/g)].map((m) => m[1]!.replace(/''/g, "'"))
}

async function readSchema(db: Kysely<Database>): Promise<Column[]> {
  const columns = await sql<{
    table: string
    column: string
    nullable: boolean
    typname: string
    category: string
    labels: string[] | null
  }>`
    select c.relname as table, a.attname as column, not a.attnotnull as nullable,
           coalesce(base.typname, t.typname) as typname, coalesce(base.typcategory, t.typcategory) as category,
           case when t.typtype = 'e' then array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) end as labels
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_type t on t.oid = a.atttypid
    left join pg_type base on t.typtype = 'd' and base.oid = t.typbasetype
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      and a.attnum > 0 and not a.attisdropped
    order by c.relname, a.attnum`.execute(db)
  const checks = await sql<{ table: string; column: string; definition: string }>`
    select c.relname as table, a.attname as column, pg_get_constraintdef(k.oid) as definition
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
    where n.nspname = 'public' and k.contype = 'c' and cardinality(k.conkey) = 1`.execute(db)
  return columns.rows
    .filter((r) => !kyselyTables.includes(r.table))
    .map((r) => {
      const lists = checks.rows
        .filter((k) => k.table === r.table && k.column === r.column)
        .map((k) => allowedValues(k.definition))
      // Two such checks on one column both hold: only values in every list are allowed.
      const fromCheck = lists
        .filter((list) => list !== null)
        .reduce<string[] | null>((all, list) => (all ? all.filter((v) => list.includes(v)) : list), null)
      return {
        table: r.table,
        column: r.column,
        nullable: r.nullable,
        kind: kindOf(r.typname, r.category),
        allowed: r.labels ?? fromCheck,
      }
    })
}

/** Names whose meaning is fixed by convention rather than by their TypeScript shape. */
const namedKinds: Record<string, string> = {
  CalendarDay: 'date',
  Date: 'timestamp',
  Buffer: 'binary',
  Uint8Array: 'binary',
}

/** Reads the Database interface of db/types.ts with the TypeScript parser: table → column → declared type. */
function readDeclaredTypes(source: string): Map<string, Map<string, Declared>> {
  const file = ts.createSourceFile('types.ts', source, ts.ScriptTarget.Latest, true)
  const declarations = new Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration>()
  file.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) declarations.set(node.name.text, node)
  })
  const members = (name: string): ts.PropertySignature[] => {
    const declaration = declarations.get(name)
    if (!declaration || !ts.isInterfaceDeclaration(declaration)) throw new Error(`db/types.ts: no interface ${name}`)
    const inherited = (declaration.heritageClauses ?? []).flatMap((h) =>
      h.types.flatMap((t) => members(t.expression.getText(file))),
    )
    return [...inherited, ...declaration.members.filter(ts.isPropertySignature)]
  }
  const classify = (node: ts.TypeNode, into: Declared): void => {
    if (ts.isUnionTypeNode(node)) return node.types.forEach((t) => classify(t, into))
    if (ts.isParenthesizedTypeNode(node)) return classify(node.type, into)
    if (ts.isLiteralTypeNode(node)) {
      if (node.literal.kind === ts.SyntaxKind.NullKeyword) into.nullable = true
      else if (ts.isStringLiteral(node.literal)) {
        into.kinds.add('enum')
        into.literals.add(node.literal.text)
      } else into.kinds.add(ts.isNumericLiteral(node.literal) ? 'number' : 'boolean')
      return
    }
    if (ts.isArrayTypeNode(node)) return void into.kinds.add('array')
    if (ts.isTypeLiteralNode(node)) return void into.kinds.add('json')
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText(file)
      // Generated<S> and ColumnType<S, I, U>: what a select returns is what the column holds.
      if ((name === 'Generated' || name === 'ColumnType') && node.typeArguments?.[0])
        return classify(node.typeArguments[0], into)
      if (namedKinds[name]) return void into.kinds.add(namedKinds[name])
      if (name === 'Array' || name === 'ReadonlyArray') return void into.kinds.add('array')
      const alias = declarations.get(name)
      if (alias && ts.isTypeAliasDeclaration(alias)) return classify(alias.type, into)
      return void into.kinds.add(`unrecognised type ${name}`)
    }
    const keywords: Partial<Record<ts.SyntaxKind, string>> = {
      [ts.SyntaxKind.StringKeyword]: 'text',
      [ts.SyntaxKind.NumberKeyword]: 'number',
      [ts.SyntaxKind.BooleanKeyword]: 'boolean',
      [ts.SyntaxKind.UnknownKeyword]: 'json',
      [ts.SyntaxKind.AnyKeyword]: 'json',
    }
    const keyword = keywords[node.kind]
    if (keyword) into.kinds.add(keyword)
    else if (node.kind !== ts.SyntaxKind.UndefinedKeyword && node.kind !== ts.SyntaxKind.NeverKeyword)
      into.kinds.add(`unrecognised type ${node.getText(file)}`)
  }
  const tables = new Map<string, Map<string, Declared>>()
  for (const table of members('Database')) {
    const interfaceName = table.type && ts.isTypeReferenceNode(table.type) ? table.type.typeName.getText(file) : ''
    const columns = new Map<string, Declared>()
    for (const column of members(interfaceName)) {
      const declared: Declared = { kinds: new Set(), nullable: false, literals: new Set() }
      if (column.type) classify(column.type, declared)
      columns.set(column.name.getText(file), declared)
    }
    tables.set(table.name.getText(file), columns)
  }
  return tables
}

/** Which declared class a database class may be written as; a string literal union narrows text. */
const accepts: Record<string, string[]> = { text: ['text', 'enum'], decimal: ['text'], enum: ['enum', 'text'] }

function declaredKind(declared: Declared): string {
  const kinds = [...declared.kinds]
  if (kinds.length === 2 && kinds.includes('text') && kinds.includes('enum')) return 'text'
  return kinds.length === 1 ? kinds[0]! : `a mix of ${kinds.sort().join(', ') || 'nothing'}`
}

function describeColumn(kind: string, nullable: boolean, values?: readonly string[] | null): string {
  const list = values ? ` (${[...values].sort().join(', ')})` : ''
  return `${kind}${list}, ${nullable ? 'nullable' : 'not null'}`
}

function compareSchema(schema: Column[], declaredTables: Map<string, Map<string, Declared>>): string[] {
  const mismatches: string[] = []
  const schemaTables = new Set(schema.map((c) => c.table))
  for (const table of schemaTables)
    if (!declaredTables.has(table))
      mismatches.push(`${table}: the database has this table, db/types.ts's Database does not`)
  for (const table of declaredTables.keys())
    if (!schemaTables.has(table)) mismatches.push(`${table}: db/types.ts declares this table, the database has none`)
  for (const column of schema) {
    const declaredColumns = declaredTables.get(column.table)
    if (!declaredColumns) continue
    const where = `${column.table}.${column.column}`
    const declared = declaredColumns.get(column.column)
    if (!declared) {
      mismatches.push(
        `${where}: database says ${describeColumn(column.kind, column.nullable)}, db/types.ts does not declare it`,
      )
      continue
    }
    const kind = declaredKind(declared)
    const kindAgrees = (accepts[column.kind] ?? [column.kind]).includes(kind)
    const literals = kind === 'enum' ? [...declared.literals].sort() : null
    const valuesAgree = !literals || !column.allowed || literals.join('\n') === [...column.allowed].sort().join('\n')
    if (!kindAgrees || !valuesAgree || declared.nullable !== column.nullable) {
      mismatches.push(
        `${where}: database says ${describeColumn(column.kind, column.nullable, column.allowed)}, db/types.ts says ${describeColumn(kind, declared.nullable, literals)}`,
      )
    }
  }
  for (const [table, declaredColumns] of declaredTables) {
    const inSchema = new Set(schema.filter((c) => c.table === table).map((c) => c.column))
    if (!schemaTables.has(table)) continue
    for (const column of declaredColumns.keys())
      if (!inSchema.has(column))
        mismatches.push(`${table}.${column}: db/types.ts declares it, the database has no such column`)
  }
  return mismatches
}

let handle: DbHandle
let declared: Map<string, Map<string, Declared>>

beforeAll(async () => {
  handle = await createTestDatabase()
  // The copy comes migrated; migrating it again proves no migration is left to run.
  const applied = await handle.asOwner((db) => migrateToLatest(db))
  expect(applied.results ?? []).toEqual([])
  declared = readDeclaredTypes(readFileSync(new URL('../../db/types.ts', import.meta.url), 'utf8'))
})
afterAll(async () => {
  await handle.close()
})

describe('db/types.ts against the migrated schema', () => {
  it('declares every table and column the migrations create, with its nullability and kind of value, and nothing else', async () => {
    const schema = await handle.asOwner((db) => readSchema(db))
    expect(schema.length).toBeGreaterThan(100)
    expect(schema.find((c) => c.table === 'person' && c.column === 'date_of_birth')).toMatchObject({
      kind: 'date',
      nullable: false,
    })
    expect(compareSchema(schema, declared)).toEqual([])
  })

  it('names a column a migration adds but db/types.ts leaves out, and a narrowed list of values', async () => {
    const schema = await handle.asOwner(async (db) => {
      await sql`alter table area add column nickname text not null default ''`.execute(db)
      await sql`alter table area add constraint area_kind_narrowed check (kind in ('bcu', 'ward')) not valid`.execute(
        db,
      )
      return readSchema(db)
    })
    expect(compareSchema(schema, declared)).toEqual([
      'area.kind: database says text (bcu), not null, db/types.ts says enum (bcu, borough), not null',
      'area.nickname: database says text, not null, db/types.ts does not declare it',
    ])
  })
})
