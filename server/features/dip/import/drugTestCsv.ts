import { CsvError, parse } from 'csv-parse/sync'

// Reading a custody drug-test file: bytes → checked text → header → one record per row.
// Problems with the file as a whole end here with one message; problems with a row are
// left for the row checks, so that one bad row never hides the others.

export const importColumns = [
  'custody_number',
  'custody_suite',
  'sample_taken_at',
  'surname',
  'forenames',
  'date_of_birth',
  'pnc_id',
  'condition',
  'trigger_offence',
  'authorised_by',
  'opiates',
  'cocaine',
  'refused',
  'disputed',
] as const
export type ImportColumn = (typeof importColumns)[number]

/** One problem with one cell (or, with column '', with the row as a whole). Rows count as a spreadsheet does: the header is row 1. */
export type RowError = { row: number; column: ImportColumn | ''; value: string; why: string }

export type CsvRecord = { row: number; cells: Record<ImportColumn, string> }

export type CsvReadResult = { ok: false; why: string } | { ok: true; records: CsvRecord[]; errors: RowError[] }

/** The largest file taken, by the web form and the command line alike: 20,000 rows fit in about 3 MB. */
export const maxFileBytes = 5 * 1024 * 1024
export const maxDataRows = 20_000
const maxRecordCharacters = 10_000

// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001F\u007F-\u009F]/g

/** What a cell held, fit to show on a page or a terminal: bounded, and control characters written out. */
export function shownValue(raw: string): string {
  const visible = raw.replace(controlCharacters, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return visible.length > 80 ? `${visible.slice(0, 79)}…` : visible
}

function decodeUtf8(input: Buffer | string): { ok: true; text: string } | { ok: false; why: string } {
  if (typeof input === 'string') return { ok: true, text: input }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(input) }
  } catch {
    return {
      ok: false,
      why: 'The file is not UTF-8 text. Save the spreadsheet as "CSV UTF-8 (comma delimited)" and upload that file.',
    }
  }
}

const parseOptions = { bom: true, relax_column_count: true, max_record_size: maxRecordCharacters }

/** Why csv-parse could not read some text, in words; anything but a CSV error is not the file's fault. */
function csvReason(error: unknown): string {
  if (!(error instanceof CsvError)) throw error
  const reasons: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED: 'a quoted value is never closed',
    CSV_INVALID_CLOSING_QUOTE: 'a quoted value has text after its closing quote',
    INVALID_OPENING_QUOTE: 'a value has a quote in it but does not start with one',
    CSV_MAX_RECORD_SIZE_EXCEEDED: `a row is longer than ${maxRecordCharacters.toLocaleString('en-GB')} characters`,
  }
  return reasons[error.code] ?? 'it could not be read'
}

/** One row of the file: its values, or (a badly quoted row) why it could not be read and what it held. */
type FileRow = { fields: string[] } | { unreadable: string; text: string }

/** The values of the one record in some text, or why it is not one record. */
function parseRecord(text: string): { ok: true; fields: string[] } | { ok: false; reason: string } {
  // Without quotes a line's values are what lies between its commas: no need for the parser.
  if (!text.includes('"') && !text.includes('\n') && text.length <= maxRecordCharacters)
    return { ok: true, fields: text.split(',') }
  let records: string[][]
  try {
    records = parse(text, parseOptions)
  } catch (error) {
    return { ok: false, reason: csvReason(error) }
  }
  // An empty line is a row with one empty value, as when the whole file is read.
  return records.length > 1 ? { ok: false, reason: 'it could not be read' } : { ok: true, fields: records[0] ?? [''] }
}

const quotesIn = (text: string) => text.split('"').length - 1

/**
 * A row whose quoted value holds line breaks: from a line whose quotes do not pair up, the lines
 * after it until they do, if together they make one row as wide as the header.
 */
function spanningRecord(
  lines: readonly string[],
  first: number,
  width: number,
): { fields: string[]; last: number } | undefined {
  let text = lines[first] ?? ''
  let quotes = quotesIn(text)
  let last = first
  while (quotes % 2 === 1 && last + 1 < lines.length && text.length <= maxRecordCharacters) {
    const next = lines[++last] ?? ''
    text += `\n${next}`
    quotes += quotesIn(next)
  }
  if (last === first || quotes % 2 === 1) return undefined
  const parsed = parseRecord(text)
  return parsed.ok && parsed.fields.length === width ? { fields: parsed.fields, last } : undefined
}

/**
 * The rows of a file that is not all valid CSV, a line at a time, so that a badly quoted row
 * (an unclosed quote would otherwise take in the rest of the file) is that row's problem alone
 * and the rows after it are still read. Only a header that cannot be read stops the file.
 */
function readLineByLine(text: string): { ok: true; rows: FileRow[] } | { ok: false; why: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  if (lines.at(-1) === '') lines.pop()
  const rows: FileRow[] = []
  for (let first = 0; first < lines.length; first++) {
    const line = lines[first] ?? ''
    const alone = parseRecord(line)
    if (alone.ok) {
      rows.push({ fields: alone.fields })
      continue
    }
    const header = rows[0]
    if (!header || !('fields' in header))
      return { ok: false, why: `The file is not valid CSV: ${alone.reason} (line 1).` }
    const spanning = spanningRecord(lines, first, header.fields.length)
    if (spanning) {
      rows.push({ fields: spanning.fields })
      first = spanning.last
    } else {
      rows.push({ unreadable: alone.reason, text: line })
    }
  }
  return { ok: true, rows }
}

/** Every row of the file: read whole when it is valid CSV (the usual case, and the fast one), else line by line. */
function readRows(text: string): { ok: true; rows: FileRow[] } | { ok: false; why: string } {
  try {
    const records: string[][] = parse(text, parseOptions)
    return { ok: true, rows: records.map((fields) => ({ fields })) }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error
    return readLineByLine(text)
  }
}

function checkHeader(
  header: string[],
): { ok: true; positions: Map<ImportColumn, number> } | { ok: false; why: string } {
  const names = header.map((h) => h.trim().toLowerCase())
  if (names.length === 1 && (names[0] ?? '').includes(';') && (names[0] ?? '').includes('custody_number')) {
    return {
      ok: false,
      why: 'The file uses semicolons to separate values. Save it as CSV with commas and upload it again.',
    }
  }
  const positions = new Map<ImportColumn, number>()
  const unknown: string[] = []
  const repeated: string[] = []
  names.forEach((name, index) => {
    // Spreadsheets often add empty columns at the right: a blank header name is ignored.
    if (name === '') return
    if (!(importColumns as readonly string[]).includes(name)) unknown.push(shownValue(name))
    else if (positions.has(name as ImportColumn)) repeated.push(name)
    else positions.set(name as ImportColumn, index)
  })
  const missing = importColumns.filter((c) => !positions.has(c))
  if (missing.length === importColumns.length) {
    return {
      ok: false,
      why: `The first row must be the header: ${importColumns.join(', ')}. None of those columns was found, so this is not a custody drug-test file.`,
    }
  }
  const problems = [
    missing.length ? `is missing ${missing.length === 1 ? 'the column' : 'the columns'} ${missing.join(', ')}` : '',
    repeated.length ? `has ${repeated.join(', ')} more than once` : '',
    unknown.length
      ? `has ${unknown.length === 1 ? 'a column' : 'columns'} this import does not use: ${unknown.slice(0, 5).join(', ')}`
      : '',
  ].filter(Boolean)
  if (problems.length)
    return { ok: false, why: `The header row ${problems.join('; it ')}. The columns are: ${importColumns.join(', ')}.` }
  return { ok: true, positions }
}

/** Reads the file; a file-level problem gives one message and nothing else. */
export function readDrugTestCsv(input: Buffer | string): CsvReadResult {
  const decoded = decodeUtf8(input)
  if (!decoded.ok) return decoded
  const text = decoded.text
  if (text.replace(/^\uFEFF/, '').trim() === '') return { ok: false, why: 'The file is empty.' }
  if (text.includes('\u0000')) {
    return {
      ok: false,
      why: 'The file is not a CSV file: it holds binary data. Save the spreadsheet as "CSV UTF-8 (comma delimited)" and upload that file.',
    }
  }
  const read = readRows(text)
  if (!read.ok) return read
  const [headerRow, ...body] = read.rows
  const header = headerRow && 'fields' in headerRow ? headerRow.fields : []
  const checked = checkHeader(header)
  if (!checked.ok) return checked
  const width = header.length
  const records: CsvRecord[] = []
  const errors: RowError[] = []
  body.forEach((bodyRow, index) => {
    const row = index + 2
    if ('unreadable' in bodyRow) {
      errors.push({
        row,
        column: '',
        value: shownValue(bodyRow.text),
        why: `The row is not valid CSV: ${bodyRow.unreadable}`,
      })
      return
    }
    const { fields } = bodyRow
    // A row with nothing in it (spreadsheets leave them at the end) is not a test.
    if (fields.every((f) => f.trim() === '')) return
    if (fields.length !== width) {
      errors.push({
        row,
        column: '',
        value: '',
        why: `The row has ${fields.length} values but the header has ${width} columns`,
      })
      return
    }
    const cells = {} as Record<ImportColumn, string>
    for (const [column, position] of checked.positions) cells[column] = fields[position] ?? ''
    records.push({ row, cells })
  })
  const rowCount = records.length + new Set(errors.map((e) => e.row)).size
  if (rowCount === 0) return { ok: false, why: 'The file has a header row but no tests below it.' }
  if (rowCount > maxDataRows) {
    return {
      ok: false,
      why: `The file has ${rowCount.toLocaleString('en-GB')} rows: import at most ${maxDataRows.toLocaleString('en-GB')} at a time.`,
    }
  }
  return { ok: true, records, errors }
}
