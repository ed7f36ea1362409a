/**
 * Prints the figures `npm run bench -- --json FILE` wrote as a Markdown table:
 *
 *   npx tsx test/load/benchTable.ts FILE [OTHER_FILE]
 *
 * Given a second file (the same pages at another volume: 10,000 people, then 100,000), a last
 * column gives each page's p99 growth from the first to the second.
 */
import { readFileSync } from 'node:fs'
import { markdownTable, type RunFigures } from './benchFigures.ts'

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunFigures

const [file, other] = process.argv.slice(2)
if (!file) {
  console.error('Usage: npx tsx test/load/benchTable.ts FILE [OTHER_FILE]')
  process.exitCode = 2
} else {
  console.log(markdownTable(read(file), other ? read(other) : undefined))
}
