import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatMonth } from '../../../server/presenters/format.ts'
import { programmeLabels, tierLabels } from '../../../server/features/people/vocabulary.ts'
import { addMonths, todayInLondon } from '../../../server/domain/time.ts'
import { dateFields, errorSummaryLinks } from '../../helpers/factories.ts'
import { tableCaptioned, tablesOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { buildPerformanceWorld, period, type PerformanceWorld } from './performanceDataset.ts'

let t: TestApp
let world: PerformanceWorld
let supervisor: { agent: Agent; csrf: string }

beforeAll(async () => {
  t = await createTestApp()
  world = await buildPerformanceWorld(t.db)
  supervisor = await signInAs(t.app, world.username)
})
afterAll(async () => {
  await t.close()
})

function query(filters: { from?: string; to?: string; areaId?: string; wardId?: string }): string {
  const params = new URLSearchParams()
  if (filters.from) for (const [k, v] of Object.entries(dateFields('from', filters.from))) params.set(k, v)
  if (filters.to) for (const [k, v] of Object.entries(dateFields('to', filters.to))) params.set(k, v)
  if (filters.areaId !== undefined) params.set('areaId', filters.areaId)
  if (filters.wardId !== undefined) params.set('wardId', filters.wardId)
  return params.toString()
}

const fixed = programmeLabels.iom_fixed
const dip = programmeLabels.dip
const red = tierLabels.red
const amber = tierLabels.amber

/** Each table of the report: its id (the CSV's name), caption, header and the rows the dataset must give. */
const expected = {
  'cohort-size': {
    caption: 'Cohort size at the end of each month, by programme and tier',
    header: ['month', 'programme', 'tier', 'members'],
    rows: [
      ['2025-01', fixed, amber, '1'],
      ['2025-02', fixed, amber, '2'],
      ['2025-03', dip, '', '1'],
      ['2025-03', fixed, amber, '1'],
      ['2025-03', fixed, red, '1'],
      ['2025-04', dip, '', '1'],
      ['2025-04', fixed, red, '1'],
      ['2025-05', dip, '', '1'],
      ['2025-05', fixed, red, '1'],
      ['2025-06', dip, '', '1'],
      ['2025-06', fixed, red, '1'],
    ],
  },
  'before-after': {
    caption:
      'Arrests with a custody drug test, in the 12 months before adoption and since, for everyone on a programme at the end of the period',
    header: [
      'programme',
      'people',
      'arrests in the 12 months before',
      'per person per year before',
      'arrests since adoption',
      'person-years since',
      'per person per year since',
      'change',
    ],
    // IOM Fixed: north, adopted 15 January 2025: tests on 5 and 6 October 2024 and 5 and 12 January
    // before; 15 March and 2 May since, over the 167 days to 30 June (2 ÷ 167/365.25 = 4.37 a year).
    // DIP: old-ward person, adopted 31 March: the test of 3 March before, none in the 92 days since.
    rows: [
      [dip, '1', '1', '1.00', '0', '0.3', '0.00', '100% lower'],
      [fixed, '1', '4', '4.00', '2', '0.5', '4.37', '9.4% higher'],
    ],
  },
  referrals: {
    caption: 'Referrals received, accepted and declined',
    header: ['month', 'received', 'accepted', 'declined'],
    rows: [
      ['2024-12', '0', '0', '0'],
      ['2025-01', '2', '1', '0'],
      ['2025-02', '0', '0', '0'],
      ['2025-03', '2', '1', '1'],
      ['2025-04', '1', '1', '0'],
      ['2025-05', '1', '0', '1'],
      ['2025-06', '0', '0', '0'],
    ],
  },
  'drug-tests': {
    caption: 'Drug tests by month, with positivity',
    header: ['month', 'tests', 'opiates positive', 'opiates positivity', 'cocaine positive', 'cocaine positivity'],
    rows: [
      ['2024-12', '0', '0', '—', '0', '—'],
      ['2025-01', '3', '2', '66.7%', '2', '66.7%'],
      ['2025-02', '0', '0', '—', '0', '—'],
      ['2025-03', '2', '1', '50%', '0', '—'],
      ['2025-04', '1', '0', '—', '1', '100%'],
      ['2025-05', '4', '1', '33.3%', '0', '0%'],
      ['2025-06', '1', '0', '0%', '0', '0%'],
    ],
  },
  attendance: {
    caption: 'Required assessment attendance',
    header: ['assessment', 'recorded', 'attended and remained', 'attendance rate'],
    rows: [
      ['Follow-up', '0', '0', '—'],
      ['Initial', '4', '2', '50%'],
    ],
  },
  failures: {
    caption: 'Failures by section and outcome',
    header: ['section', 'status', 'failures'],
    rows: [
      ['s12', 'charged', '1'],
      ['s12', 'wanted', '2'],
      ['s14', 'open', '1'],
      ['s14', 'withdrawn', '1'],
    ],
  },
  'hot-spots': {
    caption: 'Hot spots: Class A possession and supply tests, and DIP failures, by ward',
    header: ['ward', 'ward set', 'possession tests', 'failures'],
    rows: [
      ['Perfield South', 'From May 2022', '1', '4'],
      ['Perfield North', 'From May 2022', '3', '1'],
      ['Perfield Old Town', 'Before May 2022', '1', '0'],
    ],
  },
  'partner-links': {
    caption: 'Open partner links by agency and rating',
    header: ['agency', 'rating', 'links'],
    rows: [
      ['MARAC', 'High risk', '1'],
      ['MARAC', 'Standard', '1'],
      ['MASH', 'AMBER', '1'],
      ['MASH', 'RED', '2'],
      ['YOS', 'None', '1'],
    ],
  },
} as const

const months = ['2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']

type Svg = { attributes: string; body: string }

function svgsOf(html: string): Svg[] {
  return [...html.matchAll(/<svg([^>]*)>([\s\S]*?)<\/svg>/g)].map((m) => ({ attributes: m[1] ?? '', body: m[2] ?? '' }))
}

/** Every opening tag closed in order (XML, so no void elements), and nothing but tags and text between. */
function expectWellFormed(markup: string, name: string): void {
  const stack: string[] = []
  for (const tag of markup.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, tagName = '', , selfClosing] = tag
    if (selfClosing) continue
    if (closing) expect(stack.pop(), `${name}: </${tagName}> closes the element last opened`).toBe(tagName)
    else stack.push(tagName)
  }
  expect(stack, `${name}: every element is closed`).toEqual([])
  const stray = markup.replace(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g, '')
  expect(stray, `${name}: no malformed tags`).not.toMatch(/[<>]/)
}

function attribute(attributes: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(attributes)?.[1]
}

describe('the performance report, against a hand-made dataset', () => {
  it('shows each table with exactly the expected rows, and each CSV download equals its table', async () => {
    const q = query({ ...period, areaId: world.boroughId })
    const page = await supervisor.agent.get(`/performance?${q}`).expect(200)
    expect(page.text).toContain(`Figures for ${period.from} to ${period.to}.`)
    // The tables, and beside each of the two charts a table of its figures.
    expect(tablesOf(page.text)).toHaveLength(Object.keys(expected).length + 2)
    for (const [id, table] of Object.entries(expected)) {
      const shown = tableCaptioned(page.text, table.caption)
      expect(shown.header, `${id} header`).toEqual(table.header)
      expect(shown.rows, `${id} rows`).toEqual(table.rows)
      expect(page.text).toContain(`href="/performance/${id}.csv?${q.replace(/&/g, '&amp;')}"`)

      const csv = await supervisor.agent.get(`/performance/${id}.csv?${q}`).expect(200)
      expect(csv.headers['content-type']).toMatch(/^text\/csv/)
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="${id}-${period.from}-${period.to}.csv"`)
      const records: string[][] = parse(csv.text)
      expect(records, `${id}.csv`).toEqual([table.header, ...table.rows])
    }
  })

  it('gives the same figures without the borough filter (the supervisor has no other area), and none to someone without the area', async () => {
    const all = await supervisor.agent.get(`/performance?${query(period)}`).expect(200)
    for (const table of Object.values(expected))
      expect(tableCaptioned(all.text, table.caption).rows).toEqual(table.rows)

    const demoSupervisor = await signInAs(t.app, 'supervisor')
    const outside = await demoSupervisor.agent
      .get(`/performance?${query({ ...period, areaId: world.boroughId })}`)
      .expect(200)
    expect(tableCaptioned(outside.text, expected['drug-tests'].caption).rows).toEqual(
      months.map((m) => [m, '0', '0', '—', '0', '—']),
    )
    expect(tableCaptioned(outside.text, expected['partner-links'].caption).rows).toEqual([['None in this period.']])
    const csv = await demoSupervisor.agent
      .get(`/performance/hot-spots.csv?${query({ ...period, areaId: world.boroughId })}`)
      .expect(200)
    expect(parse(csv.text)).toEqual([expected['hot-spots'].header])
  })

  it('narrows to one ward', async () => {
    const page = await supervisor.agent
      .get(`/performance?${query({ ...period, wardId: world.wards.north })}`)
      .expect(200)
    expect(tableCaptioned(page.text, expected['hot-spots'].caption).rows).toEqual([
      ['Perfield North', 'From May 2022', '3', '1'],
    ])
    expect(tableCaptioned(page.text, expected['drug-tests'].caption).rows.map((r) => [r[0], r[1]])).toEqual([
      ['2024-12', '0'],
      ['2025-01', '2'],
      ['2025-02', '0'],
      ['2025-03', '1'],
      ['2025-04', '0'],
      ['2025-05', '1'],
      ['2025-06', '0'],
    ])
  })

  it('draws well-formed, labelled SVG bar charts whose descriptions list the figures, a bar for every month', async () => {
    const page = await supervisor.agent.get(`/performance?${query({ ...period, areaId: world.boroughId })}`).expect(200)
    const svgs = svgsOf(page.text)
    expect(svgs).toHaveLength(2)
    const charts = new Map<string, { title: string; description: string; bars: number[] }>()
    for (const svg of svgs) {
      const whole = `<svg${svg.attributes}>${svg.body}</svg>`
      expectWellFormed(whole, 'chart')
      expect(attribute(svg.attributes, 'role')).toBe('img')
      const labelledBy = (attribute(svg.attributes, 'aria-labelledby') ?? '').split(' ')
      expect(labelledBy).toHaveLength(2)
      const [titleId, descId] = labelledBy
      const title = new RegExp(`<title id="${titleId}">([^<]*)</title>`).exec(svg.body)?.[1]
      const description = new RegExp(`<desc id="${descId}">([^<]*)</desc>`).exec(svg.body)?.[1]
      expect(title, 'the title is the element aria-labelledby names').toBeTruthy()
      expect(description, 'the description is the element aria-labelledby names').toBeTruthy()
      // Title and description come first, as screen readers expect.
      expect(svg.body.trim().startsWith(`<title id="${titleId}">`)).toBe(true)
      const bars = [...svg.body.matchAll(/<rect [^>]*height="(\d+)"[^>]*><\/rect>/g)].map((m) => Number(m[1]))
      charts.set(titleId ?? '', { title: title ?? '', description: description ?? '', bars })
    }
    const describe = (values: number[]) => `${months.map((m, i) => `${formatMonth(m)}: ${values[i]}`).join('; ')}.`
    const tests = charts.get('chart-tests-title')!
    expect(tests.title).toBe('Drug tests by month')
    expect(tests.description).toBe(describe([0, 3, 0, 2, 1, 4, 1]))
    expect(tests.bars).toEqual([0, 3, 0, 2, 1, 4, 1].map((v) => Math.round((160 * v) / 4)))
    const cohort = charts.get('chart-cohort-title')!
    expect(cohort.title).toBe('Open memberships at the end of each month')
    expect(cohort.description).toBe(describe([0, 1, 2, 3, 2, 2, 2]))
    expect(cohort.bars).toEqual([0, 1, 2, 3, 2, 2, 2].map((v) => Math.round((160 * v) / 3)))
  })

  it('refuses a bad filter with a 400 and an error summary, page and CSV alike', async () => {
    const today = todayInLondon()
    const cases: [string, { href: string; text: string }[]][] = [
      [
        query({ from: '2025-06-01', to: '2025-01-01' }),
        [{ href: '#to', text: 'The to date must be on or after the from date' }],
      ],
      [query({ from: '2019-01-01', to: '2025-01-02' }), [{ href: '#to', text: 'Choose a period of 5 years or less' }]],
      [query({ from: '1900-01-01' }), [{ href: '#from', text: 'Choose a period of 5 years or less' }]],
      [
        query({ from: addMonths(today, 2) }),
        [{ href: '#from', text: 'The from date must be today or in the past, or enter a to date after it' }],
      ],
      [query({ ...period, areaId: 'Havering' }), [{ href: '#areaId', text: 'Select a borough from the list' }]],
      [
        query({ ...period, wardId: `${world.wards.north}x` }),
        [{ href: '#wardId', text: 'Select a ward from the list' }],
      ],
      ['from-day=30&from-month=2&from-year=2025', [{ href: '#from', text: 'From date must be a real date' }]],
      ['to-day=1&to-year=2025', [{ href: '#to', text: 'To date must include a month' }]],
    ]
    for (const [q, summary] of cases) {
      const page = await supervisor.agent.get(`/performance?${q}`)
      expect(page.status, q).toBe(400)
      expect(errorSummaryLinks(page.text), q).toEqual(summary)
      expect(tablesOf(page.text), q).toEqual([])
      expect((await supervisor.agent.get(`/performance/referrals.csv?${q}`)).status, `${q} (CSV)`).toBe(400)
    }
    await supervisor.agent.get(`/performance/no-such-table.csv?${query(period)}`).expect(404)
  })

  it('is forbidden to everyone but supervisors', async () => {
    for (const username of ['admin', 'iom', 'dip', 'cid', 'partner']) {
      const session = await signInAs(t.app, username)
      expect((await session.agent.get('/performance')).status, username).toBe(403)
      expect((await session.agent.get('/performance/referrals.csv')).status, username).toBe(403)
    }
  })
})
