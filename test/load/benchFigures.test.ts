import { describe, expect, it } from 'vitest'
import { markdownTable, meetsTargets, percentile, ratiosOf, type PageFigures, type RunFigures } from './benchFigures.ts'
import { ReplayValues, statementName } from './replayValues.ts'

describe('percentile', () => {
  it('takes the nearest rank, whatever the order', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]
    expect(percentile(values, 50)).toBe(5)
    expect(percentile(values, 99)).toBe(10)
    expect(percentile(values, 10)).toBe(1)
  })

  it('is no number for no values', () => {
    expect(percentile([], 50)).toBeNaN()
  })
})

describe('a page against its floor', () => {
  it('divides throughput by the floor’s and p99 by the floor’s', () => {
    const ratios = ratiosOf(
      { requests: 0, rps: 140, p50: 0, p99: 30, errors: 0 },
      { requests: 0, rps: 200, p50: 0, p99: 20, errors: 0 },
    )
    expect(ratios).toEqual({ throughput: 0.7, p99: 1.5 })
    expect(meetsTargets(ratios)).toEqual({ throughput: true, p99: true, both: true })
  })

  it('misses a target below 70% of the floor’s throughput or above 1.5 times its p99', () => {
    expect(meetsTargets({ throughput: 0.69, p99: 1 })).toEqual({ throughput: false, p99: true, both: false })
    expect(meetsTargets({ throughput: 1, p99: 1.51 })).toEqual({ throughput: true, p99: false, both: false })
  })
})

const page = (name: string, p99: number, floorRps: number): PageFigures => ({
  name,
  label: `${name} page`,
  connections: 10,
  seconds: 15,
  requests: 1500,
  rps: 100,
  p50: 40,
  p99,
  errors: 0,
  statuses: { 200: 1500 },
  statements: 5,
  floor: {
    requests: 3000,
    rps: floorRps,
    p50: 10,
    p99: 40,
    errors: 0,
    seconds: 15,
    captured: 40,
    loadAverage: { before: [1], after: [2] },
  },
  ratios: ratiosOf(
    { requests: 0, rps: 100, p50: 0, p99, errors: 0 },
    { requests: 0, rps: floorRps, p50: 0, p99: 40, errors: 0 },
  ),
  meetsTargets: false,
  loadAverage: { before: [1.5, 1, 1], after: [2.5, 1, 1] },
})

const run = (people: number, pages: PageFigures[]): RunFigures => ({
  date: '2026-12-05T19:00:00.000Z',
  commit: 'abcdef0123456789',
  machine: { cpus: 2, model: 'AMD EPYC', memoryGiB: 24 },
  versions: { node: 'v20.20.2', postgres: '15.20 (Debian)', app: '0.1.0' },
  volume: { people },
  people,
  connections: 10,
  seconds: 15,
  bareExpress: { requests: 60000, rps: 4000, p50: 2, p99: 15, errors: 0 },
  pages,
})

describe('the Markdown table', () => {
  it('has a row a page, with the ratios to the floor and the misses marked', () => {
    const table = markdownTable(run(10086, [page('person', 50, 120), page('search', 80, 200)]))
    expect(table).toContain(
      '| page | req/s | p50 | p99 | errors | statements | floor req/s | floor p99 | throughput ÷ floor | p99 ÷ floor |',
    )
    expect(table).toContain('| person page | 100 | 40 | 50 | 0 | 5 | 120 | 40.0 | 83% | 1.3× |')
    expect(table).toContain('| search page | 100 | 40 | 80 | 0 | 5 | 200 | 40.0 | 50% ✗ | 2.0× ✗ |')
    expect(table).toContain('10,086 people, 2026-12-05, commit abcdef0')
  })

  it('adds each page’s p99 growth given a second run', () => {
    const table = markdownTable(run(10086, [page('person', 50, 120)]), run(100085, [page('person', 60, 120)]))
    expect(table).toContain('p99 growth to 100,085 people |')
    expect(table).toMatch(/\| person page \|.*\| 1\.20× \|$/m)
  })
})

describe('replayed values', () => {
  it('puts what an earlier statement returned in the replay where the capture used what it returned then', () => {
    const values = new ReplayValues()
    const captured = 'a02f1c2e-0000-4000-8000-000000000001'
    const replayed = 'b13e2d3f-0000-4000-8000-000000000002'
    values.learn([{ id: captured, count: 3 }], [{ id: replayed, count: 4 }])
    expect(values.substitute([captured, 'attended', 3, [captured], `{"attendanceId":"${captured}"}`])).toEqual([
      replayed,
      'attended',
      3,
      [replayed],
      `{"attendanceId":"${replayed}"}`,
    ])
  })

  it('keeps values that did not change and small numbers that could be counts', () => {
    const values = new ReplayValues()
    values.learn(
      [{ id: 'same-id-value', n: 2, at: new Date(1000) }],
      [{ id: 'same-id-value', n: 5, at: new Date(2000) }],
    )
    expect(values.substitute(['same-id-value', 2, new Date(1000)])).toEqual(['same-id-value', 2, new Date(2000)])
  })

  it('names a statement by its text', () => {
    expect(statementName('select 1')).toBe(statementName('select 1'))
    expect(statementName('select 1')).not.toBe(statementName('select 2'))
    expect(statementName('select 1')).toMatch(/^floor_[0-9a-f]{24}$/)
  })
})
