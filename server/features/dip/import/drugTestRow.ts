import { z } from 'zod'
import { todayInLondon } from '../../../domain/time.ts'
import { text } from '../../../http/forms.ts'
import { normalisePncId } from '../../people/identifiers.ts'
import type { NewDrugTest } from '../dipRepository.ts'
import { londonInstant, londonWallClock } from '../dipRules.ts'
import { codeFinder, suiteFinder } from './referenceCodes.ts'
import { shownValue, type CsvRecord, type ImportColumn, type RowError } from './drugTestCsv.ts'

// The checks on one row's cells, as the DT1 form makes them, in words that name the column.

export type ImportedTest = Omit<NewDrugTest, 'personId' | 'recordedBy' | 'importBatch'>
export type ImportedPerson = { surname: string; forenames: string; dateOfBirth: string; pncId: string | null }
/** A row that passed its own checks, with the cells as written, so later problems quote the file. */
export type ValidRow = { row: number; cells: Record<ImportColumn, string>; person: ImportedPerson; test: ImportedTest }

/** The reference lists a row is checked against: active custody suites (code → area, code → name) and trigger offences. */
export type ImportReference = {
  suites: Map<string, string | null>
  suiteNames: Map<string, string>
  offences: Set<string>
}

/** 'YYYY-MM-DD' names a day that exists (no 30 February), by arithmetic: called twice a row. */
function isRealDay(iso: string): boolean {
  const year = Number(iso.slice(0, 4))
  const month = Number(iso.slice(5, 7))
  const day = Number(iso.slice(8, 10))
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
  return year >= 1 && day >= 1 && day <= length
}

const wallTimeOf = (instant: number) => londonWallClock.format(instant).replace(', ', 'T')

/**
 * UK wall-clock times to instants. londonInstant is exact but formats two instants to find
 * each offset, which adds up over a large file. A day's UTC offset is the same all
 * day except on the two days the clocks change, so each day is asked of londonInstant once,
 * and on a clock-change day every time is asked of it and checked: a time that did not
 * happen (clocks forward) or happened twice (clocks back) needs its UTC offset written.
 */
export class LondonTimes {
  private readonly offsets = new Map<string, number | 'changes'>()

  instant(day: string, hhmm: string): { ok: true; ms: number } | { ok: false; why: string } {
    let offset = this.offsets.get(day)
    if (offset === undefined) {
      const start = Date.parse(`${day}T00:00:00Z`) - londonInstant(day, '00:00').getTime()
      const end = Date.parse(`${day}T23:59:00Z`) - londonInstant(day, '23:59').getTime()
      offset = start === end ? start : 'changes'
      this.offsets.set(day, offset)
    }
    if (offset !== 'changes') return { ok: true, ms: Date.parse(`${day}T${hhmm}:00Z`) - offset }
    const ms = londonInstant(day, hhmm).getTime()
    const wanted = `${day}T${hhmm}`
    if (wallTimeOf(ms) !== wanted)
      return {
        ok: false,
        why: 'That time did not happen in the UK (the clocks went forward): write it with its UTC offset, like 2026-03-29T01:30:00Z',
      }
    if (wallTimeOf(ms - 3_600_000) === wanted || wallTimeOf(ms + 3_600_000) === wanted) {
      return {
        ok: false,
        why: 'That time happened twice in the UK (the clocks went back): write it with its UTC offset, like 2026-10-25T01:30:00+01:00',
      }
    }
    return { ok: true, ms }
  }
}

const isoDateTime = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/** ISO 8601 date and time; without an offset it is UK time (Europe/London). */
export function parseSampleTime(
  value: string,
  times: LondonTimes,
): { ok: true; instant: Date } | { ok: false; why: string } {
  const match = isoDateTime.exec(value)
  const format = 'Enter the date and time in ISO 8601 form, like 2026-03-14T09:30 (UK time) or 2026-03-14T09:30:00Z'
  if (!match) return { ok: false, why: format }
  const [, day = '', hh = '', mm = '', ss = '00', fraction = '', zone] = match
  if (!isRealDay(day) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59)
    return { ok: false, why: 'Not a real date and time' }
  const extraMs = Number(ss) * 1000 + Math.floor(Number(`0.${fraction || '0'}`) * 1000)
  if (!zone) {
    const local = times.instant(day, `${hh}:${mm}`)
    return local.ok ? { ok: true, instant: new Date(local.ms + extraMs) } : local
  }
  let offsetMinutes = 0
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    const hours = Number(digits.slice(0, 2))
    const minutes = Number(digits.slice(2) || '0')
    if (hours > 14 || minutes > 59) return { ok: false, why: 'Not a real UTC offset' }
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes)
  }
  return { ok: true, instant: new Date(Date.parse(`${day}T${hh}:${mm}:00Z`) + extraMs - offsetMinutes * 60_000) }
}

const lowered = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v)
const results = ['positive', 'negative', 'not_tested'] as const
const result = z.preprocess(lowered, z.enum(results, { error: 'Must be positive, negative or not_tested' }))
const yesNo = z.preprocess(lowered, z.enum(['yes', 'no'], { error: 'Must be yes or no' })).transform((v) => v === 'yes')
const name = (label: string) => text(label, 100).transform((v) => v.replace(/\s+/g, ' '))

/** The one code a cell's text matched; else an issue saying it matched none, or more than one. */
function onlyMatch(matches: readonly string[], ctx: z.RefinementCtx, none: string, many: string) {
  const [code, ...others] = matches
  if (code !== undefined && others.length === 0) return code
  ctx.addIssue({ code: 'custom', message: code === undefined ? none : many })
  return z.NEVER
}

/** The schema for one row's cells, over the reference lists of this import and the time now. */
export function rowSchema(reference: ImportReference, now: Date) {
  const times = new LondonTimes()
  const today = todayInLondon(now)
  const suiteCodes = [...reference.suites.keys()].sort()
  const suiteHint = suiteCodes.length <= 10 ? `: use one of ${suiteCodes.join(', ')}` : ''
  const findSuite = suiteFinder(reference.suiteNames)
  const findOffence = codeFinder(reference.offences)
  return z.object({
    custody_number: text('the custody number', 40),
    custody_suite: text('the custody suite', 100).transform((v, ctx) =>
      onlyMatch(
        findSuite(v),
        ctx,
        `Not a custody suite code or name${suiteHint}`,
        'More than one custody suite matches this: use its code, written as the list writes it',
      ),
    ),
    sample_taken_at: text('the sample date and time', 40).transform((v, ctx) => {
      const parsed = parseSampleTime(v, times)
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.why })
      else if (parsed.instant.getTime() > now.getTime())
        ctx.addIssue({ code: 'custom', message: 'The sample time is in the future' })
      else if (parsed.instant.getUTCFullYear() < 2000)
        ctx.addIssue({ code: 'custom', message: 'The sample time must be in 2000 or later' })
      else return parsed.instant
      return z.NEVER
    }),
    surname: name('the surname'),
    forenames: name('the forenames'),
    date_of_birth: text('the date of birth', 10).transform((v, ctx) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !isRealDay(v))
        ctx.addIssue({ code: 'custom', message: 'Must be a real date written YYYY-MM-DD, like 1985-03-02' })
      else if (v < '1900-01-01') ctx.addIssue({ code: 'custom', message: 'Must be in 1900 or later' })
      else if (v > today) ctx.addIssue({ code: 'custom', message: 'Must be today or in the past' })
      else return v
      return z.NEVER
    }),
    pnc_id: text('the PNC ID', 20, { required: false }).transform((v, ctx) => {
      if (v === '') return null
      const pnc = normalisePncId(v, now)
      if (pnc.ok) return pnc.value
      ctx.addIssue({ code: 'custom', message: pnc.message })
      return z.NEVER
    }),
    condition: z.preprocess(lowered, z.enum(['arrest', 'charge'], { error: 'Must be arrest or charge' })),
    trigger_offence: text('the trigger offence code', 40, { required: false }).transform((v, ctx) => {
      if (v === '') return v
      return onlyMatch(
        findOffence(v),
        ctx,
        'Not a trigger offence code from the list of offences',
        'More than one trigger offence code matches this: write it as the list writes it',
      )
    }),
    authorised_by: text('the authorising inspector', 100, { required: false }),
    opiates: result,
    cocaine: result,
    refused: yesNo,
    disputed: yesNo,
  })
}
export type RowSchema = ReturnType<typeof rowSchema>

/** Checks every row: the valid ones, and every problem as {row, column, value, why}. */
export function validateRows(
  records: readonly CsvRecord[],
  schema: RowSchema,
): { valid: ValidRow[]; errors: RowError[] } {
  const valid: ValidRow[] = []
  const errors: RowError[] = []
  for (const { row, cells } of records) {
    const problem = (column: ImportColumn, why: string) =>
      errors.push({ row, column, value: shownValue(cells[column]), why })
    const parsed = schema.safeParse(cells)
    if (!parsed.success) {
      const seen = new Set<string>()
      for (const issue of parsed.error.issues) {
        const column = String(issue.path[0] ?? '') as ImportColumn
        if (seen.has(column)) continue
        seen.add(column)
        problem(column, issue.message)
      }
      continue
    }
    const v = parsed.data
    let ok = true
    if (!v.trigger_offence && !v.authorised_by) {
      problem(
        'trigger_offence',
        'Give the trigger offence code, or the inspector who authorised the test in authorised_by',
      )
      ok = false
    }
    if (v.refused && (v.opiates !== 'not_tested' || v.cocaine !== 'not_tested')) {
      problem('refused', 'A refused test has no results: opiates and cocaine must both be not_tested')
      ok = false
    }
    if (!ok) continue
    valid.push({
      row,
      cells,
      person: { surname: v.surname, forenames: v.forenames, dateOfBirth: v.date_of_birth, pncId: v.pnc_id },
      test: {
        custodySuiteCode: v.custody_suite,
        custodyNumber: v.custody_number,
        condition: v.condition,
        triggerOffenceCode: v.trigger_offence || null,
        authorisedBy: v.authorised_by || null,
        sampleTakenAt: v.sample_taken_at,
        opiates: v.opiates,
        cocaine: v.cocaine,
        refused: v.refused,
        disputed: v.disputed,
      },
    })
  }
  return { valid, errors }
}
